"""Telling a refusal from a broken answer.

OpenAI reports a refusal as ``finish_reason="content_filter"``, which AutoGen passes on. Anthropic reports
``stop_reason="refusal"``, which AutoGen's Anthropic client turns into ``finish_reason="unknown"`` — the
same value a stream cut before its end gets. So the failover client watches its Anthropic members' SDK
client (a thin proxy around ``client._client.messages``) and notes the stop reason of each call in a
per-call :class:`StopSlot` that the failover client opens for the call (a context variable: concurrent
calls never see each other's slot). Nothing is imported from the Anthropic SDK.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextvars import ContextVar
from typing import Any

__all__ = ("StopSlot", "open_slot", "watch_anthropic_refusals")


class StopSlot:
    """The stop reason a watched member reported for the current call (``None`` until one arrives)."""

    __slots__ = ("stop_reason",)

    def __init__(self) -> None:
        self.stop_reason: str | None = None


_SLOT: ContextVar[StopSlot | None] = ContextVar("agentkit_stop_slot", default=None)


def open_slot() -> StopSlot:
    """Open a fresh slot for the call about to be made in this context; read it after the call."""
    slot = StopSlot()
    _SLOT.set(slot)
    return slot


def _note(stop_reason: Any) -> None:
    slot = _SLOT.get()
    if slot is not None and isinstance(stop_reason, str):
        slot.stop_reason = stop_reason


class _WatchedStream:
    """An SDK event stream that notes the ``message_delta`` stop reason as the events pass."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    async def __aiter__(self) -> AsyncIterator[Any]:
        async for event in self._stream:
            if event.type == "message_delta":
                _note(getattr(event.delta, "stop_reason", None))
            yield event


class _WatchedMessages:
    def __init__(self, messages: Any) -> None:
        self._messages = messages

    def __getattr__(self, name: str) -> Any:
        return getattr(self._messages, name)

    async def create(self, **kwargs: Any) -> Any:
        result = await self._messages.create(**kwargs)
        if kwargs.get("stream"):
            return _WatchedStream(result)
        _note(getattr(result, "stop_reason", None))
        return result


class _WatchedAnthropic:
    """Forwards everything to the SDK client; only ``messages.create`` is watched."""

    def __init__(self, sdk: Any) -> None:
        self._sdk = sdk
        self.messages = _WatchedMessages(sdk.messages)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sdk, name)


def watch_anthropic_refusals(client: Any) -> bool:
    """Watch an ``AnthropicChatCompletionClient``'s SDK calls (in place); whether it could be done."""
    sdk = getattr(client, "_client", None)
    if sdk is None or not hasattr(sdk, "messages"):
        return False
    if not isinstance(sdk, _WatchedAnthropic):
        client._client = _WatchedAnthropic(sdk)
    return True
