"""Reading what a provider answered that AutoGen's clients drop — per client instance, never process-wide.

``OpenAIChatCompletionClient`` and ``AnthropicChatCompletionClient`` (autogen-ext 0.7) build a ``CreateResult``
from the prompt and completion counts only: cached-input, cache-write and reasoning tokens and the served model
are dropped, and Anthropic's ``stop_reason="refusal"`` becomes ``finish_reason="unknown"`` — the value a cut
stream gets too. :func:`tap` wraps ONE such client's SDK resource (``client._client.chat.completions`` or
``client._client.messages``: AutoGen looks it up on every request) by giving that resource instance its own
``create``. No SDK class is touched; clients nobody tapped never see this module.

While a caller holds a :class:`WireRecord` open (:func:`open_record`, a context variable, so concurrent calls
never share one), a tapped ``create`` notes into it the usage details, served model and stop reason — read off
the response object, or, for a stream, off the few events that carry them (the OpenAI usage chunk; Anthropic's
``message_start`` and ``message_delta``) while every item passes through unchanged. With no record open a
tapped ``create`` costs one context-variable read per request and hands back the SDK's own stream (no per-chunk
work); with one open, one attribute check per chunk. Records nest: a record opened inside another passes what it
notes on to the outer one — except an *isolated* record (a failover attempt inside a metered call: hedged
racers and the attempts of a recovered stream must not overwrite each other), which passes it on only when
:meth:`WireRecord.publish` says it is the call's answer.

A tap lives on the SDK client instance: an autogen-ext client whose ``_client`` is replaced later (e.g. by
``with_options``) must be tapped again; :func:`tap` is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any, Literal

__all__ = (
    "Spent",
    "UsageDetails",
    "WireRecord",
    "close_record",
    "current_record",
    "is_tapped",
    "open_record",
    "provider_of",
    "tap",
    "usage_details",
)

Provider = Literal["openai", "anthropic"]


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


@dataclass(frozen=True, slots=True)
class Spent:
    """An earlier attempt of a recovered stream: cut off after delivering text, so spent and billed on its own.

    ``prompt_tokens`` / ``completion_tokens`` are what it added to the call's ``CreateResult.usage`` (AutoGen's
    counting); ``details``, when the wire said more (Anthropic's ``message_start``), are its usage details.
    """

    member: str
    model: str
    provider: str | None
    prompt_tokens: int
    completion_tokens: int
    details: UsageDetails | None


class WireRecord:
    """What the tapped SDK calls made while this record was open reported (``None`` until one does)."""

    __slots__ = ("details", "isolated", "parent", "spent", "stop_reason")

    def __init__(self, parent: WireRecord | None, isolated: bool = False) -> None:
        self.details: UsageDetails | None = None
        self.stop_reason: str | None = None
        self.parent = parent
        self.isolated = isolated
        self.spent: list[Spent] | None = None

    def publish(self, spent: list[Spent] | None = None) -> None:
        """Pass what this (isolated) record noted on to the records it is nested in: it is the call's answer.

        ``spent``: the earlier attempts of a recovered stream, billed apart by the metered client outside.
        """
        parent = self.parent
        if parent is not None:
            _note(parent, self.details, self.stop_reason)
            if spent:
                parent.spent = [*(parent.spent or ()), *spent]


_RECORD: ContextVar[WireRecord | None] = ContextVar("agentkit_wire_record", default=None)

current_record = _RECORD.get
"""The record open in this context, if any (``ContextVar.get`` itself: it runs on every failover call)."""


def open_record(isolated: bool = False) -> tuple[WireRecord, Token[WireRecord | None]]:
    """Open a record for the calls made from here in this context (inside any record already open).

    An ``isolated`` record keeps what it notes to itself until :meth:`WireRecord.publish`.
    """
    record = WireRecord(_RECORD.get(), isolated)
    return record, _RECORD.set(record)


def close_record(record: WireRecord, token: Token[WireRecord | None]) -> None:
    """Close a record opened by :func:`open_record`; what is already noted stays readable."""
    try:
        _RECORD.reset(token)
    except ValueError:  # closed from another context (e.g. an async generator finalised elsewhere)
        if _RECORD.get() is record:
            _RECORD.set(record.parent)


def _note(record: WireRecord | None, details: UsageDetails | None, stop_reason: Any) -> None:
    """Note into ``record`` and every record it is nested in, up to the first isolated one."""
    if not isinstance(stop_reason, str):
        stop_reason = None
    while record is not None:
        if details is not None:
            record.details = details
        if stop_reason is not None:
            record.stop_reason = stop_reason
        if record.isolated:
            return
        record = record.parent


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def usage_details(model: Any, usage: Any) -> UsageDetails | None:
    """Read an OpenAI ``CompletionUsage`` or an Anthropic ``Usage`` (SDK objects) served by ``model``."""
    if usage is None:
        return None
    served = model if isinstance(model, str) else None
    if hasattr(usage, "input_tokens"):  # Anthropic: input_tokens excludes cache reads and writes
        read = _int(getattr(usage, "cache_read_input_tokens", None))
        write = _int(getattr(usage, "cache_creation_input_tokens", None))
        uncached, output = _int(usage.input_tokens), _int(getattr(usage, "output_tokens", None))
        return UsageDetails(served, uncached + read + write, output, read, write, 0, (uncached, output))
    prompt, completion = _int(getattr(usage, "prompt_tokens", None)), _int(getattr(usage, "completion_tokens", None))
    prompt_details = getattr(usage, "prompt_tokens_details", None)
    completion_details = getattr(usage, "completion_tokens_details", None)
    return UsageDetails(
        served,
        prompt,
        completion,
        _int(getattr(prompt_details, "cached_tokens", None)),
        0,
        _int(getattr(completion_details, "reasoning_tokens", None)),
        (prompt, completion),
    )


# ---------------------------------------------------------------------------------------------------- streams


class _TappedStream:
    """An SDK stream, passed through item by item; subclasses note the few items that carry usage or a stop."""

    __slots__ = ("_record", "_stream")

    def __init__(self, stream: Any, record: WireRecord) -> None:
        self._stream = stream
        self._record = record

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
    """OpenAI: the usage chunk (``stream_options.include_usage``) carries the whole usage, details included."""

    __slots__ = ()

    async def __anext__(self) -> Any:
        chunk = await self._stream.__anext__()
        if chunk.usage is not None:
            _note(self._record, usage_details(chunk.model, chunk.usage), None)
        return chunk


_COUNTS = ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")


class _AnthropicUsage:
    """The usage an Anthropic stream has reported so far: ``message_start``'s, updated by ``message_delta``."""

    __slots__ = _COUNTS

    def __init__(self, usage: Any) -> None:
        for name in _COUNTS:
            setattr(self, name, getattr(usage, name, None))

    def update(self, usage: Any) -> None:
        for name in _COUNTS:
            value = getattr(usage, name, None)
            if value is not None:
                setattr(self, name, value)


class _AnthropicStream(_TappedStream):
    """Anthropic: ``message_start`` carries the input and cache usage; ``message_delta`` the stop and final counts."""

    __slots__ = ("_model", "_usage")

    def __init__(self, stream: Any, record: WireRecord) -> None:
        super().__init__(stream, record)
        self._model: str | None = None
        self._usage: _AnthropicUsage | None = None

    async def __anext__(self) -> Any:
        event = await self._stream.__anext__()
        kind = event.type
        if kind == "message_delta":
            usage = self._usage
            if usage is not None and event.usage is not None:
                usage.update(event.usage)
            details = usage_details(self._model, usage) if usage is not None else None
            _note(self._record, details, getattr(event.delta, "stop_reason", None))
        elif kind == "message_start":
            message = event.message
            self._model = message.model
            self._usage = _AnthropicUsage(message.usage)
            _note(self._record, usage_details(self._model, self._usage), None)
        return event


# ---------------------------------------------------------------------------------------------------- tapping


def _read_openai(response: Any, record: WireRecord) -> None:
    choices = getattr(response, "choices", None)
    stop = getattr(choices[0], "finish_reason", None) if choices else None
    _note(record, usage_details(getattr(response, "model", None), getattr(response, "usage", None)), stop)


def _read_anthropic(response: Any, record: WireRecord) -> None:
    model, usage = getattr(response, "model", None), getattr(response, "usage", None)
    _note(record, usage_details(model, usage), getattr(response, "stop_reason", None))


async def _recorded(
    request: Any, record: WireRecord, stream: bool, proxy: type[_TappedStream], read: Callable[[Any, WireRecord], None]
) -> Any:
    response = await request
    if stream:
        return proxy(response, record)
    read(response, record)
    return response


_TAP_MARK = "__agentkit_wire_tap__"


def _tapped(create: Any, proxy: type[_TappedStream], read: Callable[[Any, WireRecord], None]) -> Any:
    """``create`` (a bound SDK method) behind the tap; with no record open, exactly the SDK's own call."""

    def create_tapped(*args: Any, **kwargs: Any) -> Any:
        record = _RECORD.get()
        if record is None:
            return create(*args, **kwargs)
        return _recorded(create(*args, **kwargs), record, kwargs.get("stream") is True, proxy, read)

    setattr(create_tapped, _TAP_MARK, True)
    create_tapped.__wrapped__ = create  # type: ignore[attr-defined]
    return create_tapped


def provider_of(client: Any) -> Provider | None:
    """``"openai"`` / ``"anthropic"`` for an autogen-ext OpenAI-family / Anthropic-family client, else ``None``."""
    for cls in type(client).__mro__:
        if cls.__name__ == "BaseOpenAIChatCompletionClient":
            return "openai"
        if cls.__name__ == "BaseAnthropicChatCompletionClient":
            return "anthropic"
    return None


def tap(client: Any) -> Provider | None:
    """Tap one autogen-ext client's SDK resource, in place and once; the provider family tapped, else ``None``.

    Only this client's SDK client instance is changed (its ``chat.completions`` or ``messages`` resource gets
    an instance attribute ``create``); nothing is imported from an SDK.
    """
    provider = provider_of(client)
    if provider is None:
        return None
    sdk: Any = getattr(client, "_client", None)
    try:
        resource = sdk.chat.completions if provider == "openai" else sdk.messages
        create = resource.create
    except AttributeError:  # not an SDK client this module knows (e.g. a test double): leave it alone
        return None
    if not getattr(create, _TAP_MARK, False):
        proxy, read = (_OpenAIStream, _read_openai) if provider == "openai" else (_AnthropicStream, _read_anthropic)
        resource.create = _tapped(create, proxy, read)
    return provider


def is_tapped(client: Any) -> bool:
    """Whether ``client``'s current SDK client is tapped."""
    sdk = getattr(client, "_client", None)
    resource = getattr(getattr(sdk, "chat", None), "completions", None) or getattr(sdk, "messages", None)
    return bool(getattr(getattr(resource, "create", None), _TAP_MARK, False))
