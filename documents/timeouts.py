"""A time limit on every render, so that no document holds a worker past it.

Input is bounded (ita_portal.limits), but a render is still the slowest thing a request can ask
for. `render_time_limit()` stops one after `DOCUMENT_RENDER_SECONDS` (60 s, half of gunicorn's
120 s timeout) with `RenderTimeout`, a `DocumentError` whose Thai message every caller already
shows: the download page says so, a publication fails cleanly and can be retried.

It uses the process's real-time timer (SIGALRM), which interrupts WeasyPrint's Python layout code.
Signals reach only the main thread, where gunicorn's sync workers and Celery's prefork workers run
requests and tasks; in a thread (the development server) the render runs without the limit.
"""

from __future__ import annotations

import contextlib
import signal
import threading

from django.conf import settings

from .errors import DocumentError


class RenderTimeout(DocumentError):
    """A render that took longer than its limit (the message is Thai)."""


def limit_seconds() -> float:
    return float(getattr(settings, "DOCUMENT_RENDER_SECONDS", 60))


@contextlib.contextmanager
def render_time_limit(seconds: float | None = None):
    seconds = limit_seconds() if seconds is None else seconds
    if (
        seconds <= 0
        or threading.current_thread() is not threading.main_thread()
        or not hasattr(signal, "setitimer")
        or signal.getitimer(signal.ITIMER_REAL)[0] > 0  # a limit is already running
    ):
        yield
        return

    def stop(signum, frame):
        raise RenderTimeout(
            f"สร้างเอกสารนานเกิน {seconds:g} วินาที ระบบจึงหยุดไว้ก่อน "
            "เอกสารอาจยาวมาก ลองเลือกทีละรอบ หรือแจ้งผู้ดูแลระบบ"
        )

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
