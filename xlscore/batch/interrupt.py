"""Ctrl-C (SIGINT) and ``kill`` (SIGTERM) as an :class:`Interrupted` the command line answers in
Chinese, with exit code 128 + the signal's number (130, 143), instead of a traceback.

Within :func:`deferred` (the batch's loop, which must stop its workers and keep reports.jsonl
whole-lined) a signal is only noted, and :func:`check` raises it where the loop can stop cleanly.
The first signal counts; those after it, while the first is being answered, are ignored."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """The run was stopped by ``signum``."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class _State:
    installed = False
    signum: int | None = None
    defer = 0


_state = _State()


def _handler(signum, _frame) -> None:
    if _state.signum is not None:
        return  # the first one is being answered
    _state.signum = signum
    if not _state.defer:
        raise Interrupted(signum)


@contextlib.contextmanager
def interrupts() -> Iterator[None]:
    """SIGINT and SIGTERM raise Interrupted in the block (in the main thread; elsewhere nothing
    changes)."""
    if threading.current_thread() is not threading.main_thread() or _state.installed:
        yield
        return
    before = {number: signal.signal(number, _handler) for number in SIGNALS}
    _state.installed, _state.signum, _state.defer = True, None, 0
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)
        _state.installed, _state.signum, _state.defer = False, None, 0


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """A signal in the block is only noted (see :func:`check`); one noted is raised when it ends."""
    _state.defer += 1
    try:
        yield
    finally:
        _state.defer -= 1
    check()


def check() -> None:
    """Raise the Interrupted of a signal noted under :func:`interrupts`."""
    if _state.installed and _state.signum is not None:
        raise Interrupted(_state.signum)
