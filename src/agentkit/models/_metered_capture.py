"""Reading usage details AutoGen's clients drop: cached-input, cache-write and reasoning tokens, served model.

``OpenAIChatCompletionClient`` and ``AnthropicChatCompletionClient`` build ``CreateResult.usage`` from the
prompt and completion counts only, but they log the provider's full response in an ``LLMCallEvent`` on
AutoGen's event logger. While a metered client delegates a call it opens a task-local slot; a filter on that
logger copies the response of the ``LLMCallEvent`` logged in the same task into the slot.

Streams log no provider response (``LLMStreamEndEvent`` carries AutoGen's ``CreateResult``), so for streams
:func:`install_stream_taps` wraps the ``create`` method of the OpenAI and Anthropic SDKs' async resources
(once per process, only SDKs already imported): while a slot is open, a streamed response is handed back
behind a thin proxy that copies the usage the wire carries into the slot — the OpenAI usage chunk
(``prompt_tokens_details.cached_tokens``) and Anthropic's ``message_start`` / ``message_delta`` usage
(``cache_read_input_tokens``, ``cache_creation_input_tokens``). Outside a slot the wrapper costs one context
variable read per request and returns the SDK's own stream; inside, one attribute check per chunk.

The logger must be enabled for INFO for AutoGen to log the event. If it is not, :func:`install` sets its
level to ``INFO - 1`` and the filter drops every record below the level that was in effect, so your
handlers see nothing new. Once you set the logger's level yourself (e.g. ``setLevel(logging.INFO)`` to see
AutoGen's events), the filter stops dropping anything.
"""

from __future__ import annotations

import functools
import logging
import sys
import threading
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any

__all__ = ("UsageDetails", "begin", "end", "install", "install_stream_taps", "parse_response")


class _Slot:
    __slots__ = ("response",)

    def __init__(self) -> None:
        self.response: dict[str, Any] | None = None


_SLOT: ContextVar[_Slot | None] = ContextVar("agentkit_usage_capture", default=None)


class _CaptureFilter(logging.Filter):
    """Copies ``LLMCallEvent`` responses into the current task's slot; hides records it enabled."""

    def __init__(self, logger: logging.Logger, hide_below: int | None) -> None:
        super().__init__("agentkit.usage-capture")
        self._logger = logger
        self._hide_below = hide_below

    def filter(self, record: logging.LogRecord) -> bool:
        slot = _SLOT.get()
        if slot is not None:
            kwargs = getattr(record.msg, "kwargs", None)
            if isinstance(kwargs, dict) and kwargs.get("type") == "LLMCall":
                response = kwargs.get("response")
                if isinstance(response, dict):
                    slot.response = response
        hide_below = self._hide_below
        if hide_below is None or self._logger.level != _OUR_LEVEL:
            return True  # we changed nothing, or you have set the level yourself since
        return record.levelno >= hide_below


_OUR_LEVEL = logging.INFO - 1
"""The level the capture sets: just below INFO, so the filter can tell it from a level you set."""

_install_lock = threading.Lock()
_state: dict[str, bool] = {"installed": False}


def install() -> None:
    """Attach the capture filter to AutoGen's event logger (once per process)."""
    from autogen_core import EVENT_LOGGER_NAME

    with _install_lock:
        if _state["installed"]:
            return
        logger = logging.getLogger(EVENT_LOGGER_NAME)
        hide_below: int | None = None
        effective = logger.getEffectiveLevel()
        if effective > logging.INFO:
            hide_below = effective
            logger.setLevel(_OUR_LEVEL)
        logger.addFilter(_CaptureFilter(logger, hide_below))
        _state["installed"] = True


class _TappedStream:
    """An SDK stream, passed through item by item; subclasses copy the usage it carries into a slot."""

    __slots__ = ("_slot", "_stream")

    def __init__(self, stream: Any, slot: _Slot) -> None:
        self._stream = stream
        self._slot = slot

    def __aiter__(self) -> _TappedStream:
        return self

    async def __anext__(self) -> Any:  # pragma: no cover - replaced in subclasses
        raise NotImplementedError

    async def __aenter__(self) -> _TappedStream:
        await self._stream.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> Any:
        return await self._stream.__aexit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _OpenAIStream(_TappedStream):
    """OpenAI: the usage chunk (``stream_options.include_usage``) carries the full usage, details included."""

    __slots__ = ()

    async def __anext__(self) -> Any:
        chunk = await self._stream.__anext__()
        usage = chunk.usage
        if usage is not None:
            self._slot.response = {"model": chunk.model, "usage": usage.model_dump()}
        return chunk


class _AnthropicStream(_TappedStream):
    """Anthropic: ``message_start`` carries input and cache usage; ``message_delta`` the final counts."""

    __slots__ = ()

    async def __anext__(self) -> Any:
        event = await self._stream.__anext__()
        kind = event.type
        if kind == "message_start":
            message = event.message
            self._slot.response = {"model": message.model, "usage": message.usage.model_dump()}
        elif kind == "message_delta":
            response = self._slot.response
            usage = response.get("usage") if response is not None else None
            if isinstance(usage, dict):
                usage.update({k: v for k, v in event.usage.model_dump().items() if v is not None})
        return event


def _tap(create: Any, proxy: type[_TappedStream]) -> Any:
    @functools.wraps(create)
    async def tapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = await create(self, *args, **kwargs)
        if kwargs.get("stream") is True:
            slot = _SLOT.get()
            if slot is not None:
                return proxy(result, slot)
        return result

    tapped.__agentkit_tap__ = True  # type: ignore[attr-defined]
    return tapped


def _sdk_resources() -> list[tuple[str, type[Any], type[_TappedStream]]]:
    found: list[tuple[str, type[Any], type[_TappedStream]]] = []
    if "openai" in sys.modules:
        from openai.resources.chat.completions import AsyncCompletions

        found.append(("openai", AsyncCompletions, _OpenAIStream))
    if "anthropic" in sys.modules:
        from anthropic.resources.messages import AsyncMessages

        found.append(("anthropic", AsyncMessages, _AnthropicStream))
    return found


def install_stream_taps() -> None:
    """Tap the streams of the OpenAI and Anthropic SDKs that are imported (each once per process).

    Never imports an SDK: a metered client calls this when it is built, so an SDK that its inner client
    uses is already imported.
    """
    with _install_lock:
        for name, resource, proxy in _sdk_resources():
            if _state.get(name):
                continue
            create = resource.create
            if not getattr(create, "__agentkit_tap__", False):
                resource.create = _tap(create, proxy)
            _state[name] = True


def begin() -> tuple[_Slot, Token[_Slot | None]]:
    """Open a capture slot for the current task."""
    slot = _Slot()
    return slot, _SLOT.set(slot)


def end(token: Token[_Slot | None]) -> None:
    """Close the slot opened by :func:`begin`."""
    try:
        _SLOT.reset(token)
    except ValueError:  # closed from another context (e.g. an async generator finalised elsewhere)
        _SLOT.set(None)


@dataclass(frozen=True, slots=True)
class UsageDetails:
    """What a provider response says beyond prompt/completion counts."""

    model: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    cached_input_tokens: int
    cache_write_tokens: int
    reasoning_tokens: int
    reported: tuple[int, int] | None = None
    """What AutoGen reports in ``CreateResult.usage`` for this response: ``(prompt, completion)``."""

    def matches(self, prompt_tokens: int, completion_tokens: int) -> bool:
        """Whether this response is the one behind a result with this usage (not an earlier attempt's)."""
        return self.reported == (prompt_tokens, completion_tokens)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def parse_response(response: dict[str, Any]) -> UsageDetails:
    """Read an OpenAI chat-completion or Anthropic message response (as ``model_dump()`` gives it)."""
    usage = response.get("usage")
    model = response.get("model") if isinstance(response.get("model"), str) else None
    if not isinstance(usage, dict):
        return UsageDetails(model, None, None, 0, 0, 0)
    if "input_tokens" in usage:  # Anthropic: input_tokens excludes cache reads and writes
        read = _int(usage.get("cache_read_input_tokens"))
        write = _int(usage.get("cache_creation_input_tokens"))
        uncached, output = _int(usage.get("input_tokens")), _int(usage.get("output_tokens"))
        return UsageDetails(model, uncached + read + write, output, read, write, 0, (uncached, output))
    prompt_details = usage.get("prompt_tokens_details")
    completion_details = usage.get("completion_tokens_details")
    prompt, completion = _int(usage.get("prompt_tokens")), _int(usage.get("completion_tokens"))
    return UsageDetails(
        model,
        prompt,
        completion,
        _int(prompt_details.get("cached_tokens")) if isinstance(prompt_details, dict) else 0,
        0,
        _int(completion_details.get("reasoning_tokens")) if isinstance(completion_details, dict) else 0,
        (prompt, completion),
    )
