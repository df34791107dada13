"""What a metered client reads without calling anything: the calling agent and the client it wraps.

The agent comes from AutoGen's runtime context; the wrapped client's model name, configured output cap,
provider family and leaf clients (the ones that actually talk to a model, looked up through caches and
failover chains) come from its attributes. :class:`~agentkit.models.MeteredChatCompletionClient` reads the
client once, when it is built; the agent on every call without a fixed ``agent=``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autogen_core import MessageHandlerContext
from autogen_core.models import ChatCompletionClient

from ._wire_tap import provider_of

__all__ = ("contains_openai", "current_agent", "inner_max_tokens", "inner_model_name", "leaf_clients")

# Where a wrapper keeps what it wraps: one client, or a list of clients / failover members.
_WRAPPED = ("client", "_client", "inner", "_inner", "members", "_members", "clients", "_clients")


def current_agent() -> str | None:
    """The agent handling the current task, without its team suffix (``None`` outside an AutoGen runtime).

    Inside a team the agent type is ``"{agent name}_{team id}"`` with the team id as key; the name is returned.
    """
    try:
        agent_id = MessageHandlerContext.agent_id()
    except RuntimeError:
        return None
    agent_type, key = agent_id.type, agent_id.key
    suffix = "_" + key
    return agent_type[: -len(suffix)] if key and agent_type.endswith(suffix) else agent_type


def inner_model_name(client: ChatCompletionClient) -> str | None:
    """The model a client sends, from its create args, raw config or ``model`` attribute (else ``None``)."""
    for attribute in ("_create_args", "_raw_config"):
        values = getattr(client, attribute, None)
        if isinstance(values, Mapping) and isinstance(values.get("model"), str):
            return str(values["model"])
    for attribute in ("model", "_model"):
        model = getattr(client, attribute, None)
        if isinstance(model, str):
            return model
    return None


def inner_max_tokens(client: ChatCompletionClient) -> int | None:
    """The output cap a client is configured with (``max_tokens`` / ``max_completion_tokens``), if any."""
    values = getattr(client, "_create_args", None)
    if isinstance(values, Mapping):
        for key in ("max_tokens", "max_completion_tokens"):
            value = values.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                return value
    return None


def leaf_clients(client: Any, depth: int = 0) -> list[ChatCompletionClient]:
    """The clients that actually talk to a model, looking through wrappers (cache, failover members)."""
    if depth > 4:
        return []
    found: list[ChatCompletionClient] = []
    for attribute in _WRAPPED:
        value = getattr(client, attribute, None)
        children = value if isinstance(value, (list, tuple)) else [value]
        for child in children:
            member_client = getattr(child, "client", child)
            if isinstance(member_client, ChatCompletionClient):
                found.extend(leaf_clients(member_client, depth + 1))
    return found or [client]


def contains_openai(client: Any, depth: int = 0) -> bool:
    """Whether an OpenAI-family client is ``client`` or anywhere inside it (its streams need asking for usage)."""
    if depth > 4:
        return False
    if provider_of(client) == "openai":
        return True
    for attribute in _WRAPPED:
        value = getattr(client, attribute, None)
        children = value if isinstance(value, (list, tuple)) else [value]
        for child in children:
            member_client = getattr(child, "client", child)
            if isinstance(member_client, ChatCompletionClient) and contains_openai(member_client, depth + 1):
                return True
    return False


_INCLUDE_USAGE: dict[str, Any] = {"stream_options": {"include_usage": True}}


def with_stream_usage(extra: Mapping[str, Any]) -> Mapping[str, Any]:
    """``extra_create_args`` that ask an OpenAI stream for its usage (kept as they are when the caller decided).

    Other ``stream_options`` the caller set are kept, with ``include_usage`` added unless they set it.
    """
    options = extra.get("stream_options")
    if options is None:
        return {**extra, **_INCLUDE_USAGE} if extra else _INCLUDE_USAGE
    if isinstance(options, Mapping) and "include_usage" not in options:
        return {**extra, "stream_options": {**options, "include_usage": True}}
    return extra
