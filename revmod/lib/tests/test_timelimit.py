"""A call with a time limit (revmod.lib.timelimit): its answer or its error come back; a call
that hangs is left behind at the limit, or as soon as the caller is told to stop. No database.
The limits are a small fraction of a second: the waits are bounded, never measured."""

import threading

import pytest

from revmod.lib import timelimit


def test_the_answer_or_the_error_of_the_call_comes_back():
    assert timelimit.call(lambda a, b: a + b, 2, 3, seconds=30) == 5
    with pytest.raises(ZeroDivisionError):
        timelimit.call(lambda: 1 / 0, seconds=30)


def test_a_call_that_hangs_is_left_behind_at_its_time_limit():
    hanging, returned = threading.Event(), threading.Event()

    def hang():
        hanging.wait()
        returned.set()

    try:
        with pytest.raises(timelimit.TimeLimitExceeded, match="no answer within 0.05 seconds"):
            timelimit.call(hang, seconds=0.05)
        assert not returned.is_set()  # the caller went on while the call still hangs
    finally:
        hanging.set()
    assert returned.wait(30)  # and it ends when it returns


def test_a_call_that_hangs_is_left_behind_when_the_caller_is_told_to_stop():
    hanging, stop = threading.Event(), threading.Event()

    def hang():
        stop.set()  # e.g. SIGTERM while the call waits
        hanging.wait()

    try:
        with pytest.raises(timelimit.Stopped):
            timelimit.call(hang, seconds=3600, stop=stop)
    finally:
        hanging.set()
