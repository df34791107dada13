"""The error-classification table: real OpenAI and Anthropic SDK exceptions -> error class -> action."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Any

import anthropic
import httpx
import httpx2
import openai
import pytest

from agentkit.exceptions import ConfigurationError, IncompleteStreamError
from agentkit.models import DEFAULT_ERROR_POLICY, ErrorClass, PolicyAction, classify_error, retry_after_seconds
from agentkit.models._policy import AttemptTimeoutError, resolve_policy

OPENAI_URL = "http://127.0.0.1:1/v1/chat/completions"
ANTHROPIC_URL = "http://127.0.0.1:1/v1/messages"


def openai_error(status: int, message: str, code: str | None = None, headers: dict[str, str] | None = None) -> Any:
    request = httpx2.Request("POST", OPENAI_URL)
    response = httpx2.Response(status, request=request, headers=headers or {})
    body = {"message": message, "type": "invalid_request_error", "param": None, "code": code}
    client = openai.AsyncOpenAI(api_key="sk-test", base_url="http://127.0.0.1:1/v1")
    return client._make_status_error(message, body=body, response=response)


def anthropic_error(status: int, error_type: str, message: str, headers: dict[str, str] | None = None) -> Any:
    request = httpx.Request("POST", ANTHROPIC_URL)
    response = httpx.Response(status, request=request, headers=headers or {})
    body = {"type": "error", "error": {"type": error_type, "message": message}}
    client = anthropic.AsyncAnthropic(api_key="sk-ant-test", base_url="http://127.0.0.1:1")
    return client._make_status_error(message, body=body, response=response)


def _openai_connection(cause: BaseException) -> openai.APIConnectionError:
    error = openai.APIConnectionError(request=httpx2.Request("POST", OPENAI_URL))
    error.__cause__ = cause
    return error


TABLE: list[tuple[str, Any, ErrorClass]] = [
    # OpenAI
    ("openai 429", openai_error(429, "Rate limit reached", "rate_limit_exceeded"), ErrorClass.RATE_LIMITED),
    (
        "openai quota",
        openai_error(429, "You exceeded your current quota", "insufficient_quota"),
        ErrorClass.QUOTA_EXHAUSTED,
    ),
    ("openai 500", openai_error(500, "server error"), ErrorClass.SERVER_ERROR),
    ("openai 502", openai_error(502, "bad gateway"), ErrorClass.SERVER_ERROR),
    ("openai 503", openai_error(503, "unavailable"), ErrorClass.SERVER_ERROR),
    ("openai 529", openai_error(529, "overloaded"), ErrorClass.OVERLOADED),
    ("openai 401", openai_error(401, "Incorrect API key provided", "invalid_api_key"), ErrorClass.AUTH),
    ("openai 403", openai_error(403, "not allowed"), ErrorClass.AUTH),
    ("openai 404", openai_error(404, "The model `x` does not exist", "model_not_found"), ErrorClass.MODEL_NOT_FOUND),
    (
        "openai context",
        openai_error(400, "This model's maximum context length is 8192 tokens", "context_length_exceeded"),
        ErrorClass.CONTEXT_LENGTH,
    ),
    (
        "openai filter",
        openai_error(
            400, "The response was filtered due to the prompt triggering content management policy", "content_filter"
        ),
        ErrorClass.CONTENT_FILTER,
    ),
    ("openai 400", openai_error(400, "Invalid value for 'temperature'", "invalid_value"), ErrorClass.BAD_REQUEST),
    ("openai 422", openai_error(422, "unprocessable"), ErrorClass.BAD_REQUEST),
    ("openai timeout", openai.APITimeoutError(request=httpx2.Request("POST", OPENAI_URL)), ErrorClass.TIMEOUT),
    ("openai reset", _openai_connection(httpx2.ReadError("connection reset")), ErrorClass.CONNECTION),
    ("openai refused", _openai_connection(httpx2.ConnectError("refused")), ErrorClass.CONNECTION),
    ("openai refused os", _openai_connection(ConnectionRefusedError(111, "refused")), ErrorClass.UNREACHABLE),
    # Anthropic
    ("anthropic 429", anthropic_error(429, "rate_limit_error", "Number of requests exceeded"), ErrorClass.RATE_LIMITED),
    ("anthropic 529", anthropic_error(529, "overloaded_error", "Overloaded"), ErrorClass.OVERLOADED),
    ("anthropic 500", anthropic_error(500, "api_error", "Internal error"), ErrorClass.SERVER_ERROR),
    ("anthropic 401", anthropic_error(401, "authentication_error", "invalid x-api-key"), ErrorClass.AUTH),
    ("anthropic 403", anthropic_error(403, "permission_error", "no access"), ErrorClass.AUTH),
    ("anthropic 404", anthropic_error(404, "not_found_error", "model: claude-x"), ErrorClass.MODEL_NOT_FOUND),
    (
        "anthropic context",
        anthropic_error(400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum"),
        ErrorClass.CONTEXT_LENGTH,
    ),
    (
        "anthropic credit",
        anthropic_error(400, "invalid_request_error", "Your credit balance is too low"),
        ErrorClass.QUOTA_EXHAUSTED,
    ),
    (
        "anthropic 413",
        anthropic_error(413, "request_too_large", "Request exceeds the maximum size"),
        ErrorClass.CONTEXT_LENGTH,
    ),
    (
        "anthropic timeout",
        anthropic.APITimeoutError(request=httpx.Request("POST", ANTHROPIC_URL)),
        ErrorClass.TIMEOUT,
    ),
    # Plain Python and agentkit
    ("TimeoutError", TimeoutError("slow"), ErrorClass.TIMEOUT),
    ("attempt timeout", AttemptTimeoutError("attempt_timeout", 5), ErrorClass.TIMEOUT),
    ("ConnectionResetError", ConnectionResetError("reset"), ErrorClass.CONNECTION),
    ("ConnectionRefusedError", ConnectionRefusedError("refused"), ErrorClass.UNREACHABLE),
    ("ValueError", ValueError("Model does not support vision"), ErrorClass.BAD_REQUEST),
    ("incomplete stream", IncompleteStreamError("cut"), ErrorClass.STREAM_BROKEN),
    ("RuntimeError", RuntimeError("?"), ErrorClass.UNKNOWN),
]


@pytest.mark.parametrize(("error", "expected"), [(e, c) for _, e, c in TABLE], ids=[n for n, _, _ in TABLE])
def test_classification_table(error: BaseException, expected: ErrorClass) -> None:
    assert classify_error(error) is expected


def test_anthropic_overloaded_is_classified_by_status_not_class() -> None:
    error = anthropic_error(529, "overloaded_error", "Overloaded")
    assert not isinstance(error, anthropic.InternalServerError)  # 0.x: OverloadedError is no InternalServerError
    assert classify_error(error) is ErrorClass.OVERLOADED


def test_cancellation_is_never_classified_as_a_provider_failure() -> None:
    assert not isinstance(asyncio.CancelledError(), Exception)  # the failover loop's `except Exception` skips it


def test_default_policy_covers_every_class() -> None:
    assert set(DEFAULT_ERROR_POLICY) == set(ErrorClass)
    assert DEFAULT_ERROR_POLICY[ErrorClass.CONTENT_FILTER] is PolicyAction.RAISE
    assert DEFAULT_ERROR_POLICY[ErrorClass.TIMEOUT] is PolicyAction.FAILOVER
    assert DEFAULT_ERROR_POLICY[ErrorClass.CONTEXT_LENGTH] is PolicyAction.FAILOVER_LARGER_CONTEXT


def test_resolve_policy_applies_overrides_and_refuses_nonsense() -> None:
    table = resolve_policy({"content_filter": "failover", ErrorClass.AUTH: PolicyAction.RAISE})
    assert table[ErrorClass.CONTENT_FILTER] is PolicyAction.FAILOVER
    assert table[ErrorClass.AUTH] is PolicyAction.RAISE
    with pytest.raises(ConfigurationError):
        resolve_policy({"rate_limited": "pray"})


NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after": "Thu, 01 Jan 2026 00:00:30 GMT"}, 30.0),
        ({"retry-after": "Wed, 31 Dec 2025 23:59:00 GMT"}, 0.0),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_seconds_or_http_date(headers: dict[str, str], expected: float | None) -> None:
    error = openai_error(429, "slow down", "rate_limit_exceeded", headers=headers)
    assert retry_after_seconds(error, now=NOW) == expected


def test_retry_after_from_anthropic_headers() -> None:
    error = anthropic_error(429, "rate_limit_error", "slow down", headers={"retry-after": "7"})
    assert retry_after_seconds(error, now=NOW) == 7.0
    assert retry_after_seconds(ValueError("no response")) is None
