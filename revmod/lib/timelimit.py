"""A call with a time limit, for work that may hang: a translation server that accepts the
connection and never answers, a backend with no timeout of its own.

`call(function, *args, seconds=, stop=)` runs the function in a thread of its own and waits at
most `seconds` for it, and no longer once `stop` (a `threading.Event`) is set. Python cannot
kill a thread: one that outlasts its limit is left behind (a daemon thread, so it never keeps
the process alive) and ends when its call returns. The function must not use the database:
its connection would belong to that thread.

The lowest layer: no Django, no revmod app."""

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

# How often a wait looks at `stop`.
POLL_SECONDS = 0.2


class TimeLimitExceeded(TimeoutError):
    """The call did not return within its time limit."""

    def __init__(self, seconds: float):
        super().__init__(f"no answer within {seconds:g} seconds")
        self.seconds = seconds


class Stopped(Exception):
    """`stop` was set before the call returned."""


def call(
    function: Callable[..., T],
    *args: Any,
    seconds: float,
    stop: threading.Event | None = None,
) -> T:
    """`function(*args)`, or TimeLimitExceeded after `seconds`, or Stopped once `stop` is set;
    what the function raises is raised here."""
    outcome: dict[str, Any] = {}
    finished = threading.Event()

    def target() -> None:
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # handed to the caller, whatever it is
            outcome["error"] = error
        finally:
            finished.set()

    name = f"timelimit-{getattr(function, '__qualname__', 'call')}"
    threading.Thread(target=target, name=name, daemon=True).start()
    deadline = time.monotonic() + seconds
    while not finished.is_set():
        if stop is not None and stop.is_set():
            raise Stopped
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeLimitExceeded(seconds)
        finished.wait(min(left, POLL_SECONDS) if stop is not None else left)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
