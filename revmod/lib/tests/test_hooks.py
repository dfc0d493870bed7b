"""The points where a lower layer lets a higher one act."""

import pytest

from revmod.lib.hooks import Hook, post


def test_handlers_run_once_each_in_the_order_registered():
    calls = []
    hook = Hook("hook(x): something happened")
    first, second = (lambda x: calls.append(("first", x))), (lambda x: calls.append(("second", x)))
    hook.register(first)
    hook.register(second)
    hook.register(first)  # registering again changes nothing
    hook(7)
    assert calls == [("first", 7), ("second", 7)]


def test_a_required_hook_with_no_handler_says_so():
    with pytest.raises(RuntimeError, match="put a message in the outbox"):
        Hook(post.contract, required=True)("activation", None, {}, key="k", now=None)
    Hook("optional")()  # an optional one with no handler does nothing


def test_the_outbox_takes_the_posts_of_the_layers_below():
    from revmod.notifications.outbox import enqueue

    assert post.handlers == [enqueue]
