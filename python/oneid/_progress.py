"""The ``progress=`` argument of oneid's long calls.

``progress=True`` shows one line on ``sys.stderr`` per stage, rewritten in place as the stage
advances (stage, percent, count, rate, ETA) and ended with a newline when the stage is done;
``progress=callable`` calls ``callable(stage, done, total)`` instead (``total`` is 0 while a stage's
size is unknown, as in a model fit). Reports come from the C++ library at most about twice a second
per stage; the first report of a stage has ``done == 0`` and the last ``done == total``.

An exception raised by the callable (or a KeyboardInterrupt) stops the reports and is raised by the
call once the C++ work has finished; what that work did stands (an ``add_batch`` is applied).
"""

from __future__ import annotations

import sys
import time
from typing import Any, Callable, Optional

ProgressCallback = Callable[[str, int, int], Any]

__all__ = ["ProgressCallback", "StderrProgress", "as_callback"]


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f}s"
    if seconds < 3600:
        return f"{int(seconds // 60)}m{int(seconds) % 60:02d}s"
    return f"{int(seconds // 3600)}h{int(seconds // 60) % 60:02d}m"


class StderrProgress:
    """What ``progress=True`` uses: one line per stage on ``stream`` (``sys.stderr`` by default,
    looked up at each report so that redirection and notebooks work), updated in place."""

    def __init__(self, stream: Any = None) -> None:
        self._stream = stream
        self._stage: Optional[str] = None
        self._start = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        stream = self._stream if self._stream is not None else sys.stderr
        now = time.monotonic()
        if stage != self._stage or done == 0:
            self._stage, self._start = stage, now
        elapsed = now - self._start
        if total:
            text = f"{stage}: {100.0 * done / total:5.1f}% {done}/{total}"
        else:
            text = f"{stage}: {done}"
        last = total != 0 and done == total
        if elapsed > 0 and done > 0:
            rate = done / elapsed
            text += f" {rate:,.0f}/s"
            if last:
                text += f" in {_duration(elapsed)}"
            elif total:
                text += f" ETA {_duration((total - done) / rate)}"
        stream.write("\r" + text.ljust(72) + ("\n" if last else ""))
        stream.flush()


def as_callback(progress: Any) -> Optional[ProgressCallback]:
    """``None``/``False`` -> None, ``True`` -> a :class:`StderrProgress`, a callable -> itself."""
    if progress is None or progress is False:
        return None
    if progress is True:
        return StderrProgress()
    if callable(progress):
        return progress
    raise TypeError(f"progress must be None, a bool or a callable taking (stage, done, total), got {type(progress).__name__}")
