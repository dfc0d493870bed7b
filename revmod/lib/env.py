"""Reading settings from the environment, with defaults and clear errors."""

import os

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env(name: str, default: str) -> str:
    """The variable's value, or `default` when it is unset."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """A yes/no variable: 1/true/yes/on or 0/false/no/off (any case)."""
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in TRUE:
        return True
    if value.strip().lower() in FALSE:
        return False
    raise ValueError(f"{name} must be 1 or 0 (got {value!r})")


def env_list(name: str, default: str) -> list[str]:
    """A comma-separated list."""
    return [item.strip() for item in env(name, default).split(",") if item.strip()]
