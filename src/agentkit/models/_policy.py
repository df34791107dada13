"""Error classes and the failover policy: what a failover client does with each kind of failure.

Classification is duck-typed on the exception (``status_code``, ``code``, ``body``, ``response`` headers,
class name, cause chain), so this module never imports a provider SDK and still understands the OpenAI and
Anthropic SDKs' errors, ``httpx`` transport errors and plain ``TimeoutError`` / ``ConnectionError``.
"""

from __future__ import annotations

import asyncio
import email.utils
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from ..exceptions import ConfigurationError, ContentFilteredError, DeadlineExceededError, IncompleteStreamError

__all__ = (
    "DEFAULT_ERROR_POLICY",
    "AttemptTimeoutError",
    "ErrorClass",
    "PolicyAction",
    "PolicyHook",
    "classify_error",
    "resolve_policy",
    "retry_after_seconds",
)


class ErrorClass(str, Enum):
    """What kind of failure an exception is, as far as failover is concerned."""

    RATE_LIMITED = "rate_limited"
    """HTTP 429 (not an exhausted quota)."""
    SERVER_ERROR = "server_error"
    """HTTP 500/502/503/504 and other 5xx, 408 and 409."""
    OVERLOADED = "overloaded"
    """Anthropic's HTTP 529."""
    CONNECTION = "connection"
    """Connection reset or read error: the request may not have been answered."""
    UNREACHABLE = "unreachable"
    """Connection refused: nothing listens at the member's address."""
    TIMEOUT = "timeout"
    """The member stayed silent for a whole attempt timeout (or its SDK's read timeout)."""
    AUTH = "auth"
    """HTTP 401/403: bad or missing credentials, no permission."""
    MODEL_NOT_FOUND = "model_not_found"
    """HTTP 404: the model (or deployment) does not exist for this member."""
    QUOTA_EXHAUSTED = "quota_exhausted"
    """HTTP 429 ``insufficient_quota`` or HTTP 402: no credit left."""
    CONTEXT_LENGTH = "context_length"
    """The prompt does not fit the member's context window."""
    CONTENT_FILTER = "content_filter"
    """The provider's content filter or usage policy refused the request (an error status, or an answer with
    ``finish_reason="content_filter"`` / Anthropic ``stop_reason="refusal"``)."""
    BAD_REQUEST = "bad_request"
    """Any other 4xx, or a ``ValueError``/``TypeError`` raised before the request: our own mistake."""
    STREAM_BROKEN = "stream_broken"
    """A stream was cut, stalled or malformed (before its first chunk this is a failover)."""
    UNKNOWN = "unknown"
    """Anything else."""


class PolicyAction(str, Enum):
    """What a failover client does after an error of a given class."""

    RETRY = "retry"
    """Retry the same member with exponential backoff and jitter (honouring ``Retry-After``), then fail over."""
    FAILOVER = "failover"
    """Go to the next eligible member at once."""
    FAILOVER_LARGER_CONTEXT = "failover_larger_context"
    """Go to the next member whose context window is larger than this member's."""
    RAISE = "raise"
    """Raise the error to the caller at once; no other member is tried."""


DEFAULT_ERROR_POLICY: Mapping[ErrorClass, PolicyAction] = {
    ErrorClass.RATE_LIMITED: PolicyAction.RETRY,
    ErrorClass.SERVER_ERROR: PolicyAction.RETRY,
    ErrorClass.OVERLOADED: PolicyAction.RETRY,
    ErrorClass.CONNECTION: PolicyAction.RETRY,
    ErrorClass.UNREACHABLE: PolicyAction.FAILOVER,
    ErrorClass.TIMEOUT: PolicyAction.FAILOVER,
    ErrorClass.AUTH: PolicyAction.FAILOVER,
    ErrorClass.MODEL_NOT_FOUND: PolicyAction.FAILOVER,
    ErrorClass.QUOTA_EXHAUSTED: PolicyAction.FAILOVER,
    ErrorClass.CONTEXT_LENGTH: PolicyAction.FAILOVER_LARGER_CONTEXT,
    ErrorClass.CONTENT_FILTER: PolicyAction.RAISE,
    ErrorClass.BAD_REQUEST: PolicyAction.RAISE,
    ErrorClass.STREAM_BROKEN: PolicyAction.FAILOVER,
    ErrorClass.UNKNOWN: PolicyAction.FAILOVER,
}
"""The default policy (see ``docs/failover.md`` for the table with the reasons)."""

PolicyHook = Callable[[BaseException, ErrorClass], "PolicyAction | str | None"]
"""A callable ``(error, error_class) -> action | None`` consulted before the table; ``None`` defers to it."""


class AttemptTimeoutError(DeadlineExceededError):
    """One attempt on one member exceeded a time limit (a ``DeadlineExceededError``, hence a ``TimeoutError``).

    Attributes:
        limit: Which limit fired: ``"attempt_timeout"``, ``"first_token_timeout"``, ``"stream_idle_timeout"``
            or ``"deadline"``.
        seconds: The limit in seconds.
    """

    def __init__(self, limit: str, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        super().__init__(f"{limit} of {seconds:g}s exceeded", deadline_s=seconds)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.limit, self.seconds))


_CONTEXT_MARKERS = (
    "context_length_exceeded",
    "context length",
    "context window",
    "maximum context",
    "prompt is too long",
    "too many tokens",
    "string_above_max_length",
    "input is too long",
)
_FILTER_MARKERS = (
    "content_filter",
    "content_policy",
    "content management policy",
    "content filtering",
    "responsibleaipolicy",
)
_QUOTA_MARKERS = ("insufficient_quota", "exceeded your current quota", "billing", "credit balance")
_NOT_FOUND_MARKERS = ("model_not_found", "does not exist", "not_found_error", "deploymentnotfound")
_CONNECTION_NAMES = frozenset(
    {
        "APIConnectionError",
        "ConnectError",
        "ReadError",
        "WriteError",
        "RemoteProtocolError",
        "LocalProtocolError",
        "NetworkError",
        "ProtocolError",
        "CloseError",
        "ServerDisconnectedError",
        "ClientConnectionError",
        "IncompleteRead",
    }
)
_TIMEOUT_NAMES = frozenset({"APITimeoutError", "ReadTimeout", "ConnectTimeout", "WriteTimeout", "PoolTimeout"})


def _error_text(error: BaseException) -> str:
    """Everything a provider said about the error, lower-cased, for marker matching."""
    parts = [str(error)]
    for attr in ("code", "type", "param"):
        value = getattr(error, attr, None)
        if isinstance(value, str):
            parts.append(value)
    body = getattr(error, "body", None)
    if isinstance(body, Mapping):
        parts.append(_flatten(body))
    return " ".join(parts).lower()


def _flatten(value: Any) -> str:
    if isinstance(value, Mapping):
        return " ".join(_flatten(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return " ".join(_flatten(v) for v in value)
    return str(value) if isinstance(value, str) else ""


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen and len(seen) < 16:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def classify_error(error: BaseException) -> ErrorClass:
    """Classify ``error`` by HTTP status, provider error code and message, not by exception class alone.

    Works on the OpenAI and Anthropic SDKs' exceptions (any version: nothing is imported), ``httpx`` transport
    errors, ``TimeoutError`` and ``ConnectionError``.

    Args:
        error: The exception a member raised.

    Returns:
        Its :class:`ErrorClass`.
    """
    if isinstance(error, IncompleteStreamError):
        return ErrorClass.STREAM_BROKEN
    if isinstance(error, ContentFilteredError):
        return ErrorClass.CONTENT_FILTER
    status = getattr(error, "status_code", None)
    if isinstance(status, int) and not isinstance(status, bool):
        return _classify_status(status, error)
    chain = _chain(error)
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return ErrorClass.UNREACHABLE
    for e in chain:
        name = type(e).__name__
        if isinstance(e, (TimeoutError, asyncio.TimeoutError)) or name in _TIMEOUT_NAMES:
            return ErrorClass.TIMEOUT
        if name in _CONNECTION_NAMES or isinstance(e, ConnectionError):
            return ErrorClass.CONNECTION
    if isinstance(error, (ValueError, TypeError)) and not _looks_like_decode_error(error):
        return ErrorClass.BAD_REQUEST
    return ErrorClass.UNKNOWN


def _looks_like_decode_error(error: BaseException) -> bool:
    return type(error).__name__ in {"JSONDecodeError", "ValidationError", "APIResponseValidationError"}


def _classify_status(status: int, error: BaseException) -> ErrorClass:
    if status == 429:
        return ErrorClass.QUOTA_EXHAUSTED if _has(error, _QUOTA_MARKERS) else ErrorClass.RATE_LIMITED
    if status == 529:
        return ErrorClass.OVERLOADED
    if status >= 500 or status in (408, 409):
        return ErrorClass.SERVER_ERROR
    if status in (401, 403):
        return ErrorClass.AUTH
    if status == 402:
        return ErrorClass.QUOTA_EXHAUSTED
    if status == 404:
        return ErrorClass.MODEL_NOT_FOUND
    if status == 413:
        return ErrorClass.CONTEXT_LENGTH
    if 400 <= status < 500:
        text = _error_text(error)
        if any(marker in text for marker in _CONTEXT_MARKERS):
            return ErrorClass.CONTEXT_LENGTH
        if any(marker in text for marker in _FILTER_MARKERS):
            return ErrorClass.CONTENT_FILTER
        if any(marker in text for marker in _QUOTA_MARKERS):
            return ErrorClass.QUOTA_EXHAUSTED
        if any(marker in text for marker in _NOT_FOUND_MARKERS):
            return ErrorClass.MODEL_NOT_FOUND
        return ErrorClass.BAD_REQUEST
    return ErrorClass.UNKNOWN


def _has(error: BaseException, markers: tuple[str, ...]) -> bool:
    text = _error_text(error)
    return any(marker in text for marker in markers)


def retry_after_seconds(error: BaseException, *, now: datetime | None = None) -> float | None:
    """The wait a provider asked for in ``Retry-After`` / ``retry-after-ms``, in seconds, if any.

    ``Retry-After`` may be a number of seconds or an HTTP-date; a date in the past gives ``0``.

    Args:
        error: An SDK exception carrying a ``response`` with headers.
        now: The current UTC time (for HTTP-dates); defaults to the system clock.
    """
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    try:
        millis = headers.get("retry-after-ms")
        if millis is not None:
            return max(0.0, float(millis) / 1000.0)
        value = headers.get("retry-after")
    except (TypeError, ValueError, AttributeError):
        return None
    if value is None:
        return None
    value = str(value).strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    current = now if now is not None else datetime.now(timezone.utc)
    return max(0.0, (when - current).total_seconds())


def resolve_policy(
    overrides: Mapping[str, str] | None, *, field: str = "error_policy"
) -> dict[ErrorClass, PolicyAction]:
    """The default policy with ``overrides`` (``{error_class: action}``, strings or enums) applied.

    Raises:
        ConfigurationError: if a key is not an error class or a value not an action.
    """
    policy = dict(DEFAULT_ERROR_POLICY)
    for key, value in (overrides or {}).items():
        try:
            error_class = ErrorClass(key)
        except ValueError:
            raise ConfigurationError(
                f"{field}.{key}",
                "is not an error class.",
                f"Use one of: {', '.join(c.value for c in ErrorClass)}.",
            ) from None
        try:
            action = PolicyAction(value)
        except ValueError:
            raise ConfigurationError(
                f"{field}.{key}",
                f"{value!r} is not a policy action.",
                f"Use one of: {', '.join(a.value for a in PolicyAction)}.",
            ) from None
        policy[error_class] = action
    return policy
