"""Issue #13 regressions with the REAL OpenAI and Anthropic clients over HTTP against ``FakeProvider``.

Attempt timeouts that win over the member's own ``timeout=``, refusals handled alike in ``create`` and
streams, usage on bare streams, hedging across the chain, who answered, seamless stream recovery.
No test sleeps to synchronise: time is a ``ManualClock`` or the order of events the fake provider records.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from autogen_core.models import ChatCompletionClient, CreateResult, RequestUsage
from autogen_core.tools import ToolSchema

from agentkit.exceptions import ContentFilteredError, IncompleteStreamError
from agentkit.models import (
    AnsweredBy,
    ErrorClass,
    FailoverChatCompletionClient,
    FailoverMember,
    MeteredChatCompletionClient,
    answered_by,
)
from agentkit.models._policy import AttemptTimeoutError
from agentkit.testing import FakeProvider, Fault, ManualClock, Reply
from agentkit.usage import UsageLedger

from ._failover_helpers import MESSAGES, capture_events

ANSWER = "The capital of France is Paris, a city on the Seine."
TOOL: ToolSchema = {
    "name": "lookup",
    "description": "Look it up.",
    "parameters": {"type": "object", "properties": {}},
}


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


def member(fp: FakeProvider, api: str, model: str, **kwargs: Any) -> ChatCompletionClient:
    if api == "openai":
        return fp.openai_client(model, **kwargs)
    return fp.anthropic_client(model, **kwargs)


async def collect(stream: AsyncIterator[str | CreateResult]) -> tuple[list[str], CreateResult]:
    chunks: list[str] = []
    async for item in stream:
        if isinstance(item, CreateResult):
            return chunks, item
        chunks.append(item)
    raise AssertionError("no final result")


async def call(client: ChatCompletionClient, method: str) -> CreateResult:
    if method == "create":
        return await client.create(MESSAGES)
    chunks, result = await collect(client.create_stream(MESSAGES))
    assert "".join(chunks) == result.content
    return result


async def ask(client: ChatCompletionClient, method: str) -> tuple[CreateResult, AnsweredBy | None]:
    """``call`` in its own task, with who answered it as seen from inside that task."""
    result = await call(client, method)
    return result, answered_by()


# --------------------------------------------------------------------------- 0: the attempt timeout always wins


@pytest.mark.parametrize("method", ["create", "create_stream"])
@pytest.mark.parametrize("api", ["openai", "anthropic"])
async def test_member_timeout_does_not_outlive_the_attempt_timeout(fp: FakeProvider, api: str, method: str) -> None:
    """On the manual clock: the hang is abandoned exactly when the attempt-timeout timer fires."""
    fp.always("silent", Fault.hang())
    clock = ManualClock()
    seen = Seen()
    client = FailoverChatCompletionClient(
        [FailoverMember(member(fp, api, "silent", timeout=30), name="primary"), fp.openai_client("backup")],
        attempt_timeout=5,
        policy=seen,
        clock=clock,
    )
    task = asyncio.ensure_future(ask(client, method))
    await fp.wait_for_requests(1)
    await clock.advance(4.9)
    assert not task.done()
    assert not fp.requests_for("backup")
    await clock.advance(0.1)  # the attempt timeout fires: the hang is cancelled and the backup answers
    result, who = await task
    await client.close()
    assert who == AnsweredBy("backup", "backup", "openai")
    assert result.content
    error = seen.errors[0][0]
    assert isinstance(error, AttemptTimeoutError)
    assert error.seconds == 5
    requests = await fp.wait_until(lambda rs: bool(rs) and rs[0].abandoned, timeout=10)
    assert requests[0].model == "silent"


@pytest.mark.parametrize("fault", ["hang", "slow_first_byte"])
@pytest.mark.parametrize("method", ["create", "create_stream"])
@pytest.mark.parametrize("api", ["openai", "anthropic"])
async def test_system_clock_attempt_timeout_beats_the_members_own_timeout(
    fp: FakeProvider, api: str, method: str, fault: str
) -> None:
    """The production path: the member was built with ``timeout=30``; the chain gives up at its own limit."""
    fp.always("silent", Fault.hang() if fault == "hang" else Reply.text("too late", first_token_delay=3600))
    seen = Seen()
    client = FailoverChatCompletionClient(
        [FailoverMember(member(fp, api, "silent", timeout=30), name="primary"), fp.openai_client("backup")],
        attempt_timeout=0.2,
        policy=seen,
    )
    result = await asyncio.wait_for(call(client, method), 20)  # a harness guard against the old 30 s wait
    await client.close()
    assert result.content
    error = seen.errors[0][0]
    assert isinstance(error, AttemptTimeoutError)  # agentkit's limit, not the SDK's read timeout
    assert error.limit in ("attempt_timeout", "first_token_timeout")
    await fp.wait_until(lambda rs: rs[0].abandoned, timeout=10)


@pytest.mark.parametrize("api", ["openai", "anthropic"])
async def test_slow_first_byte_on_create_fails_over_at_the_attempt_timeout(fp: FakeProvider, api: str) -> None:
    fp.script("slow", Reply.text("too late", first_token_delay=3600))
    clock = ManualClock()
    client = FailoverChatCompletionClient(
        [FailoverMember(member(fp, api, "slow", timeout=30), name="primary"), fp.openai_client("backup")],
        attempt_timeout=2,
        clock=clock,
    )
    with capture_events() as log:
        task = asyncio.ensure_future(client.create(MESSAGES))
        await fp.wait_for_requests(1)
        await clock.advance(2)
        result = await task
    await client.close()
    assert result.content != "too late"
    assert [(a["member"], a["outcome"], a["error_class"]) for a in log.attempts] == [
        ("primary", "failover", "timeout"),
        ("backup", "ok", None),
    ]
    await fp.wait_until(lambda rs: rs[0].abandoned, timeout=10)


# --------------------------------------------------------------------------- 4: refusals alike everywhere


def refusal_client(fp: FakeProvider, api: str, **kwargs: Any) -> FailoverChatCompletionClient:
    fp.always("refuses", Fault.content_filter(as_finish_reason=True))
    return FailoverChatCompletionClient(
        [FailoverMember(member(fp, api, "refuses"), name="primary"), fp.openai_client("backup")], **kwargs
    )


# AutoGen's OpenAI client warns about the empty answer of a filtered stream (an error under pytest's settings).
@pytest.mark.filterwarnings("ignore:No text content or tool calls are available")
@pytest.mark.parametrize("method", ["create", "create_stream"])
@pytest.mark.parametrize("api", ["openai", "anthropic"])
async def test_refusal_raises_by_default_in_create_and_stream(fp: FakeProvider, api: str, method: str) -> None:
    client = refusal_client(fp, api)
    with pytest.raises(ContentFilteredError) as raised:
        await call(client, method)
    await client.close()
    assert raised.value.member == "primary"
    assert raised.value.stop_reason == ("refusal" if api == "anthropic" else "content_filter")
    assert not fp.requests_for("backup")  # never a silent failover
    assert client.total_usage() == RequestUsage(0, 0)  # never an empty success


@pytest.mark.filterwarnings("ignore:No text content or tool calls are available")
@pytest.mark.parametrize("method", ["create", "create_stream"])
@pytest.mark.parametrize("api", ["openai", "anthropic"])
async def test_refusal_fails_over_when_the_policy_says_so(fp: FakeProvider, api: str, method: str) -> None:
    client = refusal_client(fp, api, error_policy={"content_filter": "failover"})
    result = await call(client, method)
    await client.close()
    assert str(result.content).startswith("Fake answer from backup")
    assert answered_by() == AnsweredBy("backup", "backup", "openai")


@pytest.mark.parametrize("api", ["openai", "anthropic"])
async def test_refusal_after_streamed_text_raises_with_the_partial_text(fp: FakeProvider, api: str) -> None:
    fp.script("refuses", Reply.text("I started to answer", finish_reason="content_filter"))
    client = FailoverChatCompletionClient(
        [FailoverMember(member(fp, api, "refuses"), name="primary"), fp.anthropic_client("claude-haiku-4-5")]
    )
    received: list[str] = []

    async def consume() -> None:
        async for item in client.create_stream(MESSAGES):
            if isinstance(item, str):
                received.append(item)

    with pytest.raises(ContentFilteredError) as raised:
        await consume()
    await client.close()
    assert raised.value.partial_text == "".join(received) == "I started to answer"
    assert not fp.requests_for("claude-haiku-4-5")  # a refused answer is never continued elsewhere


# --------------------------------------------------------------------------- 5: usage on a bare stream


async def test_bare_failover_stream_from_an_openai_member_reports_usage(fp: FakeProvider) -> None:
    fp.script("gpt-4o", Reply.text("four words of answer", usage=(21, 4)))
    client = FailoverChatCompletionClient([fp.openai_client("gpt-4o"), fp.openai_client("backup")])
    _, result = await collect(client.create_stream(MESSAGES))
    await client.close()
    assert result.usage == RequestUsage(21, 4)
    assert client.total_usage() == RequestUsage(21, 4)
    assert fp.requests[0].body["stream_options"] == {"include_usage": True}


async def test_stream_options_set_by_the_user_are_left_alone(fp: FakeProvider) -> None:
    client = FailoverChatCompletionClient([fp.openai_client("gpt-4o")])
    await collect(client.create_stream(MESSAGES, extra_create_args={"stream_options": {"include_usage": False}}))
    await client.close()
    assert fp.requests[0].body["stream_options"] == {"include_usage": False}


# --------------------------------------------------------------------------- 6: hedging across the chain


@pytest.mark.filterwarnings("ignore::agentkit.pricing.UnpricedModelWarning")
async def test_hedging_races_the_next_eligible_member_after_a_fast_failure(fp: FakeProvider) -> None:
    fp.script("first", Fault.invalid_api_key())
    fp.script("second", Fault.hang())
    fp.script("third", Reply.text("third answers"))
    clock = ManualClock()
    ledger = UsageLedger()
    chain = FailoverChatCompletionClient(
        [fp.openai_client("first"), fp.openai_client("second"), fp.openai_client("third")],
        hedge_after=1,
        attempt_timeout=60,
        clock=clock,
    )
    metered = MeteredChatCompletionClient(chain, ledger=ledger, agent="writer")
    task = asyncio.ensure_future(metered.create(MESSAGES))
    await fp.wait_for_requests(2)  # the 401 came back at once and the second member was started
    assert not fp.requests_for("third")
    await clock.advance(1)  # the second is slow: the third is raced against it
    result = await asyncio.wait_for(task, 20)  # a harness guard: without the race the call never ends
    await metered.close()
    assert result.content == "third answers"
    billed = [r for r in ledger.records if r.billed]
    assert [(r.member, r.model) for r in billed] == [("third", "third")]
    await fp.wait_until(lambda rs: any(r.model == "second" and r.abandoned for r in rs), timeout=10)


# --------------------------------------------------------------------------- 7: who answered, under concurrency


async def test_answered_by_is_right_for_concurrent_calls(fp: FakeProvider) -> None:
    fp.always("flaky", Fault.invalid_api_key())
    healthy = FailoverChatCompletionClient([fp.openai_client("steady"), fp.openai_client("never")])
    failing = FailoverChatCompletionClient([fp.openai_client("flaky"), fp.openai_client("rescue")])

    async def ask(client: FailoverChatCompletionClient, stream: bool) -> AnsweredBy | None:
        await call(client, "create_stream" if stream else "create")
        return answered_by()

    who = await asyncio.gather(*(ask(c, i % 2 == 0) for i in range(8) for c in (healthy, failing)))
    await healthy.close()
    await failing.close()
    members = [w.member if w is not None else None for w in who]
    assert members == ["steady", "rescue"] * 8


# --------------------------------------------------------------------------- 8: seamless stream recovery


@pytest.mark.parametrize("fault", ["cut", "stall", "malformed"])
async def test_broken_stream_continues_on_an_anthropic_member_from_the_partial_answer(
    fp: FakeProvider, fault: str
) -> None:
    breaks: dict[str, Any] = {"cut": {"cut_after": 4}, "stall": {"stall_after": 4}, "malformed": {"malformed_at": 4}}[
        fault
    ]
    fp.script("gpt-4o", Reply.text(ANSWER, usage=(20, 5), **breaks))
    fp.script("claude-haiku-4-5", Reply.text(ANSWER, usage=(30, 8)))
    client = FailoverChatCompletionClient(
        [fp.openai_client("gpt-4o"), fp.anthropic_client("claude-haiku-4-5")], stream_idle_timeout=0.2
    )
    chunks, result = await collect(client.create_stream(MESSAGES))
    await client.close()
    assert "".join(chunks) == ANSWER == result.content  # one coherent answer, nothing twice
    prefills = [r.prefill for r in fp.requests_for("claude-haiku-4-5")]
    assert prefills == ["The capital of France"]  # continued from the partial answer
    assert result.usage.prompt_tokens >= 30  # summed over both attempts
    assert result.usage.completion_tokens > 8
    assert client.total_usage() == result.usage
    assert answered_by() == AnsweredBy("claude-haiku-4-5", "claude-haiku-4-5", "anthropic")


async def test_openai_compatible_member_that_accepts_prefill_continues_the_answer(fp: FakeProvider) -> None:
    fp.accept_prefill("vllm-model")
    fp.script("gpt-4o", Reply.text(ANSWER, cut_after=3))
    fp.script("vllm-model", Reply.text("A different opening: Paris is the capital, on the Seine."))
    client = FailoverChatCompletionClient(
        [fp.openai_client("gpt-4o"), FailoverMember(fp.openai_client("vllm-model"), prefill=True)]
    )
    chunks, result = await collect(client.create_stream(MESSAGES))
    await client.close()
    assert "".join(chunks) == result.content
    assert result.content.startswith("The capital of")
    assert result.content.count("The capital") == 1
    assert fp.requests_for("vllm-model")[0].prefill == "The capital of"


async def test_a_prefill_400_is_not_blamed_on_the_prefill_when_the_restart_fails_too(fp: FakeProvider) -> None:
    fp.script("gpt-4o", Reply.text(ANSWER, cut_after=4), Reply.text(ANSWER, cut_after=4))
    fp.script("claude-haiku-4-5", Fault.status(400), Fault.server_error(503), Reply.text(ANSWER))
    fp.always("gpt-4o-mini", Reply.text(ANSWER))
    rescue = FailoverMember(fp.anthropic_client("claude-haiku-4-5"), max_attempts=1)
    client = FailoverChatCompletionClient([fp.openai_client("gpt-4o"), rescue, fp.openai_client("gpt-4o-mini")])
    chunks, _ = await collect(client.create_stream(MESSAGES))
    assert "".join(chunks) == ANSWER  # the third member restarted it
    chunks, _ = await collect(client.create_stream(MESSAGES))
    await client.close()
    assert "".join(chunks) == ANSWER
    assert fp.requests_for("claude-haiku-4-5")[2].prefill == "The capital of France"  # still sent a prefill


async def test_prefill_create_args_go_with_the_prefilled_request_only(fp: FakeProvider) -> None:
    vllm_flags = {"continue_final_message": True, "add_generation_prompt": False}
    fp.accept_prefill("vllm-model")
    fp.script("gpt-4o", Reply.text(ANSWER, cut_after=3), Fault.invalid_api_key())
    fp.script("vllm-model", Reply.text(ANSWER), Reply.text(ANSWER))
    vllm = FailoverMember(fp.openai_client("vllm-model"), prefill_create_args={"extra_body": vllm_flags})
    client = FailoverChatCompletionClient([fp.openai_client("gpt-4o"), vllm])
    chunks, result = await collect(client.create_stream(MESSAGES))  # recovered: continued with the flags
    assert "".join(chunks) == ANSWER == result.content
    assert (await client.create(MESSAGES)).content == ANSWER  # an ordinary request: no flags
    await client.close()
    continued, ordinary = fp.requests_for("vllm-model")
    assert continued.prefill == "The capital of"
    assert {key: continued.body.get(key) for key in vllm_flags} == vllm_flags
    assert ordinary.prefill is None
    assert not set(vllm_flags) & set(ordinary.body)


def test_prefill_create_args_are_checked_when_the_member_is_built(fp: FakeProvider) -> None:
    from agentkit.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError, match=r"prefill_create_args.*mapping"):
        FailoverMember(fp.openai_client("vllm-model"), prefill_create_args=["continue_final_message"])  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=r"prefill_create_args.*prefill=False"):
        FailoverMember(fp.openai_client("vllm-model"), prefill=False, prefill_create_args={"extra_body": {}})
    assert FailoverMember(fp.openai_client("vllm-model"), prefill_create_args={"extra_body": {}}).prefill is True


async def test_member_without_prefill_restarts_and_sends_only_the_new_text(fp: FakeProvider) -> None:
    fp.script("gpt-4o", Reply.text(ANSWER, cut_after=3))
    fp.script("gpt-4o-mini", Reply.text(ANSWER))
    client = FailoverChatCompletionClient([fp.openai_client("gpt-4o"), fp.openai_client("gpt-4o-mini")])
    chunks, result = await collect(client.create_stream(MESSAGES))
    await client.close()
    assert "".join(chunks) == ANSWER == result.content
    assert fp.requests_for("gpt-4o-mini")[0].prefill is None


async def test_restart_that_diverges_raises_incomplete_without_repeating_text(fp: FakeProvider) -> None:
    fp.script("gpt-4o", Reply.text(ANSWER, cut_after=3))
    fp.script("gpt-4o-mini", Reply.text("Paris."))
    client = FailoverChatCompletionClient([fp.openai_client("gpt-4o"), fp.openai_client("gpt-4o-mini")])
    received: list[str] = []

    async def consume() -> None:
        async for item in client.create_stream(MESSAGES):
            if isinstance(item, str):
                received.append(item)

    with pytest.raises(IncompleteStreamError) as raised:
        await consume()
    await client.close()
    assert "".join(received) == raised.value.partial_text == "The capital of"
    assert len(fp.requests_for("gpt-4o-mini")) == 1


async def test_a_cut_tool_call_is_never_continued_but_made_again_whole(fp: FakeProvider) -> None:
    arguments = {"city": "Paris", "country": "France"}
    call_ = Reply.tool_calls([("lookup", arguments)], content="Let me check.", cut_after=4)  # mid-arguments
    fp.script("gpt-4o", call_)
    fp.script("claude-haiku-4-5", Reply.tool_calls([("lookup", arguments)], content="Let me check."))
    client = FailoverChatCompletionClient([fp.openai_client("gpt-4o"), fp.anthropic_client("claude-haiku-4-5")])
    chunks, result = await collect(client.create_stream(MESSAGES, tools=[TOOL]))
    await client.close()
    assert "".join(chunks) == "Let me check." == result.thought
    assert isinstance(result.content, list)
    (made,) = result.content
    assert json.loads(made.arguments) == arguments  # the whole call from the member that answered
    assert fp.requests_for("claude-haiku-4-5")[0].prefill == "Let me check."


@pytest.mark.parametrize("api", ["anthropic", "openai"])
async def test_a_member_that_rejects_the_prefill_is_restarted_without_one_and_remembers(
    fp: FakeProvider, api: str
) -> None:
    # Claude Sonnet 4.6 / Opus 4.6 and later answer a prefill with HTTP 400 (and so do proxies before them).
    model = "claude-sonnet-4-6"
    fp.reject_prefill(model)
    fp.script("gpt-4o", Reply.text(ANSWER, cut_after=4), Reply.text(ANSWER, cut_after=2))
    fp.script(model, Reply.text(ANSWER), Reply.text(ANSWER))
    rescue = member(fp, api, model)
    client = FailoverChatCompletionClient([fp.openai_client("gpt-4o"), FailoverMember(rescue, prefill=True)])
    with capture_events() as log:
        chunks, result = await collect(client.create_stream(MESSAGES))
    assert "".join(chunks) == ANSWER == result.content  # restarted there, only the new text passed on
    rejected, restarted = fp.requests_for(model)
    assert (rejected.outcome, rejected.body["messages"][-1]["role"]) == ("status 400", "assistant")
    assert (restarted.outcome, restarted.body["messages"][-1]["role"]) == ("ok", "user")
    outcomes = [(e["member"], e["outcome"], e["error_class"]) for e in log.of("agentkit.ModelAttempt")]
    assert outcomes == [
        ("gpt-4o", "failover", "stream_broken"),
        (model, "failover", "bad_request"),  # not "raise": the recovery moved on
        (model, "ok", None),
    ]
    chunks, result = await collect(client.create_stream(MESSAGES))  # the member is not sent a prefill again
    await client.close()
    assert "".join(chunks) == ANSWER == result.content
    assert len(fp.requests_for(model)) == 3
    assert fp.requests_for(model)[2].body["messages"][-1]["role"] == "user"


async def test_a_bad_request_that_is_not_the_prefills_does_not_stop_later_prefills(fp: FakeProvider) -> None:
    fp.script("gpt-4o", Reply.text(ANSWER, cut_after=4), Reply.text(ANSWER, cut_after=4))
    fp.script("claude-haiku-4-5", Fault.status(400), Fault.status(400), Reply.text(ANSWER))
    fp.script("gpt-4o-mini", Reply.text(ANSWER))
    client = FailoverChatCompletionClient(
        [fp.openai_client("gpt-4o"), fp.anthropic_client("claude-haiku-4-5"), fp.openai_client("gpt-4o-mini")]
    )
    chunks, result = await collect(client.create_stream(MESSAGES))
    assert "".join(chunks) == ANSWER == result.content
    assert answered_by() == AnsweredBy("gpt-4o-mini", "gpt-4o-mini", "openai")  # both attempts there failed
    assert [r.outcome for r in fp.requests_for("claude-haiku-4-5")] == ["status 400", "status 400"]
    chunks, result = await collect(client.create_stream(MESSAGES))
    await client.close()
    assert "".join(chunks) == ANSWER == result.content
    assert fp.requests_for("claude-haiku-4-5")[2].prefill == "The capital of France"  # still continued


# --------------------------------------------------------------------------- 10: the fake's Anthropic model_info


async def test_fake_anthropic_client_supports_tools_so_routing_keeps_it(fp: FakeProvider) -> None:
    claude = fp.anthropic_client()
    assert claude.model_info["function_calling"] is True
    fp.script("gpt-4o", Fault.invalid_api_key())
    fp.script("claude-haiku-4-5", Reply.tool_calls([("lookup", {})]))
    client = FailoverChatCompletionClient([fp.openai_client("gpt-4o"), claude])
    result = await client.create(MESSAGES, tools=[TOOL])
    await client.close()
    assert isinstance(result.content, list)
    assert answered_by() == AnsweredBy("claude-haiku-4-5", "claude-haiku-4-5", "anthropic")
