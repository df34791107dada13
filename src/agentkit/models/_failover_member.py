"""Failover members: their settings (:class:`FailoverMember`), serialised form and per-client resolution.

A member is resolved once, when the failover client is built, against the client's defaults (``_Member``):
its name, model, provider, time limits, circuit breaker, whether it continues a trailing assistant message
(prefill), and the create args its streams need (OpenAI members are asked for usage).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from autogen_core import ComponentModel
from autogen_core.models import ChatCompletionClient, ModelInfo
from pydantic import BaseModel

from .._callinfo import AnsweredBy
from .._utils import to_seconds
from ..exceptions import ConfigurationError
from ._breaker import CircuitBreaker
from ._metered_inner import leaf_clients
from ._routing import context_window_of, model_name_of, provider_of
from ._wire_tap import tap

if TYPE_CHECKING:
    from ._failover import FailoverChatCompletionClient

__all__ = (
    "FailoverMember",
    "FailoverMemberConfig",
    "Member",
    "merged_info",
    "model_of",
    "opt_seconds",
    "thinking_on",
    "wire_of",
)


class FailoverMemberConfig(BaseModel):
    """Serialised form of a :class:`FailoverMember` (``None`` fields inherit the client's defaults)."""

    client: ComponentModel
    name: str | None = None
    max_attempts: int | None = None
    attempt_timeout: float | None = None
    first_token_timeout: float | None = None
    stream_idle_timeout: float | None = None
    context_window: int | None = None
    disable_sdk_retries: bool = True
    prefill: bool | None = None
    prefill_create_args: dict[str, Any] | None = None


class FailoverMember:
    """A member client with its own settings, for :class:`FailoverChatCompletionClient`.

    Plain clients can be passed to the failover client directly; wrap one in ``FailoverMember`` to name it or
    to override a setting for it alone.

    Args:
        client: Any ``ChatCompletionClient`` (OpenAI, Azure, Anthropic, Ollama, agentkit's own…).
        name: Name used in events, errors and ``answered_by`` (default: the model name, made unique).
        max_attempts: Attempts on this member for retryable errors, first one included.
        attempt_timeout: Seconds one ``create`` attempt may take (streams: until the first chunk, unless a
            ``first_token_timeout`` is set for this member). agentkit's own timer enforces it, whatever
            ``timeout`` the member client was built with.
        first_token_timeout: Seconds a stream may take to produce its first chunk (default: this member's
            ``attempt_timeout``, else the failover client's ``first_token_timeout``, else its
            ``attempt_timeout``).
        stream_idle_timeout: Seconds a stream may stay silent between chunks.
        context_window: The model's context window in tokens (default: AutoGen's table for known
            OpenAI/Anthropic models, else unknown).
        disable_sdk_retries: For OpenAI/Azure/Anthropic members: set the SDK's own ``max_retries`` to 0 so its
            retries do not multiply with the failover client's (the client object is changed in place).
            Default ``True``; ``False`` leaves the SDK alone.
        prefill: Whether the member continues a trailing assistant message (an assistant *prefill*), which
            lets a broken stream be continued on it from the partial answer. ``None`` (default): ``True`` for
            Anthropic clients, ``False`` otherwise; set ``True`` for OpenAI-compatible servers that continue
            the final assistant message (e.g. vLLM with ``continue_final_message``). A member that rejects
            a prefill with HTTP 400 (Claude Sonnet 4.6, Opus 4.6 and later) is restarted without one, and
            not sent one again.
        prefill_create_args: Extra create args sent with a prefilled request only, for servers that continue
            the final assistant message on request: vLLM takes ``{"extra_body": {"continue_final_message":
            True, "add_generation_prompt": False}}`` (sent with every request, these would make vLLM reject
            those that end with a user message). Setting them implies ``prefill=True``.
    """

    def __init__(
        self,
        client: ChatCompletionClient,
        *,
        name: str | None = None,
        max_attempts: int | None = None,
        attempt_timeout: float | timedelta | None = None,
        first_token_timeout: float | timedelta | None = None,
        stream_idle_timeout: float | timedelta | None = None,
        context_window: int | None = None,
        disable_sdk_retries: bool = True,
        prefill: bool | None = None,
        prefill_create_args: Mapping[str, Any] | None = None,
    ) -> None:
        if not isinstance(client, ChatCompletionClient):
            raise ConfigurationError(
                "members", f"expected a ChatCompletionClient, got {type(client).__name__}.", "Pass model clients."
            )
        if max_attempts is not None and (isinstance(max_attempts, bool) or max_attempts < 1):
            raise ConfigurationError("max_attempts", f"must be >= 1, got {max_attempts!r}.", "Use 1 for no retry.")
        if context_window is not None and context_window < 1:
            raise ConfigurationError("context_window", f"must be >= 1, got {context_window!r}.")
        if prefill is not None and not isinstance(prefill, bool):
            raise ConfigurationError("prefill", f"must be True, False or None, got {prefill!r}.")
        if prefill_create_args is not None:
            if not isinstance(prefill_create_args, Mapping):
                raise ConfigurationError(
                    "prefill_create_args",
                    f"must be a mapping of create args, got {type(prefill_create_args).__name__}.",
                    'Pass e.g. {"extra_body": {"continue_final_message": True}}.',
                )
            if prefill is False:
                raise ConfigurationError(
                    "prefill_create_args",
                    "is set, but prefill=False: the member would never be sent a prefill.",
                    "Drop prefill=False (the args imply prefill=True) or the args.",
                )
            prefill = True
        self.client = client
        self.name = name
        self.max_attempts = max_attempts
        self.attempt_timeout = opt_seconds(attempt_timeout, "attempt_timeout")
        self.first_token_timeout = opt_seconds(first_token_timeout, "first_token_timeout")
        self.stream_idle_timeout = opt_seconds(stream_idle_timeout, "stream_idle_timeout")
        self.context_window = context_window
        self.disable_sdk_retries = disable_sdk_retries
        self.prefill = prefill
        self.prefill_create_args = dict(prefill_create_args) if prefill_create_args is not None else None

    def __repr__(self) -> str:
        return f"FailoverMember({type(self.client).__name__}, name={self.name!r})"


def opt_seconds(value: float | timedelta | None, field: str) -> float | None:
    """``None`` or a validated number of seconds."""
    return None if value is None else to_seconds(value, field=field)


class Member:
    """A member resolved against the client's defaults, with its breaker."""

    __slots__ = (
        "answer",
        "anthropic",
        "attempt_timeout",
        "breaker",
        "client",
        "context_window",
        "first_token_timeout",
        "info",
        "max_attempts",
        "model",
        "name",
        "prefill",
        "provider",
        "spec",
        "stream_idle_timeout",
        "stream_usage",
        "thinking",
    )

    def __init__(self, spec: FailoverMember, name: str, owner: FailoverChatCompletionClient) -> None:
        self.spec = spec
        self.client = spec.client
        # The client that talks to the provider, looked for through wrappers (a ChatCompletionCache, which
        # migrate builds for a cache_seed; a metered client): its model, SDK, wire and stream options count.
        wire = wire_of(spec.client)
        self.name = name
        self.model = model_of(spec.client)
        self.provider = provider_of(spec.client) or provider_of(wire)
        self.answer = AnsweredBy(name, self.model, self.provider)
        self.max_attempts = spec.max_attempts if spec.max_attempts is not None else owner.max_attempts
        self.attempt_timeout = spec.attempt_timeout if spec.attempt_timeout is not None else owner.attempt_timeout
        # A stream's first chunk: the member's own limit (first token, else attempt), then the client's.
        first = spec.first_token_timeout if spec.first_token_timeout is not None else spec.attempt_timeout
        if first is None:
            first = owner.first_token_timeout
        self.first_token_timeout = first if first is not None else self.attempt_timeout
        idle = spec.stream_idle_timeout
        self.stream_idle_timeout = idle if idle is not None else owner.stream_idle_timeout
        self.context_window = (
            spec.context_window if spec.context_window is not None else context_window_of(wire, self.model)
        )
        self.info: ModelInfo = spec.client.model_info
        if spec.disable_sdk_retries:
            _disable_sdk_retries(wire)
        module = type(wire).__module__
        # Anthropic's stop_reason "refusal" reaches AutoGen's CreateResult as finish_reason "unknown"; the
        # member's own SDK client is tapped (after its SDK retries were disabled above, which replaces it) so a
        # refusal is told apart from a cut stream, and a metered client outside reads usage details off it.
        self.anthropic = tap(wire) == "anthropic"
        self.prefill = spec.prefill if spec.prefill is not None else self.provider == "anthropic"
        # OpenAI clients report usage on streams only when asked; a failover client's totals need it.
        self.stream_usage = module.startswith("autogen_ext.models.openai") and not _has_stream_options(wire)
        # Extended thinking (Anthropic): AutoGen streams the thinking as text chunks, and a prefill is refused.
        create_args = getattr(wire, "_create_args", None)
        self.thinking = isinstance(create_args, dict) and thinking_on(create_args.get("thinking"))
        self.breaker = CircuitBreaker(
            name,
            failure_threshold=owner.failure_threshold,
            cooldown_s=owner.cooldown,
            clock=owner.clock,
            store=owner._circuits,
        )


def thinking_on(config: Any) -> bool:
    """Whether an Anthropic ``thinking`` create arg turns extended thinking on (``{"type": "disabled"}`` does not)."""
    return config is not None and not (isinstance(config, Mapping) and config.get("type") == "disabled")


def model_of(client: ChatCompletionClient) -> str:
    """The model a member client sends, looked for through wrappers (``"unknown"`` when it cannot be told)."""
    model = model_name_of(client)
    return model_name_of(wire_of(client)) if model == "unknown" else model


def wire_of(client: ChatCompletionClient) -> ChatCompletionClient:
    """The one client inside wrappers (``ChatCompletionCache``, a metered client) that talks to the provider."""
    leaves = leaf_clients(client)
    return leaves[0] if len(leaves) == 1 else client


def _has_stream_options(client: ChatCompletionClient) -> bool:
    create_args = getattr(client, "_create_args", None)
    return isinstance(create_args, dict) and "stream_options" in create_args


def merged_info(infos: list[ModelInfo]) -> ModelInfo:
    """The primary's ``model_info`` with each capability true if any member has it."""
    primary = dict(infos[0])
    for flag in ("vision", "function_calling", "json_output", "structured_output"):
        primary[flag] = any(bool(info.get(flag, False)) for info in infos)
    return primary  # type: ignore[return-value]


def _disable_sdk_retries(client: ChatCompletionClient) -> None:
    """Set an OpenAI/Azure/Anthropic member's SDK ``max_retries`` to 0, in place.

    The SDK's timeout is left alone: agentkit's own timer enforces the attempt timeout, because AutoGen's
    clients send the member's own ``timeout=`` with every request, which wins over the SDK client's.
    """
    sdk = getattr(client, "_client", None)
    with_options = getattr(sdk, "with_options", None)
    if with_options is None or not isinstance(getattr(sdk, "max_retries", None), int):
        return
    if sdk.max_retries == 0:  # type: ignore[union-attr]
        return
    client._client = with_options(max_retries=0)  # type: ignore[attr-defined]
    raw = getattr(client, "_raw_config", None)
    if isinstance(raw, dict):
        raw["max_retries"] = 0
