"""Shared helpers for the failover tests (events capture, clock driving, fake provider errors)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from autogen_core.models import ChatCompletionClient, CreateResult, ModelInfo, UserMessage

from agentkit.events import AgentkitEvent
from agentkit.testing import ManualClock
from agentkit.testing import capture_events as collect_events

T = TypeVar("T")

MESSAGES = [UserMessage(content="What is the capital of France?", source="user")]

ALL_INFO: ModelInfo = {
    "vision": True,
    "function_calling": True,
    "json_output": True,
    "structured_output": True,
    "family": "unknown",
}
TEXT_ONLY: ModelInfo = {
    "vision": False,
    "function_calling": False,
    "json_output": False,
    "structured_output": False,
    "family": "unknown",
}


class StatusError(Exception):
    """Duck-typed provider error: what classify_error reads from SDK exceptions."""

    def __init__(
        self, status_code: int, message: str = "", *, code: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message or f"HTTP {status_code}")
        self.status_code = status_code
        self.code = code
        self.body: dict[str, Any] = {"error": {"message": message, "code": code}}
        self.response = _Response(headers or {})


class _Response:
    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers


class EventLog:
    """The agentkit events a block emitted (collected by ``agentkit.testing.capture_events``), by type."""

    def __init__(self, events: list[AgentkitEvent]) -> None:
        self.events = events

    def of(self, type_: str) -> list[dict[str, Any]]:
        return [e.kwargs for e in self.events if e.kwargs["type"] == type_]

    @property
    def attempts(self) -> list[dict[str, Any]]:
        return self.of("agentkit.ModelAttempt")

    @property
    def circuits(self) -> list[dict[str, Any]]:
        return self.of("agentkit.CircuitState")


@contextmanager
def capture_events() -> Iterator[EventLog]:
    with collect_events() as events:
        yield EventLog(events)


async def drive(clock: ManualClock, work: Awaitable[T], *, step: float = 0.5, max_steps: int = 2000) -> T:
    """Run ``work`` while moving the manual clock forward in steps until it finishes."""
    task = asyncio.ensure_future(work)
    for _ in range(max_steps):
        if task.done():
            break
        await clock.advance(step)
    assert task.done(), "work did not finish on the manual clock"
    return task.result()


async def answer(client: ChatCompletionClient, stream: bool) -> CreateResult:
    """One call's result, from ``create`` or from the end of ``create_stream``."""
    if not stream:
        return await client.create(MESSAGES)
    async for item in client.create_stream(MESSAGES):
        if isinstance(item, CreateResult):
            return item
    raise AssertionError("the stream ended without a result")
