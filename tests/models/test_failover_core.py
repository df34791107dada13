"""FailoverChatCompletionClient against ScriptedChatCompletionClient members, timers on a ManualClock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import Any, Literal

import pytest
from autogen_core import CancellationToken, FunctionCall
from autogen_core.models import (
    ChatCompletionClient,
    CreateResult,
    LLMMessage,
    ModelCapabilities,
    ModelInfo,
    RequestUsage,
    UserMessage,
)
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel

from agentkit import _callinfo
from agentkit.exceptions import (
    ConfigurationError,
    ContentFilteredError,
    DeadlineExceededError,
    FailoverError,
    IncompleteStreamError,
    NoEligibleMemberError,
)
from agentkit.models import CircuitState, FailoverChatCompletionClient, FailoverMember
from agentkit.testing import ManualClock, Scripted, ScriptedChatCompletionClient
from agentkit.usage import CallRecord

from ._failover_helpers import ALL_INFO, MESSAGES, TEXT_ONLY, StatusError, capture_events, drive


def scripted(
    model: str, *steps: Any, clock: ManualClock, info: ModelInfo | None = None
) -> ScriptedChatCompletionClient:
    return ScriptedChatCompletionClient(list(steps), model=model, clock=clock, model_info=info or ALL_INFO)


def chain(*members: Any, clock: ManualClock, **kwargs: Any) -> FailoverChatCompletionClient:
    kwargs.setdefault("backoff_jitter", 0.0)
    return FailoverChatCompletionClient(list(members), clock=clock, **kwargs)


async def collect(stream: AsyncGenerator[str | CreateResult, None]) -> tuple[list[str], CreateResult]:
    chunks: list[str] = []
    async for item in stream:
        if isinstance(item, CreateResult):
            return chunks, item
        chunks.append(item)
    raise AssertionError("stream ended without a CreateResult")


async def drain(stream: AsyncGenerator[str | CreateResult, None], received: list[str]) -> None:
    async for item in stream:
        if isinstance(item, str):
            received.append(item)


# --------------------------------------------------------------------------- happy path and accounting


async def test_happy_path_calls_only_the_primary_and_reports_who_answered() -> None:
    clock = ManualClock()
    primary = scripted("primary", Scripted("Paris", usage=(10, 2)), clock=clock)
    backup = scripted("backup", "never", clock=clock)
    client = chain(primary, backup, clock=clock)
    with capture_events() as log:
        result = await client.create(MESSAGES)
    assert result.content == "Paris"
    assert len(primary.calls) == 1
    assert not backup.calls
    assert _callinfo.answered_by() == _callinfo.AnsweredBy("primary", "primary", None)
    assert client.total_usage() == RequestUsage(10, 2) == client.actual_usage()
    assert [(a["member"], a["outcome"], a["attempt"]) for a in log.attempts] == [("primary", "ok", 1)]


async def test_failed_attempts_go_to_the_attempt_sink_not_to_usage() -> None:
    clock = ManualClock()
    primary = scripted("primary", StatusError(401, "bad key"), clock=clock)
    backup = scripted("backup", Scripted("ok", usage=(7, 1)), clock=clock)
    client = chain(primary, backup, clock=clock)
    records: list[CallRecord] = []
    token = _callinfo.set_attempt_sink(records.append)
    try:
        with capture_events() as log:
            await client.create(MESSAGES)
    finally:
        _callinfo.restore_attempt_sink(token)
    assert [(r.member, r.outcome, r.error) for r in records] == [("primary", "error", "StatusError")]
    assert not records[0].billed
    assert client.total_usage() == RequestUsage(7, 1)
    assert [(a["member"], a["outcome"], a["error_class"]) for a in log.attempts] == [
        ("primary", "failover", "auth"),
        ("backup", "ok", None),
    ]
    assert _callinfo.answered_by() == _callinfo.AnsweredBy("backup", "backup", None)


async def test_cached_results_count_in_total_but_not_actual_usage() -> None:
    clock = ManualClock()
    cached = CreateResult(finish_reason="stop", content="c", usage=RequestUsage(5, 5), cached=True)
    client = chain(scripted("m", cached, "fresh", clock=clock), clock=clock)
    await client.create(MESSAGES)
    await client.create(MESSAGES)
    assert client.total_usage().prompt_tokens > client.actual_usage().prompt_tokens
    assert client.total_usage().completion_tokens == client.actual_usage().completion_tokens + 5


# --------------------------------------------------------------------------- error policy


async def test_server_error_is_retried_on_the_same_member_with_backoff_on_the_clock() -> None:
    clock = ManualClock()
    primary = scripted("primary", StatusError(503), StatusError(502), "recovered", clock=clock)
    backup = scripted("backup", "never", clock=clock)
    client = chain(primary, backup, clock=clock, backoff_initial=1.0)
    with capture_events() as log:
        result = await drive(clock, client.create(MESSAGES), step=0.25)
    assert result.content == "recovered"
    assert not backup.calls
    starts = [c.started_at for c in primary.calls]
    assert starts[1] - starts[0] >= 1.0
    assert starts[2] - starts[1] >= 2.0
    assert [a["outcome"] for a in log.attempts] == ["retry", "retry", "ok"]


async def test_retry_budget_spent_then_fail_over() -> None:
    clock = ManualClock()
    primary = scripted("primary", StatusError(500), StatusError(500), StatusError(500), clock=clock)
    backup = scripted("backup", "from backup", clock=clock)
    client = chain(primary, backup, clock=clock, max_attempts=3, backoff_initial=0.1)
    result = await drive(clock, client.create(MESSAGES), step=0.1)
    assert result.content == "from backup"
    assert len(primary.calls) == 3


@pytest.mark.parametrize(("header", "expected"), [("7", 7.0), ("120", 20.0)])
async def test_retry_after_is_honoured_and_capped(header: str, expected: float) -> None:
    clock = ManualClock()
    primary = scripted("primary", StatusError(429, headers={"retry-after": header}), "ok", clock=clock)
    client = chain(primary, clock=clock, backoff_initial=0.1, max_retry_after=20)
    await drive(clock, client.create(MESSAGES), step=0.5)
    gap = primary.calls[1].started_at - primary.calls[0].started_at
    assert expected <= gap < expected + 1.0


async def test_retry_after_http_date() -> None:
    clock = ManualClock()
    when = "Thu, 01 Jan 2026 00:00:05 GMT"  # ManualClock's wall time starts at 2026-01-01T00:00:00Z
    primary = scripted("primary", StatusError(429, headers={"retry-after": when}), "ok", clock=clock)
    client = chain(primary, clock=clock, backoff_initial=0.1)
    await drive(clock, client.create(MESSAGES), step=0.5)
    assert primary.calls[1].started_at == pytest.approx(5.0, abs=0.6)  # at the date, not 5 s after the 429


@pytest.mark.parametrize(
    "error",
    [
        StatusError(401, "invalid api key"),
        StatusError(403, "forbidden"),
        StatusError(404, "model not found", code="model_not_found"),
        StatusError(429, "You exceeded your current quota", code="insufficient_quota"),
        ConnectionRefusedError("refused"),
    ],
    ids=["401", "403", "404", "quota", "refused"],
)
async def test_fail_over_at_once_without_retry(error: Exception) -> None:
    clock = ManualClock()
    primary = scripted("primary", error, "never", clock=clock)
    backup = scripted("backup", "backup answer", clock=clock)
    client = chain(primary, backup, clock=clock)
    result = await client.create(MESSAGES)
    assert result.content == "backup answer"
    assert len(primary.calls) == 1


async def test_silent_member_fails_over_after_one_attempt_timeout() -> None:
    clock = ManualClock()
    primary = scripted("primary", Scripted("late", latency=1000), "never", clock=clock)
    backup = scripted("backup", "fast", clock=clock)
    client = chain(primary, backup, clock=clock, attempt_timeout=5)
    with capture_events() as log:
        result = await drive(clock, client.create(MESSAGES), step=1.0)
    assert result.content == "fast"
    assert len(primary.calls) == 1  # never retried
    assert log.attempts[0]["error_class"] == "timeout"
    assert log.attempts[0]["outcome"] == "failover"
    assert backup.calls[0].started_at == pytest.approx(5.0, abs=1.0)


async def test_context_length_goes_to_a_member_with_a_larger_window() -> None:
    clock = ManualClock()
    small = scripted(
        "small", StatusError(400, "maximum context length exceeded", code="context_length_exceeded"), clock=clock
    )
    same = scripted("same", "never", clock=clock)
    unknown = scripted("big", "from the big one", clock=clock)
    client = chain(
        FailoverMember(small, context_window=8000),
        FailoverMember(same, context_window=8000),
        FailoverMember(unknown, context_window=200_000),
        clock=clock,
    )
    result = await client.create(MESSAGES)
    assert result.content == "from the big one"
    assert len(small.calls) == 1
    assert not same.calls


async def test_content_filter_raises_by_default_like_v02() -> None:
    clock = ManualClock()
    error = StatusError(400, "The response was filtered", code="content_filter")
    backup = scripted("backup", "never", clock=clock)
    client = chain(scripted("primary", error, clock=clock), backup, clock=clock)
    with pytest.raises(StatusError) as raised:
        await client.create(MESSAGES)
    assert raised.value is error
    assert not backup.calls


async def test_content_filter_fails_over_when_configured() -> None:
    clock = ManualClock()
    error = StatusError(400, "content management policy", code="content_filter")
    client = chain(
        scripted("primary", error, clock=clock),
        scripted("backup", "allowed", clock=clock),
        clock=clock,
        error_policy={"content_filter": "failover"},
    )
    assert (await client.create(MESSAGES)).content == "allowed"


async def test_other_bad_request_raises_at_once() -> None:
    clock = ManualClock()
    error = StatusError(400, "Invalid value for 'temperature'")
    primary = scripted("primary", error, clock=clock)
    backup = scripted("backup", "never", clock=clock)
    with pytest.raises(StatusError):
        await chain(primary, backup, clock=clock).create(MESSAGES)
    assert len(primary.calls) == 1
    assert not backup.calls


async def test_policy_callable_overrides_the_table() -> None:
    clock = ManualClock()
    seen: list[str] = []

    def policy(error: BaseException, error_class: Any) -> str | None:
        seen.append(error_class.value)
        return "raise" if error_class.value == "server_error" else None

    primary = scripted("primary", StatusError(503), clock=clock)
    backup = scripted("backup", "never", clock=clock)
    with pytest.raises(StatusError):
        await chain(primary, backup, clock=clock, policy=policy).create(MESSAGES)
    assert seen == ["server_error"]
    assert not backup.calls


async def test_all_fail_raises_one_group_with_the_primary_error_first() -> None:
    clock = ManualClock()
    first = StatusError(401, "primary key revoked")
    second = StatusError(404, "no such model")
    client = chain(scripted("primary", first, clock=clock), scripted("backup", second, clock=clock), clock=clock)
    with pytest.raises(FailoverError) as raised:
        await client.create(MESSAGES)
    group = raised.value
    assert group.exceptions[0] is first
    assert group.exceptions[1] is second
    assert group.attempts == [("primary", first), ("backup", second)]
    assert "primary: StatusError: primary key revoked" in str(group)


async def test_overall_deadline_stops_the_chain() -> None:
    clock = ManualClock()
    primary = scripted("primary", Scripted("late", latency=100), clock=clock)
    backup = scripted("backup", Scripted("late too", latency=100), clock=clock)
    client = chain(primary, backup, clock=clock, attempt_timeout=8, deadline=10)
    with pytest.raises(FailoverError) as raised:
        await drive(clock, client.create(MESSAGES), step=1.0)
    assert any(isinstance(e, DeadlineExceededError) for e in raised.value.exceptions)
    assert clock.monotonic() <= 12


async def test_deadline_stops_retry_backoff() -> None:
    clock = ManualClock()
    primary = scripted("primary", StatusError(429, headers={"retry-after": "15"}), "never", clock=clock)
    backup = scripted("backup", "backup", clock=clock)
    client = chain(primary, backup, clock=clock, deadline=10)
    result = await drive(clock, client.create(MESSAGES))
    assert result.content == "backup"
    assert len(primary.calls) == 1


# --------------------------------------------------------------------------- circuit breaker


async def test_circuit_opens_skips_probes_and_closes() -> None:
    clock = ManualClock()
    primary = scripted("primary", *[StatusError(401)] * 3, "primary back", clock=clock)
    backup = scripted("backup", *["backup"] * 10, clock=clock)
    client = chain(primary, backup, clock=clock, failure_threshold=3, cooldown=30)
    with capture_events() as log:
        for _ in range(3):
            assert (await client.create(MESSAGES)).content == "backup"
        assert client.circuit_state("primary") is CircuitState.OPEN
        await client.create(MESSAGES)  # skipped while open
        assert len(primary.calls) == 3
        await clock.advance(30)
        assert client.circuit_state("primary") is CircuitState.HALF_OPEN
        assert (await client.create(MESSAGES)).content == "primary back"  # the probe succeeds
    assert client.circuit_state() == {"primary": CircuitState.CLOSED, "backup": CircuitState.CLOSED}
    assert [c["state"] for c in log.circuits] == ["open", "half_open", "closed"]


async def test_failed_probe_reopens_the_circuit() -> None:
    clock = ManualClock()
    primary = scripted("primary", StatusError(401), StatusError(401), clock=clock)
    backup = scripted("backup", *["b"] * 5, clock=clock)
    client = chain(primary, backup, clock=clock, failure_threshold=1, cooldown=10)
    await client.create(MESSAGES)
    await clock.advance(10)
    await client.create(MESSAGES)  # probe fails -> open again
    assert client.circuit_state("primary") is CircuitState.OPEN
    assert client.breaker("primary").open_until == pytest.approx(20.0)


async def test_when_every_circuit_is_open_the_soonest_to_recover_is_tried() -> None:
    clock = ManualClock()
    a = scripted("a", StatusError(401), "a again", clock=clock)
    b = scripted("b", StatusError(401), "b again", clock=clock)
    client = chain(a, b, clock=clock, failure_threshold=1, cooldown=60)
    with pytest.raises(FailoverError):
        await client.create(MESSAGES)  # a opens at t=0 ... b opens a bit later
    await clock.advance(1)
    client.breaker("b").record_failure()  # b's cooldown now ends later than a's
    result = await client.create(MESSAGES)
    assert result.content == "a again"


async def test_breaker_ignores_our_own_bad_requests() -> None:
    clock = ManualClock()
    primary = scripted("primary", *[StatusError(400, "bad temperature")] * 3, clock=clock)
    client = chain(primary, clock=clock, failure_threshold=2)
    for _ in range(3):
        with pytest.raises(StatusError):
            await client.create(MESSAGES)
    assert client.circuit_state("primary") is CircuitState.CLOSED


# --------------------------------------------------------------------------- capability routing


class Answer(BaseModel):
    city: str


def _tool() -> ToolSchema:
    return {"name": "lookup", "description": "look up", "parameters": {"type": "object", "properties": {}}}


async def test_routing_skips_members_that_cannot_serve_the_request() -> None:
    clock = ManualClock()
    text_only = scripted("text-only", *["never"] * 4, clock=clock, info=TEXT_ONLY)
    capable = scripted("capable", *["ok"] * 4, clock=clock)
    client = chain(text_only, capable, clock=clock)
    await client.create(MESSAGES, tools=[_tool()])
    await client.create(MESSAGES, json_output=True)
    await client.create(MESSAGES, json_output=Answer)
    from autogen_core import Image

    image = Image.from_base64(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    )
    await client.create([UserMessage(content=["what is this?", image], source="user")])
    assert not text_only.calls
    assert len(capable.calls) == 4
    assert client.model_info["function_calling"]
    assert client.model_info["vision"]


async def test_prompt_over_the_context_window_is_routed_to_a_larger_member() -> None:
    clock = ManualClock()
    small = scripted("small", "never", clock=clock)
    big = scripted("big", "ok", clock=clock)
    client = chain(FailoverMember(small, context_window=100), FailoverMember(big, context_window=100_000), clock=clock)
    long_prompt = [UserMessage(content="word " * 1000, source="user")]
    assert (await client.create(long_prompt)).content == "ok"
    assert not small.calls


async def test_no_eligible_member_says_why_each_was_skipped() -> None:
    clock = ManualClock()
    a = scripted("a", "never", clock=clock, info=TEXT_ONLY)
    b = scripted("b", "never", clock=clock, info={**TEXT_ONLY, "function_calling": True})
    client = chain(a, FailoverMember(b, context_window=10), clock=clock)
    with pytest.raises(NoEligibleMemberError) as raised:
        await client.create([UserMessage(content="x " * 200, source="u")], tools=[_tool()])
    assert set(raised.value.reasons) == {"a", "b"}
    assert "function_calling" in raised.value.reasons["a"]
    assert "context window" in raised.value.reasons["b"]


# --------------------------------------------------------------------------- streaming contract


async def test_stream_fails_over_before_the_first_chunk() -> None:
    clock = ManualClock()
    primary = scripted("primary", StatusError(401), clock=clock)
    backup = scripted("backup", "streamed from backup", clock=clock)
    chunks, result = await collect(chain(primary, backup, clock=clock).create_stream(MESSAGES))
    assert "".join(chunks) == "streamed from backup" == result.content


async def test_stream_cut_after_first_chunk_raises_incomplete_with_partial_text() -> None:
    clock = ManualClock()
    primary = scripted(
        "primary", Scripted("one two three", raises=ConnectionResetError("cut"), raise_after=2), clock=clock
    )
    backup = scripted("backup", "never", clock=clock)
    received: list[str] = []
    with pytest.raises(IncompleteStreamError) as raised:
        await drain(chain(primary, backup, clock=clock, stream_recovery="off").create_stream(MESSAGES), received)
    error = raised.value
    assert error.partial_text == "".join(received) == "one two"
    assert error.member == "primary"
    assert not error.tool_call_started
    assert error.usage is not None
    assert error.usage.completion_tokens >= 1
    assert isinstance(error.__cause__, ConnectionResetError)
    assert not backup.calls


async def test_stream_recovery_never_repeats_text_and_raises_when_the_new_answer_diverges() -> None:
    clock = ManualClock()
    primary = scripted(
        "primary", Scripted("one two three", raises=ConnectionResetError("cut"), raise_after=1), clock=clock
    )
    backup = scripted("backup", Scripted("complete answer", usage=(3, 2)), clock=clock)
    client = chain(primary, backup, clock=clock)
    received: list[str] = []
    with pytest.raises(IncompleteStreamError) as raised:
        await drain(client.create_stream(MESSAGES), received)
    assert received == ["one"]  # the backup's different answer never reached the caller
    assert len(backup.calls) == 1
    assert raised.value.member == "primary"
    assert raised.value.partial_text == "one"
    assert client.total_usage() == RequestUsage(0, 0)


async def test_stream_restart_delivers_only_what_goes_beyond_the_delivered_text() -> None:
    clock = ManualClock()
    primary = scripted(
        "primary", Scripted("one two three", raises=ConnectionResetError("cut"), raise_after=2), clock=clock
    )
    backup = scripted("backup", Scripted("one two three four", usage=(3, 4)), clock=clock)
    client = chain(primary, backup, clock=clock)
    chunks, result = await collect(client.create_stream(MESSAGES))
    assert "".join(chunks) == "one two three four" == result.content
    assert chunks[:2] == ["one", " two"]
    assert result.usage.prompt_tokens > 3  # the broken attempt's (estimated) usage is added
    assert client.total_usage() == result.usage
    who = _callinfo.answered_by()
    assert who is not None
    assert who.member == "backup"


async def test_first_token_timeout_fails_over() -> None:
    clock = ManualClock()
    primary = scripted("primary", Scripted("slow", latency=100), clock=clock)
    backup = scripted("backup", "quick answer", clock=clock)
    client = chain(primary, backup, clock=clock, first_token_timeout=3)
    _chunks, result = await drive(clock, collect(client.create_stream(MESSAGES)), step=0.5)
    assert result.content == "quick answer"
    assert len(primary.calls) == 1
    assert backup.calls[0].started_at == pytest.approx(3.0, abs=0.6)


async def test_stalled_stream_raises_incomplete_after_the_idle_limit() -> None:
    clock = ManualClock()
    primary = scripted("primary", Scripted("a b c", chunk_latency=50), clock=clock)
    client = chain(primary, scripted("backup", "never", clock=clock), clock=clock, stream_idle_timeout=5)
    with pytest.raises(IncompleteStreamError) as raised:
        await drive(clock, collect(client.create_stream(MESSAGES)), step=1.0)
    assert raised.value.partial_text == "a"
    assert "stream_idle_timeout" in str(raised.value)


async def test_slow_consumer_does_not_trip_the_idle_limit() -> None:
    clock = ManualClock()
    primary = scripted("primary", "a b c d", clock=clock)
    client = chain(primary, clock=clock, stream_idle_timeout=2)
    seen: list[str] = []
    async for item in client.create_stream(MESSAGES):
        if isinstance(item, str):
            seen.append(item)
            await clock.advance(10)  # the caller holds each chunk far longer than the idle limit
    assert "".join(seen) == "a b c d"


async def test_a_steady_stream_longer_than_the_idle_limit_is_not_cut() -> None:
    clock = ManualClock()
    primary = scripted("primary", Scripted("a b c d e f g h", chunk_latency=1.5), clock=clock)
    client = chain(primary, scripted("backup", "never", clock=clock), clock=clock, stream_idle_timeout=2)
    chunks, result = await drive(clock, collect(client.create_stream(MESSAGES)), step=0.25)
    assert result.content == "a b c d e f g h" == "".join(chunks)  # 10.5 s in all, never 2 s without a chunk
    assert clock.monotonic() >= 10


async def test_a_recovery_stream_that_stalls_is_cut_by_the_idle_limit() -> None:
    clock = ManualClock()
    primary = scripted(
        "primary", Scripted("one two three", raises=ConnectionResetError("cut"), raise_after=1), clock=clock
    )
    backup = scripted("backup", Scripted("one two three four", chunk_latency=50), clock=clock)
    client = chain(primary, backup, clock=clock, stream_idle_timeout=5)
    received: list[str] = []
    with capture_events() as log, pytest.raises(IncompleteStreamError) as raised:
        await drive(clock, drain(client.create_stream(MESSAGES), received), step=1.0)
    assert received == ["one"]
    assert raised.value.partial_text == "one"
    backup_attempt = log.attempts[-1]
    assert backup_attempt["member"] == "backup"
    assert backup_attempt["error_class"] == "stream_broken"
    assert 5 <= backup_attempt["latency_s"] < 50  # cut after ~5 s of silence, long before its next chunk


class OddStream(ChatCompletionClient):
    """A tiny member double whose stream yields what the test asks for."""

    def __init__(self, items: Sequence[Any], *, end_with_result: bool = True, finish: str = "stop") -> None:
        self.items = list(items)
        self.end_with_result = end_with_result
        self.finish = finish
        self.closed = False

    async def create(self, messages: Sequence[LLMMessage], **kwargs: Any) -> CreateResult:
        return CreateResult(finish_reason="stop", content="x", usage=RequestUsage(1, 1), cached=False)

    async def create_stream(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> AsyncGenerator[Any, None]:
        for item in self.items:
            yield item
        if self.end_with_result:
            text = "".join(i for i in self.items if isinstance(i, str))
            yield CreateResult(finish_reason=self.finish, content=text, usage=RequestUsage(2, 3), cached=False)  # type: ignore[arg-type]

    async def close(self) -> None:
        self.closed = True

    def actual_usage(self) -> RequestUsage:
        return RequestUsage(0, 0)

    def total_usage(self) -> RequestUsage:
        return RequestUsage(0, 0)

    def count_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        return 0

    def remaining_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        return 0

    @property
    def capabilities(self) -> ModelCapabilities:
        return ModelCapabilities(vision=True, function_calling=True, json_output=True)

    @property
    def model_info(self) -> ModelInfo:
        return ALL_INFO


async def test_malformed_chunk_is_skipped() -> None:
    client = FailoverChatCompletionClient([OddStream(["a", {"weird": 1}, 42, "b"])])
    chunks, result = await collect(client.create_stream(MESSAGES))
    assert chunks == ["a", "b"]
    assert result.content == "ab"


async def test_stream_without_final_result_is_incomplete_not_success() -> None:
    client = FailoverChatCompletionClient([OddStream(["half an ans"], end_with_result=False)])
    with pytest.raises(IncompleteStreamError) as raised:
        await collect(client.create_stream(MESSAGES))
    assert raised.value.partial_text == "half an ans"


async def test_unknown_finish_reason_is_a_cut_stream() -> None:
    client = FailoverChatCompletionClient([OddStream(["cut"], finish="unknown")])
    with pytest.raises(IncompleteStreamError) as raised:
        await collect(client.create_stream(MESSAGES))
    assert raised.value.usage == RequestUsage(2, 3)
    lenient = FailoverChatCompletionClient([OddStream(["cut"], finish="unknown")], strict_stream_finish=False)
    _, result = await collect(lenient.create_stream(MESSAGES))
    assert result.finish_reason == "unknown"


async def test_tool_call_delta_forbids_a_restart() -> None:
    call = FunctionCall(id="1", name="lookup", arguments="{")
    broken = OddStream(["thinking ", call], end_with_result=False)
    client = FailoverChatCompletionClient([broken, OddStream(["never"])], restart_incomplete_streams=True)
    with pytest.raises(IncompleteStreamError) as raised:
        await collect(client.create_stream(MESSAGES))
    assert raised.value.tool_call_started


async def test_empty_stream_fails_over_before_first_chunk() -> None:
    client = FailoverChatCompletionClient([OddStream([], end_with_result=False), OddStream(["fine"])])
    chunks, _result = await collect(client.create_stream(MESSAGES))
    assert chunks == ["fine"]


# --------------------------------------------------------------------------- hedging


async def test_hedged_create_races_the_next_member_and_cancels_the_loser() -> None:
    clock = ManualClock()
    slow = scripted("slow", Scripted("slow answer", latency=30), clock=clock)
    fast = scripted("fast", Scripted("fast answer", latency=1), clock=clock)
    client = chain(slow, fast, clock=clock, hedge_after=2)
    with capture_events() as log:
        result = await drive(clock, client.create(MESSAGES), step=0.5)
    assert result.content == "fast answer"
    assert slow.calls[0].outcome == "CancelledError"
    outcomes = {(a["member"], a["outcome"]) for a in log.attempts}
    assert outcomes == {("slow", "hedge_lost"), ("fast", "ok")}
    assert client.total_usage().completion_tokens == result.usage.completion_tokens


async def test_hedge_is_not_started_when_the_primary_is_quick() -> None:
    clock = ManualClock()
    primary = scripted("primary", Scripted("quick", latency=1), clock=clock)
    backup = scripted("backup", "never", clock=clock)
    result = await drive(clock, chain(primary, backup, clock=clock, hedge_after=2).create(MESSAGES), step=0.5)
    assert result.content == "quick"
    assert not backup.calls


async def test_requests_unsafe_to_duplicate_are_not_hedged() -> None:
    clock = ManualClock()
    slow = scripted("slow", Scripted("slow answer", latency=10), clock=clock)
    fast = scripted("fast", "never", clock=clock)
    client = chain(slow, fast, clock=clock, hedge_after=1)
    result = await drive(clock, client.create(MESSAGES, extra_create_args={"store": True}), step=0.5)
    assert result.content == "slow answer"
    assert not fast.calls


async def test_hedged_stream_first_chunk_wins() -> None:
    clock = ManualClock()
    slow = scripted("slow", Scripted("slow words", latency=30), clock=clock)
    fast = scripted("fast", Scripted("fast words here", latency=1), clock=clock)
    client = chain(slow, fast, clock=clock, hedge_after=2)
    chunks, result = await drive(clock, collect(client.create_stream(MESSAGES)), step=0.5)
    assert result.content == "fast words here"
    assert "".join(chunks) == "fast words here"
    assert slow.calls[0].outcome == "CancelledError"


# --------------------------------------------------------------------------- cancellation


async def test_cancellation_stops_the_attempt_in_flight_and_starts_no_other() -> None:
    clock = ManualClock()
    primary = scripted("primary", Scripted("late", latency=100), clock=clock)
    backup = scripted("backup", "never", clock=clock)
    client = chain(primary, backup, clock=clock)
    with capture_events() as log:
        task = asyncio.ensure_future(client.create(MESSAGES))
        await clock.advance(1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert primary.calls[0].outcome == "CancelledError"
    assert not backup.calls
    assert [a["outcome"] for a in log.attempts] == ["cancelled"]


async def test_cancellation_token_stops_the_chain() -> None:
    clock = ManualClock()
    primary = scripted("primary", Scripted("late", latency=100), clock=clock)
    backup = scripted("backup", "never", clock=clock)
    token = CancellationToken()
    task = asyncio.ensure_future(chain(primary, backup, clock=clock).create(MESSAGES, cancellation_token=token))
    await clock.advance(1)
    token.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not backup.calls


async def test_cancelling_a_stream_consumer_closes_the_member_stream() -> None:
    clock = ManualClock()
    primary = scripted("primary", Scripted("a b c d", chunk_latency=10), clock=clock)
    client = chain(primary, clock=clock)
    stream = client.create_stream(MESSAGES)
    assert await stream.__anext__() == "a"
    await stream.aclose()
    assert primary.calls[0].outcome == "abandoned"


# --------------------------------------------------------------------------- lifecycle, tokens, config


async def test_close_closes_every_member() -> None:
    members = [OddStream(["a"]), OddStream(["b"])]
    await FailoverChatCompletionClient(members).close()
    assert all(m.closed for m in members)


def test_count_tokens_is_offline_and_remaining_uses_the_largest_window() -> None:
    clock = ManualClock()
    client = chain(
        FailoverMember(scripted("a", clock=clock), context_window=1000),
        FailoverMember(scripted("b", clock=clock), context_window=5000),
        clock=clock,
    )
    count = client.count_tokens(MESSAGES)
    assert 5 <= count <= 20
    assert client.remaining_tokens(MESSAGES) == 5000 - count
    assert client.capabilities["function_calling"] is True


def test_model_info_ors_capabilities_and_keeps_the_primary_family() -> None:
    clock = ManualClock()
    a = scripted("a", clock=clock, info={**TEXT_ONLY, "family": "gpt-4o"})
    b = scripted("b", clock=clock, info={**ALL_INFO, "family": "claude-3-5-sonnet"})
    info = chain(a, b, clock=clock).model_info
    assert info["family"] == "gpt-4o"
    assert info["vision"]
    assert info["function_calling"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"max_attempts": 0}, "max_attempts"),
        ({"attempt_timeout": -1}, "attempt_timeout"),
        ({"error_policy": {"nonsense": "retry"}}, "error_policy.nonsense"),
        ({"error_policy": {"timeout": "explode"}}, "error_policy.timeout"),
        ({"failure_threshold": -1}, "failure_threshold"),
    ],
)
def test_bad_configuration_is_refused_at_construction(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        FailoverChatCompletionClient([OddStream([])], **kwargs)
    assert raised.value.field == field


def test_members_must_be_a_non_empty_sequence_with_unique_names() -> None:
    with pytest.raises(ConfigurationError):
        FailoverChatCompletionClient([])
    with pytest.raises(ConfigurationError):
        FailoverChatCompletionClient([FailoverMember(OddStream([]), name="x"), FailoverMember(OddStream([]), name="x")])
    client = FailoverChatCompletionClient([OddStream([]), OddStream([])])
    assert client.member_names == ("member0", "member1")


def test_scripted_members_round_trip_with_settings() -> None:
    clock = ManualClock()
    client = chain(
        FailoverMember(scripted("a", "x", clock=clock), name="primary", max_attempts=2, attempt_timeout=9),
        scripted("b", "y", clock=clock),
        clock=clock,
        error_policy={"content_filter": "failover"},
        hedge_after=1.5,
    )
    loaded = FailoverChatCompletionClient.load_component(client.dump_component())
    assert isinstance(loaded, FailoverChatCompletionClient)
    assert loaded.member_names == ("primary", "b")
    assert loaded.dump_component().model_dump_json() == client.dump_component().model_dump_json()


# --------------------------------------------------------------------------- system clock and telemetry


async def test_attempt_timeout_on_the_system_clock_fails_over() -> None:
    slow = ScriptedChatCompletionClient([Scripted("late", latency=0.5)], model="slow", model_info=ALL_INFO)
    fast = ScriptedChatCompletionClient(["fast"], model="fast", model_info=ALL_INFO)
    client = FailoverChatCompletionClient([slow, fast], attempt_timeout=0.05)
    result = await client.create(MESSAGES)
    assert result.content == "fast"
    assert slow.calls[0].outcome == "CancelledError"


async def test_stream_idle_limit_on_the_system_clock() -> None:
    stalled = ScriptedChatCompletionClient([Scripted("a b", chunk_latency=0.5)], model="stall", model_info=ALL_INFO)
    client = FailoverChatCompletionClient([stalled], stream_idle_timeout=0.05)
    with pytest.raises(IncompleteStreamError) as raised:
        await collect(client.create_stream(MESSAGES))
    assert raised.value.partial_text == "a"


async def test_outer_cancellation_is_not_mistaken_for_a_timeout() -> None:
    slow = ScriptedChatCompletionClient([Scripted("late", latency=5)], model="slow", model_info=ALL_INFO)
    backup = ScriptedChatCompletionClient(["never"], model="backup", model_info=ALL_INFO)
    client = FailoverChatCompletionClient([slow, backup], attempt_timeout=10)
    task = asyncio.ensure_future(client.create(MESSAGES))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not backup.calls


class _Span:
    def __init__(self, name: str) -> None:
        self.name = name
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.attributes: dict[str, Any] = {}
        self.status: Any = None
        self.ended = False

    def add_event(self, name: str, attributes: dict[str, Any]) -> None:
        self.events.append((name, attributes))

    def set_attribute(self, key: str, value: Any) -> None:
        self.attributes[key] = value

    def record_exception(self, error: BaseException, attributes: dict[str, Any] | None = None) -> None:
        self.events.append(("exception", {"type": type(error).__name__, **(attributes or {})}))

    def set_status(self, status: Any, description: str | None = None) -> None:
        self.status = status

    def end(self, end_time: int | None = None) -> None:
        self.ended = True

    def is_recording(self) -> bool:
        return True


class _Tracer:
    def __init__(self) -> None:
        self.spans: list[_Span] = []

    def start_span(self, name: str, **kwargs: Any) -> _Span:
        span = _Span(name)
        self.spans.append(span)
        return span


async def test_one_span_per_call_with_an_event_per_failed_attempt(monkeypatch: pytest.MonkeyPatch) -> None:
    from agentkit.models import _failover_accounting, _failover_call

    tracer = _Tracer()
    monkeypatch.setattr(_failover_call, "_tracer", tracer)  # the call's span
    monkeypatch.setattr(_failover_accounting, "_tracer", tracer)  # one child span per attempt
    clock = ManualClock()
    client = chain(scripted("p", StatusError(401), clock=clock), scripted("b", "ok", clock=clock), clock=clock)
    await client.create(MESSAGES)
    span, failed_attempt, ok_attempt = tracer.spans
    assert failed_attempt.name == "agentkit.failover.attempt p"
    assert ok_attempt.name == "agentkit.failover.attempt b"
    assert failed_attempt.ended
    assert span.attributes["agentkit.answered_by"] == "b"
    assert span.name == "agentkit.failover.create"
    assert span.ended
    assert span.attributes["agentkit.attempts"] == 2
    assert [name for name, _ in span.events] == ["agentkit.failover.attempt_failed"]
    assert span.events[0][1]["error_class"] == "auth"


async def test_content_filter_finish_reason_follows_the_policy_in_create_and_stream() -> None:
    clock = ManualClock()
    filtered = CreateResult(finish_reason="content_filter", content="", usage=RequestUsage(3, 0), cached=False)
    default = chain(scripted("p", filtered, filtered, clock=clock), scripted("b", "never", clock=clock), clock=clock)
    with pytest.raises(ContentFilteredError) as raised:
        await default.create(MESSAGES)
    assert raised.value.member == "p"
    with pytest.raises(ContentFilteredError):
        await collect(default.create_stream(MESSAGES))
    configured = chain(
        scripted("p", filtered, filtered, clock=clock),
        scripted("b", "allowed", "allowed too", clock=clock),
        clock=clock,
        error_policy={"content_filter": "failover"},
    )
    assert (await configured.create(MESSAGES)).content == "allowed"
    _, result = await collect(configured.create_stream(MESSAGES))
    assert result.content == "allowed too"


def test_timers_do_not_keep_closed_event_loops_alive() -> None:
    import gc
    import weakref

    from agentkit.models import _timers

    loops: list[weakref.ref[asyncio.AbstractEventLoop]] = []

    async def one_call() -> None:
        loops.append(weakref.ref(asyncio.get_running_loop()))
        client = FailoverChatCompletionClient([ScriptedChatCompletionClient(["a"], model_info=ALL_INFO)])
        await client.create(MESSAGES)

    for _ in range(3):
        asyncio.run(one_call())
    gc.collect()
    # Only this test's loops: other tests may legitimately still hold theirs (e.g. a Redis store's client).
    assert [ref() for ref in loops] == [None, None, None]
    assert not [loop for loop in _timers._SWEEPERS if any(loop is ref() for ref in loops)]


async def test_metered_client_records_failed_attempts_apart_and_the_model_that_answered() -> None:
    from agentkit.models import MeteredChatCompletionClient
    from agentkit.usage import UsageLedger

    clock = ManualClock()
    ledger = UsageLedger()
    chain_client = chain(
        scripted("gpt-4o", StatusError(401, "revoked"), clock=clock),
        scripted("gpt-4o-mini", Scripted("ok", usage=(12, 4)), clock=clock),
        clock=clock,
    )
    metered = MeteredChatCompletionClient(chain_client, ledger=ledger, agent="writer")
    await metered.create(MESSAGES)
    records = ledger.records
    failed = [r for r in records if r.outcome == "error"]
    billed = [r for r in records if r.billed]
    assert [(r.member, r.model) for r in failed] == [("gpt-4o", "gpt-4o")]
    assert len(billed) == 1
    assert billed[0].model == "gpt-4o-mini"
    assert billed[0].prompt_tokens == 12
