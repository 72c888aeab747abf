"""Whether the page's main thread and its workers ran on one CPU or on two (Linux).

A sync call is fast when the page's main thread and the worker run side by
side: each watches for the other's next message. On one CPU, one side's watch
only keeps the other from running. ``sampled()`` reads the scheduler's view
of the renderer's threads (``/proc/<pid>/task/<tid>/stat``: state and CPU)
every few milliseconds while a block runs, and counts the samples in which
the main thread and a worker were both runnable, on one CPU or on two.
``pin_apart()`` keeps them on two (a diagnosis: a user's browser is not
pinned).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness import chromium_pids, stat_fields, thread_stats

#: Seconds between samples: the sampler itself must not take a CPU from them.
INTERVAL = 0.002


@dataclass
class Sharing:
    """Samples taken, and those with the main thread and a worker both runnable."""

    samples: int = 0
    one_cpu: int = 0
    two_cpus: int = 0


def _renderer_threads() -> tuple[Path, list[Path]]:
    """The ``stat`` files of the renderer's main thread and of its worker threads."""
    for pid in chromium_pids():
        try:
            workers = thread_stats(pid, "DedicatedWorker")
        except OSError:
            continue
        if workers:
            return Path(f"/proc/{pid}/task/{pid}/stat"), workers
    msg = "no Chromium process with worker threads: is a page with a kernel open?"
    raise RuntimeError(msg)


def _state(stat: Path) -> tuple[str, int]:
    """A thread's scheduler state (R: runnable) and the CPU it last ran on."""
    fields = stat_fields(stat)
    return fields[0], int(fields[36])


def pin_apart() -> None:
    """Keep the renderer's main thread on the first CPU and its worker threads on the second.

    Only the threads alive now (a worker started later runs where the main
    thread does); ``unpin()`` lets them run anywhere again.
    """
    main, workers = _renderer_threads()
    os.sched_setaffinity(int(main.parent.name), {0})
    for worker in workers:
        os.sched_setaffinity(int(worker.parent.name), {1})


def unpin() -> None:
    """Let the renderer's threads run on any CPU again (the next page may share it)."""
    main, _ = _renderer_threads()
    everywhere = set(range(os.cpu_count() or 1))
    for task in main.parent.parent.iterdir():
        try:
            os.sched_setaffinity(int(task.name), everywhere)
        except OSError:  # (a thread that ended meanwhile)
            continue


@contextmanager
def sampled() -> Iterator[Sharing]:
    """Sample the renderer's threads while the block runs; the counts fill in as it runs."""
    main, workers = _renderer_threads()
    sharing = Sharing()
    done = threading.Event()

    def sample() -> None:
        nonlocal main, workers
        while not done.is_set():
            try:
                state, cpu = _state(main)
                others = [_state(worker) for worker in workers]
            except OSError:  # a worker ended (a snapshot's maker): look again
                main, workers = _renderer_threads()
                continue
            sharing.samples += 1
            if state == "R":
                cpus = {other_cpu for other_state, other_cpu in others if other_state == "R"}
                sharing.one_cpu += cpu in cpus
                sharing.two_cpus += bool(cpus - {cpu})
            time.sleep(INTERVAL)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield sharing
    finally:
        done.set()
        sampler.join()
