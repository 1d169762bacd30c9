"""Run a job once, or every N seconds until stopped (SIGTERM or Ctrl-C end it cleanly)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandParser


def add_every_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--every",
        type=int,
        default=0,
        metavar="SECONDS",
        help="Keep running, once every SECONDS (for example 60), until stopped.",
    )


def run(job: Callable[[], int], every: int, report: Callable[[int], Any]) -> None:
    if every <= 0:
        report(job())
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.is_set():
            report(job())
            stop.wait(every)
    except KeyboardInterrupt:
        pass
