"""The deadline of a long computation, its progress lines, and HiGHS' time limit under it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from ..messages import log_message, text

log = logging.getLogger("cocreate_match.lottery")

# Progress is reported at least this often (seconds), also inside a long step.
HEARTBEAT = 1.0

Progress = Callable[[str], None]


class Stopped(Exception):
    """The deadline came before the step finished (internal)."""


class Clock:
    """The deadline, and progress lines at least every ``HEARTBEAT`` seconds."""

    def __init__(self, deadline: float | None, progress: Progress) -> None:
        self.deadline = deadline
        self.progress = progress
        self.last = time.perf_counter()
        # The last line, as a message code and its fields (None before the first).
        self.status: tuple[str, dict[str, Any]] | None = None

    def remaining(self) -> float | None:
        """Seconds left (None without a deadline); raises :class:`Stopped` when none are."""
        if self.deadline is None:
            return None
        left = self.deadline - time.perf_counter()
        if left <= 0:
            raise Stopped
        return left

    def say(self, code: str, **params: Any) -> None:
        """Report the line of message ``code``: logged in English with its code, given to
        the progress callback in the current language."""
        self.status = (code, params)
        self.last = time.perf_counter()
        # Progress lines hold counts and values, never people.
        log_message(log, code, **params)
        self.progress(text(code, **params))

    def tick(self, code: str | None = None, **params: Any) -> None:
        """Report the line of ``code`` (or the last one) if the last report is old."""
        if code is not None:
            self.status = (code, params)
        if self.status is not None and time.perf_counter() - self.last >= HEARTBEAT:
            self.say(self.status[0], **self.status[1])


def limit_time(h: Any, clock: Clock) -> None:
    """Set a kept HiGHS instance's time limit to what is left of the clock's deadline."""
    # HiGHS' limit counts the current run only, also on a kept instance (a test checks it),
    # though getRunTime adds every run up.
    remaining = clock.remaining()
    h.setOptionValue("time_limit", float("inf") if remaining is None else
                     max(remaining, 1e-3))


class Heartbeat:
    """Calls ``progress`` at least every ``HEARTBEAT`` seconds while a computation runs, also
    when it is inside a long call that reports nothing (building a model, a solver's presolve):
    a helper thread repeats the last line. Lines never overlap: one lock guards the calls.

    Use as a context manager; :meth:`__call__` is the progress function to hand on.

    No Python code runs inside the solver: HiGHS releases the interpreter while it runs, so
    the thread keeps beating, and an exception (Ctrl-C, or one raised by ``progress``) never
    has to cross the solver's C++ code. One that ``progress`` raises in the thread is raised
    again in the caller's thread at its next report, or when the block ends.
    """

    def __init__(self, progress: Progress, first: str) -> None:
        import threading

        self._progress = progress
        self._line = first
        self._last = time.perf_counter()
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="cocreate_match-progress",
                                        daemon=True)
        self._error: Exception | None = None

    def __call__(self, line: str) -> None:
        with self._lock:
            self._raise_pending()
            self._line = line
            self._last = time.perf_counter()
            self._progress(line)

    def _raise_pending(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _beat(self) -> None:
        while not self._done.wait(HEARTBEAT / 4):
            with self._lock:
                if time.perf_counter() - self._last >= HEARTBEAT:
                    self._last = time.perf_counter()
                    try:
                        self._progress(self._line)
                    except Exception as error:  # raised in the caller's thread instead
                        self._error = error
                        return

    def __enter__(self) -> Heartbeat:
        self(self._line)
        self._thread.start()
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        self._done.set()
        self._thread.join()
        if kind is None:
            self._raise_pending()
