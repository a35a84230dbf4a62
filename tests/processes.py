"""Run the real `recueil` program in separate processes (concurrency and crash tests)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

RECUEIL = [sys.executable, "-c", "from recueil.cli import main; main()"]
POLL_S = 0.05
WAIT_S = 300.0


def recueil_env(**extra: str) -> dict[str, str]:
    """The environment of a child recueil: this one, without user settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECUEIL_")}
    env.update(extra)
    return env


def start(root_args: Sequence[str], *args: str, **env: str) -> subprocess.Popen[str]:
    """Start `recueil ROOT_ARGS ARGS` in the background (stdout/stderr captured)."""
    return subprocess.Popen(
        [*RECUEIL, *root_args, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=recueil_env(**env),
    )


def run(root_args: Sequence[str], *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `recueil ROOT_ARGS ARGS` to completion."""
    return subprocess.run(
        [*RECUEIL, *root_args, *args],
        capture_output=True,
        text=True,
        env=recueil_env(**env),
        timeout=WAIT_S,
        check=False,
    )


def wait_until(condition: Callable[[], bool], process: subprocess.Popen[str] | None = None) -> bool:
    """Poll ``condition`` until it holds; False when ``process`` ended first."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if condition():
            return True
        if process is not None and process.poll() is not None:
            return condition()
        time.sleep(POLL_S)
    raise AssertionError("the condition never held")


def tree_files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
