"""The tmux the end-to-end tests drive: missing is a failure under CI, a skip elsewhere."""

from __future__ import annotations

import os
import shutil

import pytest


def tmux_or_fail() -> str:
    tmux = shutil.which("tmux")
    if tmux is None:
        if os.environ.get("CI") == "true":
            pytest.fail("tmux is missing: .ci/run should have installed it")
        pytest.skip("tmux is not installed")
    return tmux
