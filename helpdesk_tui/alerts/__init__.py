"""Deadline alerts on their way to people."""
