"""Exchanging the desk's data with other programs: files that calendars and spreadsheets read
and write (iCalendar for training sessions). Pure formats here; writing goes through the
services."""
