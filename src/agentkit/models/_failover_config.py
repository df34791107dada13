"""The serialised form of :class:`~agentkit.models.FailoverChatCompletionClient`: its config, dump and load."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from autogen_core import ComponentModel
from autogen_core.models import ChatCompletionClient
from pydantic import BaseModel, Field

from .._redaction import redact_component, redact_config, reject_redacted
from ._failover_member import FailoverMember, FailoverMemberConfig

if TYPE_CHECKING:
    from ._failover import FailoverChatCompletionClient

__all__ = ("FailoverChatCompletionClientConfig", "StreamRecovery", "client_arguments", "config_of")

_SDK_PROVIDERS = ("openai", "anthropic")  # provider paths and AutoGen's short names of SDK-backed clients

StreamRecovery = Literal["auto", "restart", "off"]
"""How a stream that broke after text reached the caller is recovered (see ``stream_recovery``)."""


class FailoverChatCompletionClientConfig(BaseModel):
    """Serialised form of :class:`FailoverChatCompletionClient`.

    ``clock``, ``policy`` (a callable) and ``hedge_if`` (a callable) are not serialised.
    """

    members: list[FailoverMemberConfig]
    max_attempts: int = 3
    attempt_timeout: float | None = 120.0
    first_token_timeout: float | None = None
    stream_idle_timeout: float | None = 60.0
    deadline: float | None = None
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    backoff_jitter: float = 0.5
    max_retry_after: float = 20.0
    error_policy: dict[str, str] = Field(default_factory=dict)
    failure_threshold: int = 5
    cooldown: float = 30.0
    hedge_after: float | None = None
    stream_recovery: StreamRecovery = "auto"
    restart_incomplete_streams: bool | None = None
    """Deprecated (before ``stream_recovery``): ``True`` loads as ``stream_recovery="auto"``."""
    route_by_capabilities: bool = True
    strict_stream_finish: bool = True
    token_counting: Literal["estimate", "primary"] = "estimate"
    circuit_store: str | None = None


def config_of(client: FailoverChatCompletionClient) -> FailoverChatCompletionClientConfig:
    """``client``'s config, with every member's secrets redacted."""
    return FailoverChatCompletionClientConfig(
        members=[
            FailoverMemberConfig(
                client=redact_component(m.client.dump_component()),
                name=m.spec.name,
                max_attempts=m.spec.max_attempts,
                attempt_timeout=m.spec.attempt_timeout,
                first_token_timeout=m.spec.first_token_timeout,
                stream_idle_timeout=m.spec.stream_idle_timeout,
                context_window=m.spec.context_window,
                disable_sdk_retries=m.spec.disable_sdk_retries,
                prefill=m.spec.prefill,
                prefill_create_args=_redacted(m.spec.prefill_create_args),
            )
            for m in client._members
        ],
        max_attempts=client.max_attempts,
        attempt_timeout=client.attempt_timeout,
        first_token_timeout=client.first_token_timeout,
        stream_idle_timeout=client.stream_idle_timeout,
        deadline=client.deadline,
        backoff_initial=client.backoff_initial,
        backoff_max=client.backoff_max,
        backoff_jitter=client.backoff_jitter,
        max_retry_after=client.max_retry_after,
        error_policy=dict(client.error_policy),
        failure_threshold=client.failure_threshold,
        cooldown=client.cooldown,
        hedge_after=client.hedge_after,
        stream_recovery=client.stream_recovery,
        route_by_capabilities=client.route_by_capabilities,
        strict_stream_finish=client.strict_stream_finish,
        token_counting=client.token_counting,
        circuit_store=client._circuits.store.url if client._circuits is not None else None,
    )


def client_arguments(
    config: FailoverChatCompletionClientConfig,
    load_member: Callable[[ComponentModel, int], ChatCompletionClient],
) -> tuple[list[FailoverMember], dict[str, Any]]:
    """The members and keyword arguments that rebuild a client from ``config``.

    Each member's component is loaded with ``load_member(component, index)``; a component holding a
    redacted secret is refused, and SDK-backed members asked to disable SDK retries get ``max_retries=0``.
    """
    members = []
    for index, m in enumerate(config.members):
        component = m.client
        reject_redacted(component.config, f"members[{index}].client.config")
        if m.prefill_create_args is not None:
            reject_redacted(m.prefill_create_args, f"members[{index}].prefill_create_args")
        if (
            m.disable_sdk_retries
            and any(sdk in component.provider.lower() for sdk in _SDK_PROVIDERS)
            and "max_retries" not in component.config
        ):
            component = component.model_copy(update={"config": {**component.config, "max_retries": 0}})
        members.append(
            FailoverMember(
                load_member(component, index),
                name=m.name,
                max_attempts=m.max_attempts,
                attempt_timeout=m.attempt_timeout,
                first_token_timeout=m.first_token_timeout,
                stream_idle_timeout=m.stream_idle_timeout,
                context_window=m.context_window,
                disable_sdk_retries=m.disable_sdk_retries,
                prefill=m.prefill,
                prefill_create_args=m.prefill_create_args,
            )
        )
    return members, dict(
        max_attempts=config.max_attempts,
        attempt_timeout=config.attempt_timeout,
        first_token_timeout=config.first_token_timeout,
        stream_idle_timeout=config.stream_idle_timeout,
        deadline=config.deadline,
        backoff_initial=config.backoff_initial,
        backoff_max=config.backoff_max,
        backoff_jitter=config.backoff_jitter,
        max_retry_after=config.max_retry_after,
        error_policy=config.error_policy,
        failure_threshold=config.failure_threshold,
        cooldown=config.cooldown,
        hedge_after=config.hedge_after,
        stream_recovery="auto" if config.restart_incomplete_streams else config.stream_recovery,
        route_by_capabilities=config.route_by_capabilities,
        strict_stream_finish=config.strict_stream_finish,
        token_counting=config.token_counting,
        circuit_store=config.circuit_store,
    )


def _redacted(args: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if args is None else redact_config(args)
