"""Collect agentkit's events in a test: :func:`capture_events`."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar, overload

from autogen_core import EVENT_LOGGER_NAME

from ..events import AgentkitEvent

__all__ = ("capture_events",)

E = TypeVar("E", bound=AgentkitEvent)


class _Collector(logging.Handler):
    def __init__(self, kind: type[AgentkitEvent], into: list[AgentkitEvent]) -> None:
        super().__init__(logging.INFO)
        self._kind = kind
        self._into = into

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, self._kind):
            self._into.append(record.msg)


@overload
def capture_events() -> AbstractContextManager[list[AgentkitEvent]]: ...
@overload
def capture_events(kind: type[E]) -> AbstractContextManager[list[E]]: ...
def capture_events(kind: type[AgentkitEvent] = AgentkitEvent) -> AbstractContextManager[list[Any]]:
    """Collect the agentkit events of one type emitted on AutoGen's event logger while the block runs.

    The logger is enabled for INFO inside the block (AutoGen's default leaves it off) and restored after::

        from agentkit.events import ModelAttemptEvent
        from agentkit.testing import capture_events

        with capture_events(ModelAttemptEvent) as attempts:
            await client.create(messages)
        assert [a["member"] for a in attempts] == ["primary", "backup"]

    Args:
        kind: The event class to keep (subclasses included); every agentkit event by default.

    Returns:
        A context manager whose value is the list the events are appended to, in emission order.
    """
    return _capture(kind)


@contextmanager
def _capture(kind: type[AgentkitEvent]) -> Iterator[list[AgentkitEvent]]:
    seen: list[AgentkitEvent] = []
    logger = logging.getLogger(EVENT_LOGGER_NAME)
    handler = _Collector(kind, seen)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield seen
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
