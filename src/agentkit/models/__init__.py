"""``ChatCompletionClient`` adapters: provider failover and metering."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .._callinfo import AnsweredBy, answered_by
    from ._breaker import CircuitBreaker, CircuitState
    from ._failover import FailoverChatCompletionClient, FailoverMember, FailoverMemberConfig
    from ._failover_config import FailoverChatCompletionClientConfig
    from ._metered import MeteredChatCompletionClient, MeteredChatCompletionClientConfig
    from ._metered_admission import estimate_prompt_tokens
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

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "AnsweredBy": ".._callinfo",
        "CircuitBreaker": "._breaker",
        "CircuitState": "._breaker",
        "DEFAULT_ERROR_POLICY": "._policy",
        "ErrorClass": "._policy",
        "FailoverChatCompletionClient": "._failover",
        "FailoverChatCompletionClientConfig": "._failover_config",
        "FailoverMember": "._failover",
        "FailoverMemberConfig": "._failover",
        "MeteredChatCompletionClient": "._metered",
        "MeteredChatCompletionClientConfig": "._metered",
        "PolicyAction": "._policy",
        "answered_by": ".._callinfo",
        "classify_error": "._policy",
        "estimate_prompt_tokens": "._metered_admission",
        "retry_after_seconds": "._policy",
    },
)
