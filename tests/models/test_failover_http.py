"""Every fault x ``create`` / ``create_stream`` with the REAL OpenAI and Anthropic clients over HTTP.

The members are ``OpenAIChatCompletionClient`` / ``AnthropicChatCompletionClient`` talking to
``agentkit.testing.FakeProvider`` on 127.0.0.1. Backoff and Retry-After waits are capped at
0 (so no test sleeps for backoff); silent members and stalls are short real delays — the faults being modelled.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import anthropic
import openai
import pytest
from autogen_core.models import ChatCompletionClient, CreateResult, RequestUsage

from agentkit import _callinfo
from agentkit._clock import SYSTEM_CLOCK
from agentkit.exceptions import FailoverError, IncompleteStreamError
from agentkit.models import CircuitState, ErrorClass, FailoverChatCompletionClient, FailoverMember, retry_after_seconds
from agentkit.testing import FakeProvider, Fault, Reply
from agentkit.usage import CallRecord

from ._failover_helpers import MESSAGES, capture_events

PRIMARY = {"openai": "gpt-4o", "anthropic": "claude-3-5-sonnet-20240620"}
BACKUP = "backup-model"
STREAM_USAGE: dict[str, Any] = {"stream_options": {"include_usage": True}}  # the Anthropic client ignores it


class Seen:
    """A ``policy=`` hook that records every error the chain classified (and defers to the table)."""

    def __init__(self) -> None:
        self.errors: list[tuple[BaseException, ErrorClass]] = []

    def __call__(self, error: BaseException, error_class: ErrorClass) -> None:
        self.errors.append((error, error_class))


@pytest.fixture
async def fp() -> AsyncIterator[FakeProvider]:
    async with FakeProvider() as provider:
        yield provider


def primary_client(fp: FakeProvider, api: str, **kwargs: Any) -> ChatCompletionClient:
    if api == "openai":
        return fp.openai_client(PRIMARY[api], **kwargs)
    return fp.anthropic_client(PRIMARY[api], **kwargs)


def build(fp: FakeProvider, api: str, **kwargs: Any) -> tuple[FailoverChatCompletionClient, Seen]:
    """Primary (``api``) + an OpenAI backup.

    Backoff and Retry-After waits are capped at 0, so no test sleeps for them (their lengths are tested on a
    ManualClock in test_failover_core.py).
    """
    seen = Seen()
    kwargs.setdefault("attempt_timeout", 5.0)
    client = FailoverChatCompletionClient(
        [
            FailoverMember(primary_client(fp, api), name="primary", context_window=8_000),
            FailoverMember(fp.openai_client(BACKUP), name="backup", context_window=1_000_000),
        ],
        backoff_initial=0.0,
        backoff_jitter=0.0,
        max_retry_after=0.0,
        policy=seen,
        **kwargs,
    )
    return client, seen


async def drain(stream: AsyncIterator[str | CreateResult], received: list[str]) -> None:
    async for item in stream:
        if isinstance(item, str):
            received.append(item)


async def outcome_of(work: Awaitable[CreateResult]) -> CreateResult | IncompleteStreamError:
    try:
        return await work
    except IncompleteStreamError as error:
        return error


async def run(client: FailoverChatCompletionClient, method: str) -> CreateResult:
    if method == "create":
        return await client.create(MESSAGES)
    chunks: list[str] = []
    async for item in client.create_stream(MESSAGES, extra_create_args=STREAM_USAGE):
        if isinstance(item, CreateResult):
            assert "".join(chunks) == item.content
            return item
        chunks.append(item)
    raise AssertionError("no final result")


@dataclass(frozen=True)
class Case:
    fault: Callable[[], Any]
    answered_by: str | None  # None: the error is raised to the caller
    primary_requests: int
    error_class: str


CASES: dict[str, Case] = {
    "503-retried": Case(lambda: Fault.status(503), "primary", 2, "server_error"),
    "500-retried": Case(lambda: Fault.server_error(500), "primary", 2, "server_error"),
    "502-retried": Case(lambda: Fault.status(502), "primary", 2, "server_error"),
    "overloaded-retried": Case(lambda: Fault.overloaded(), "primary", 2, "overloaded"),  # OpenAI: 503
    "429-retried": Case(lambda: Fault.rate_limit(retry_after=2), "primary", 2, "rate_limited"),
    "reset-retried": Case(lambda: Fault.connection_reset(), "primary", 2, "connection"),
    "401-failover": Case(lambda: Fault.invalid_api_key(), "backup", 1, "auth"),
    "403-failover": Case(lambda: Fault.status(403), "backup", 1, "auth"),
    "404-failover": Case(lambda: Fault.model_not_found(), "backup", 1, "model_not_found"),
    "quota-failover": Case(lambda: Fault.quota_exhausted(), "backup", 1, "quota_exhausted"),
    "context-larger-window": Case(lambda: Fault.context_length_exceeded(), "backup", 1, "context_length"),
    "hang-failover": Case(lambda: Fault.hang(), "backup", 1, "timeout"),
    "content-filter-raises": Case(lambda: Fault.content_filter(), None, 1, "content_filter"),
    "400-raises": Case(lambda: Fault.status(400), None, 1, "bad_request"),
}


@pytest.mark.parametrize("method", ["create", "create_stream"])
@pytest.mark.parametrize("api", ["openai", "anthropic"])
@pytest.mark.parametrize("name", list(CASES))
async def test_fault_matrix(fp: FakeProvider, api: str, method: str, name: str) -> None:
    case = CASES[name]
    fp.script(PRIMARY[api], case.fault())
    client, seen = build(fp, api, attempt_timeout=0.3 if name == "hang-failover" else 5.0)
    failed: list[CallRecord] = []
    token = _callinfo.set_attempt_sink(failed.append)
    try:
        with capture_events() as log:
            if case.answered_by is None:
                with pytest.raises((openai.APIStatusError, anthropic.APIStatusError)) as raised:
                    await run(client, method)
                assert not isinstance(raised.value, FailoverError)  # raised at once, as the bare client would
            else:
                result = await run(client, method)
                who = _callinfo.answered_by()
                assert who is not None
                assert who.member == case.answered_by
                assert client.total_usage() == result.usage
    finally:
        _callinfo.restore_attempt_sink(token)
        await client.close()
    assert len(fp.requests_for(PRIMARY[api])) == case.primary_requests
    expected_class = "server_error" if (name, api) == ("overloaded-retried", "openai") else case.error_class
    assert log.attempts[0]["error_class"] == expected_class
    assert len(failed) == sum(1 for a in log.attempts if a["outcome"] != "ok")
    assert seen.errors[0][1].value == expected_class
    if name == "429-retried":
        assert retry_after_seconds(seen.errors[0][0]) == 2.0  # read from the real SDK error's headers
    if case.answered_by == "primary":
        assert not fp.requests_for(BACKUP)


async def test_retry_after_http_date_over_http(fp: FakeProvider) -> None:
    when = SYSTEM_CLOCK.now().replace(microsecond=0) + timedelta(seconds=4)
    fp.script(PRIMARY["openai"], Fault.rate_limit(retry_after=when))
    client, seen = build(fp, "openai")
    await client.create(MESSAGES)
    await client.close()
    asked = retry_after_seconds(seen.errors[0][0])
    assert asked is not None
    assert 2.0 <= asked <= 4.0


# --------------------------------------------------------------------------- streaming faults after the first chunk


@pytest.mark.parametrize("api", ["openai", "anthropic"])
async def test_cut_stream_raises_incomplete_with_partial_text(fp: FakeProvider, api: str) -> None:
    fp.script(PRIMARY[api], Reply.text("one two three four five", cut_after=2))
    client, _ = build(fp, api, stream_recovery="off")
    received: list[str] = []
    with pytest.raises(IncompleteStreamError) as raised:
        await drain(client.create_stream(MESSAGES), received)
    await client.close()
    assert raised.value.partial_text == "".join(received)
    assert raised.value.partial_text.startswith("one")
    assert raised.value.member == "primary"
    assert not fp.requests_for(BACKUP)


@pytest.mark.parametrize("api", ["openai", "anthropic"])
async def test_stalled_stream_raises_incomplete(fp: FakeProvider, api: str) -> None:
    fp.script(PRIMARY[api], Reply.text("one two three four", stall_after=1))
    client, _ = build(fp, api, stream_idle_timeout=0.3, stream_recovery="off")
    with pytest.raises(IncompleteStreamError) as raised:
        async for _ in client.create_stream(MESSAGES):
            pass
    await client.close()
    assert raised.value.partial_text.startswith("one")
    assert "stream_idle_timeout" in str(raised.value)


@pytest.mark.parametrize("api", ["openai", "anthropic"])
async def test_slow_first_token_fails_over(fp: FakeProvider, api: str) -> None:
    fp.script(PRIMARY[api], Reply.text("too late", first_token_delay=0.5))
    client, _ = build(fp, api, first_token_timeout=0.1)
    result = await run(client, "create_stream")
    await client.close()
    assert result.content != "too late"
    assert _callinfo.answered_by() is not None
    assert _callinfo.answered_by().member == "backup"  # type: ignore[union-attr]


@pytest.mark.parametrize("api", ["openai", "anthropic"])
async def test_malformed_chunk_fails_cleanly(fp: FakeProvider, api: str) -> None:
    fp.script(PRIMARY[api], Reply.text("one two three four", malformed_at=2))
    client, _ = build(fp, api, stream_recovery="off")
    outcome = await outcome_of(run(client, "create_stream"))
    await client.close()
    if isinstance(outcome, IncompleteStreamError):
        assert outcome.partial_text.startswith("one")  # failed cleanly, with what was received
    else:
        assert outcome.content  # or the bad chunk was skipped and the answer completed


@pytest.mark.parametrize("api", ["openai", "anthropic"])
async def test_malformed_first_chunk_fails_over(fp: FakeProvider, api: str) -> None:
    fp.script(PRIMARY[api], Reply.text("one two three", malformed_at=0))
    client, _ = build(fp, api)
    result = await run(client, "create_stream")
    await client.close()
    assert result.content


@pytest.mark.parametrize("api", ["openai", "anthropic"])
async def test_stream_without_done_finishes_promptly(fp: FakeProvider, api: str) -> None:
    fp.script(PRIMARY[api], Reply.text("all of it", omit_done=True))
    client, _ = build(fp, api, stream_idle_timeout=30)
    started = SYSTEM_CLOCK.monotonic()
    outcome = await outcome_of(run(client, "create_stream"))
    await client.close()
    if isinstance(outcome, IncompleteStreamError):  # a provider that needs its terminator: typed, never truncated
        assert outcome.partial_text
    else:
        assert outcome.content == "all of it"
    assert SYSTEM_CLOCK.monotonic() - started < 5  # not the 30 s idle limit


# --------------------------------------------------------------------------- breaker, routing, hedging over HTTP


async def test_circuit_opens_on_a_dead_primary_and_stops_sending_it_requests(fp: FakeProvider) -> None:
    fp.always(PRIMARY["openai"], Fault.status(503))
    client, _ = build(fp, "openai", max_attempts=1, failure_threshold=2, cooldown=60)
    for _ in range(5):
        await client.create(MESSAGES)
    await client.close()
    assert len(fp.requests_for(PRIMARY["openai"])) == 2
    assert client.circuit_state("primary") is CircuitState.OPEN


async def test_hedged_stream_over_http(fp: FakeProvider) -> None:
    fp.script(PRIMARY["openai"], Reply.text("slow answer", first_token_delay=0.4))
    fp.script(BACKUP, Reply.text("hedged answer"))
    client, _ = build(fp, "openai", hedge_after=0.05)
    with capture_events() as log:
        result = await run(client, "create_stream")
    await client.close()
    assert result.content == "hedged answer"
    assert {a["outcome"] for a in log.attempts} == {"hedge_lost", "ok"}


async def test_cancellation_over_http_starts_no_other_member(fp: FakeProvider) -> None:
    fp.always(PRIMARY["openai"], Fault.hang())
    client, _ = build(fp, "openai", attempt_timeout=30)
    task = asyncio.ensure_future(client.create(MESSAGES))
    await fp.wait_for_requests(1)  # the primary has the request in flight
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await client.close()
    assert not fp.requests_for(BACKUP)


async def test_sdk_retries_are_disabled_on_members(fp: FakeProvider) -> None:
    member = fp.openai_client(PRIMARY["openai"], max_retries=3)
    client = FailoverChatCompletionClient([member, fp.openai_client(BACKUP)], max_attempts=1, attempt_timeout=7)
    fp.script(PRIMARY["openai"], Fault.status(503))
    await client.create(MESSAGES)
    await client.close()
    assert len(fp.requests_for(PRIMARY["openai"])) == 1  # not 4
    sdk = cast(Any, member)._client
    assert sdk.max_retries == 0


# --------------------------------------------------------------------------- soak, real-HTTP portion


@pytest.mark.slow
async def test_soak_over_http(fp: FakeProvider) -> None:
    rng = random.Random(7)
    faults: list[Callable[[], Reply | Fault]] = [
        lambda: Fault.status(503),
        lambda: Fault.rate_limit(retry_after=0),
        lambda: Fault.invalid_api_key(),
        lambda: Fault.connection_reset(),
        lambda: Fault.overloaded(),
        lambda: Reply.text("one two three four five six", cut_after=3),
    ]
    for model in ("soak-a", "claude-3-5-sonnet-20240620"):
        steps = [rng.choice(faults)() if rng.random() < 0.5 else Reply.text(f"{model} full answer") for _ in range(400)]
        fp.script(model, *steps)
    client = FailoverChatCompletionClient(
        [
            fp.openai_client("soak-a"),
            fp.anthropic_client("claude-3-5-sonnet-20240620"),
            fp.openai_client("soak-healthy"),
        ],
        backoff_initial=0.0,
        backoff_jitter=0.0,
        failure_threshold=1_000,
    )
    tasks_before = asyncio.all_tasks()
    expected = RequestUsage(0, 0)
    incomplete = 0
    complete = {"soak-a full answer", "claude-3-5-sonnet-20240620 full answer", "one two three four five six"}
    try:
        for i in range(160):
            result = await outcome_of(run(client, "create" if i % 2 else "create_stream"))
            if isinstance(result, IncompleteStreamError):
                assert result.partial_text
                incomplete += 1
                continue
            assert isinstance(result.content, str)
            # complete, never truncated: a scripted full answer or the healthy member's whole default reply
            default_reply = result.content.startswith("Fake answer from ") and result.content.endswith(
                str(MESSAGES[0].content)
            )
            # or a cut stream recovered on the next member, continuing the delivered text (never repeating it)
            recovered = result.content.startswith("one two three")
            assert result.content in complete or default_reply or recovered
            assert result.finish_reason != "unknown"
            expected = RequestUsage(
                expected.prompt_tokens + result.usage.prompt_tokens,
                expected.completion_tokens + result.usage.completion_tokens,
            )
    finally:
        await client.close()
    assert incomplete > 0
    assert client.total_usage() == expected
    await asyncio.sleep(0)
    assert asyncio.all_tasks() - tasks_before == set()
