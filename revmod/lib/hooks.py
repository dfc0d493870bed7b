"""Points where a lower layer lets the layers above it act (docs/architecture.md).

A lower app declares a `Hook` with its contract; a higher app registers a handler in its
`AppConfig.ready`; the lower app calls the hook, which calls every handler in the order
registered, in the caller's transaction: what a handler does is kept with the caller's change
or not at all (a handler that raises rolls it back). So a lower layer asks for work of a
higher one without importing it.
"""

from collections.abc import Callable


class Hook:
    """A named point with a contract; `required`: calling it with no handler is an error (the
    work cannot be skipped, e.g. an activation e-mail)."""

    def __init__(self, contract: str, *, required: bool = False) -> None:
        self.contract = contract
        self.required = required
        self.handlers: list[Callable[..., object]] = []

    def register(self, handler: Callable[..., object]) -> None:
        """Add `handler` (once, however often it is registered)."""
        if handler not in self.handlers:
            self.handlers.append(handler)

    def __call__(self, *args, **kwargs) -> None:
        if self.required and not self.handlers:
            raise RuntimeError(f"Nothing is registered for: {self.contract}")
        for handler in list(self.handlers):
            handler(*args, **kwargs)


# The outbox: `post(kind, recipient, context, *, key, now)` puts a message of `kind` for
# `recipient` in the outbox, in the caller's transaction (notifications.outbox.enqueue).
post = Hook(
    "post(kind, recipient, context, *, key, now): put a message in the outbox", required=True
)
