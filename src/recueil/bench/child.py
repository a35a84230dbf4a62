"""Run one measurement in a fresh (spawned) process and read its peak memory.

A spawned child starts from nothing, so a stage's peak RSS is its own: the
models or indexes a previous stage loaded do not count. The child reports
its high-water mark (``VmHWM``) and the largest of its own children (worker
and extraction processes) from ``getrusage(RUSAGE_CHILDREN)``.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from recueil.errors import BenchError


@dataclass(frozen=True)
class Measured:
    name: str
    value: Any  # what the stage function returned
    peak_mb: float  # the stage process
    children_mb: float  # the largest of its children (0 without any)
    wall_s: float
    cpu_s: float  # user + system time of the stage process and its children
    load: float  # 1-minute load average when the stage ended


def _vm_hwm_kb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage // 1024 if sys.platform == "darwin" else usage


def _entry(conn: Connection, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        value = func(*args)
        mine = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime
        conn.send(("ok", value, _vm_hwm_kb(), children.ru_maxrss, cpu))
    except BaseException as exc:  # reported to the parent, which raises a coded error
        conn.send(
            ("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=6)}", 0, 0, 0.0)
        )
    finally:
        conn.close()


def measure(name: str, func: Callable[..., Any], *args: Any) -> Measured:
    """``func(*args)`` in a spawned process; its result with peak RSS and wall time."""
    ctx = mp.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_entry, args=(sender, func, args))
    started = time.perf_counter()
    process.start()
    sender.close()
    try:
        status, value, self_kb, children_kb, cpu = receiver.recv()
    except EOFError as exc:
        raise BenchError(f"the {name} stage died (exit code {process.exitcode})") from exc
    finally:
        receiver.close()
        process.join()
    wall = time.perf_counter() - started
    if status != "ok":
        raise BenchError(f"the {name} stage failed: {value}")
    return Measured(name, value, self_kb / 1024, children_kb / 1024, wall, cpu, os.getloadavg()[0])
