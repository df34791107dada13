"""Stream recovery at the edges: whitespace at the break, reasoning, cancellation, refusals, usage.

Real ``OpenAIChatCompletionClient`` / ``AnthropicChatCompletionClient`` members over HTTP against ``FakeProvider``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import openai
import pytest
import pytest_asyncio
from autogen_core import CancellationToken
from autogen_core.models import ChatCompletionClient, CreateResult, UserMessage

from agentkit.exceptions import ContentFilteredError
from agentkit.models import FailoverChatCompletionClient, FailoverMember
from agentkit.testing import FakeProvider, Fault, Reply

MESSAGES = [UserMessage(content="Write it.", source="user")]
_LINES = re.compile(r"[^\n]*\n|[^\n]+")


@pytest_asyncio.fixture
async def fp() -> AsyncIterator[FakeProvider]:
    async with FakeProvider() as provider:
        yield provider


async def collect(client: ChatCompletionClient, **kwargs: Any) -> tuple[list[str], CreateResult]:
    chunks: list[str] = []
    async for item in client.create_stream(MESSAGES, **kwargs):
        if isinstance(item, CreateResult):
            return chunks, item
        chunks.append(item)
    raise AssertionError("the stream ended without a result")


@pytest.mark.parametrize(
    "text", ["def area(r):\n    return 3.14 * r * r\n", "One.\n\nTwo.", "Steps:\n\n  - one\n  - two"]
)
@pytest.mark.parametrize("backup", ["anthropic", "openai-prefill", "openai-restart"])
async def test_whitespace_at_the_break_survives_a_continuation(
    fp: FakeProvider, monkeypatch: pytest.MonkeyPatch, text: str, backup: str
) -> None:
    """The delivered text ends in a newline; the continuation repeats it and goes on with an indent."""
    from agentkit.testing import _wire_anthropic, _wire_openai

    for wire in (_wire_openai, _wire_anthropic):  # one chunk per line, newline kept: "):\n", "    return"
        monkeypatch.setattr(wire, "split_text", _LINES.findall)
    fp.accept_prefill("gpt-backup")
    fp.script("gpt-primary", Reply.text(text, cut_after=1))
    model = "claude-haiku-4-5" if backup == "anthropic" else "gpt-backup"
    fp.script(model, Reply.text(text))
    second = fp.anthropic_client(model) if backup == "anthropic" else fp.openai_client(model)
    member = FailoverMember(second, prefill=True) if backup == "openai-prefill" else second
    client = FailoverChatCompletionClient([fp.openai_client("gpt-primary"), member], max_attempts=1)
    try:
        chunks, result = await collect(client)
    finally:
        await client.close()
    assert "".join(chunks) == text
    assert result.content == text


R1_INFO: dict[str, Any] = {
    "vision": False,
    "function_calling": True,
    "json_output": True,
    "family": "r1",
    "structured_output": False,
}
THINKING = "<think>The user asks for the capital. It is Paris.</think>The capital of France is Paris."


@pytest.mark.parametrize("cut", [3, 11], ids=["in-the-thought", "in-the-answer"])
@pytest.mark.parametrize("backup", ["anthropic", "openai"])
async def test_a_recovered_answer_keeps_its_reasoning_out_of_the_content(
    fp: FakeProvider, cut: int, backup: str
) -> None:
    fp.script("r1-primary", Reply.text(THINKING, cut_after=cut))
    model = "claude-haiku-4-5" if backup == "anthropic" else "r1-backup"
    fp.script(model, Reply.text(THINKING))
    second = fp.anthropic_client(model) if backup == "anthropic" else fp.openai_client(model, model_info=R1_INFO)
    client = FailoverChatCompletionClient([fp.openai_client("r1-primary", model_info=R1_INFO), second])
    try:
        _, result = await collect(client)
    finally:
        await client.close()
    assert (result.content, result.thought) == (
        "The capital of France is Paris.",
        "The user asks for the capital. It is Paris.",
    )
    prefilled = [r for r in fp.requests_for(model) if r.body["messages"][-1]["role"] == "assistant"]
    assert not prefilled  # reasoning is never sent back as visible text


@pytest.mark.parametrize("recovering", [False, True], ids=["first-member", "recovering"])
async def test_a_cancelled_token_stops_an_anthropic_stream_between_chunks(fp: FakeProvider, recovering: bool) -> None:
    """AutoGen's Anthropic client links only the request to the token; the failover client checks chunks."""
    text = "one two three four five six seven eight nine ten"
    if recovering:
        fp.script("gpt-primary", Reply.text(text, cut_after=1))
    fp.always("claude-haiku-4-5", Reply.text(text))
    members: list[ChatCompletionClient] = [fp.anthropic_client("claude-haiku-4-5")]
    if recovering:
        members.insert(0, fp.openai_client("gpt-primary"))
    client = FailoverChatCompletionClient(members, max_attempts=1)
    token = CancellationToken()
    received: list[str] = []

    async def consume() -> None:
        async for item in client.create_stream(MESSAGES, cancellation_token=token):
            assert isinstance(item, str)
            received.append(item)
            if len(received) == 2:
                token.cancel()

    try:
        with pytest.raises(asyncio.CancelledError):
            await consume()
    finally:
        await client.close()
    assert len(received) == 2


@pytest.mark.filterwarnings("ignore:No text content or tool calls are available")  # autogen-ext, empty answer
@pytest.mark.parametrize(
    ("refusal", "raised"),
    [
        (Fault.content_filter(as_finish_reason=True), ContentFilteredError),
        (Fault.content_filter(), openai.BadRequestError),
    ],
    ids=["finish_reason", "http-400"],
)
async def test_a_refusal_by_the_recovering_member_is_raised(
    fp: FakeProvider, refusal: Fault, raised: type[Exception]
) -> None:
    """The default policy raises refusals: a recovering member's is no reason to fail over silently."""
    fp.script("gpt-primary", Reply.text("one two three four", cut_after=2))
    fp.script("gpt-second", refusal)
    fp.always("gpt-third", Reply.text("one two three four"))
    members = [fp.openai_client(m) for m in ("gpt-primary", "gpt-second", "gpt-third")]
    client = FailoverChatCompletionClient(members, max_attempts=1)
    try:
        with pytest.raises(raised):
            await collect(client)
    finally:
        await client.close()
    assert not fp.requests_for("gpt-third")


async def test_an_attempt_that_ended_without_a_finish_reason_counts_at_least_its_text() -> None:
    """AutoGen's OpenAI client reports 0/0 for a stream that closed without its usage chunk."""
    from autogen_core.models import RequestUsage

    from agentkit.exceptions import IncompleteStreamError

    from .test_failover_core import OddStream

    class SilentClose(OddStream):
        async def create_stream(self, messages: Any, **kwargs: Any) -> AsyncIterator[Any]:  # type: ignore[override]
            for item in self.items:
                yield item
            usage = RequestUsage(prompt_tokens=0, completion_tokens=0)
            yield CreateResult(finish_reason="unknown", content="".join(self.items), usage=usage, cached=False)

    words = [f"word{i} " for i in range(12)]
    client = FailoverChatCompletionClient([SilentClose(words)])
    with pytest.raises(IncompleteStreamError) as raised:
        await collect(client)
    usage = raised.value.usage
    assert usage is not None
    assert usage.prompt_tokens > 0
    assert usage.completion_tokens >= len("".join(words)) // 4


async def test_streamed_thinking_is_never_prefilled_and_stays_out_of_the_content() -> None:
    """Anthropic's extended thinking reaches the caller as plain text chunks before the answer's text."""
    from autogen_core.models import LLMMessage, RequestUsage

    from .test_failover_core import OddStream

    thought, answer_text = "Let me think it through. ", "The answer is 4."
    seen: list[list[LLMMessage]] = []

    class Thinking(OddStream):
        async def create_stream(self, messages: Any, **kwargs: Any) -> AsyncIterator[Any]:  # type: ignore[override]
            seen.append(list(messages))
            yield thought
            if self.finish == "cut":
                raise ConnectionError("connection reset")
            yield answer_text
            usage = RequestUsage(prompt_tokens=5, completion_tokens=9)
            yield CreateResult(finish_reason="stop", content=answer_text, thought=thought, usage=usage, cached=False)

    client = FailoverChatCompletionClient(
        [Thinking([], finish="cut"), FailoverMember(Thinking([]), prefill=True)], max_attempts=1
    )
    chunks, result = await collect(client, extra_create_args={"thinking": {"type": "enabled", "budget_tokens": 1024}})
    assert "".join(chunks) == thought + answer_text
    assert (result.content, result.thought) == (answer_text, thought)
    assert seen[1] == seen[0]  # restarted with the same messages: no prefill


@pytest.mark.parametrize("backup", ["anthropic", "openai"])
async def test_a_break_after_only_whitespace_is_recovered(fp: FakeProvider, backup: str) -> None:
    from .test_failover_core import OddStream

    class Blank(OddStream):
        async def create_stream(self, messages: Any, **kwargs: Any) -> AsyncIterator[Any]:  # type: ignore[override]
            yield "\n\n"
            raise ConnectionError("connection reset")

    model = "claude-haiku-4-5" if backup == "anthropic" else "gpt-backup"
    fp.always(model, Reply.text("Hello there."))
    second = fp.anthropic_client(model) if backup == "anthropic" else fp.openai_client(model)
    client = FailoverChatCompletionClient([Blank([]), second], max_attempts=1)
    try:
        chunks, result = await collect(client)
    finally:
        await client.close()
    assert "".join(chunks) == result.content == "\n\nHello there."


async def test_an_answer_that_mentions_think_tags_is_kept_whole(fp: FakeProvider) -> None:
    text = "R1 models wrap their reasoning in <think>...</think> tags and then give the final answer."
    fp.script("gpt-4o", Reply.text(text, cut_after=3))
    fp.script("gpt-4o-mini", Reply.text(text))
    client = FailoverChatCompletionClient([fp.openai_client("gpt-4o"), fp.openai_client("gpt-4o-mini")])
    try:
        chunks, result = await collect(client)
    finally:
        await client.close()
    assert "".join(chunks) == result.content == text
    assert result.thought is None
