"""``ChatCompletionClient`` adapters: provider failover and metering."""

from __future__ import annotations

from .._callinfo import AnsweredBy, answered_by
from ._breaker import CircuitBreaker, CircuitState
from ._failover import (
    FailoverChatCompletionClient,
    FailoverChatCompletionClientConfig,
    FailoverMember,
    FailoverMemberConfig,
)
from ._metered import MeteredChatCompletionClient, MeteredChatCompletionClientConfig, estimate_prompt_tokens
from ._policy import DEFAULT_ERROR_POLICY, ErrorClass, PolicyAction, classify_error, retry_after_seconds

__all__ = (
    "DEFAULT_ERROR_POLICY",
    "AnsweredBy",
    "CircuitBreaker",
    "CircuitState",
    "ErrorClass",
    "FailoverChatCompletionClient",
    "FailoverChatCompletionClientConfig",
    "FailoverMember",
    "FailoverMemberConfig",
    "MeteredChatCompletionClient",
    "MeteredChatCompletionClientConfig",
    "PolicyAction",
    "answered_by",
    "classify_error",
    "estimate_prompt_tokens",
    "retry_after_seconds",
)

for _cls in (
    AnsweredBy,
    CircuitBreaker,
    CircuitState,
    ErrorClass,
    FailoverChatCompletionClient,
    FailoverChatCompletionClientConfig,
    FailoverMember,
    FailoverMemberConfig,
    MeteredChatCompletionClient,
    MeteredChatCompletionClientConfig,
    PolicyAction,
):
    _cls.__module__ = __name__
for _fn in (answered_by, classify_error, estimate_prompt_tokens, retry_after_seconds):
    _fn.__module__ = __name__
