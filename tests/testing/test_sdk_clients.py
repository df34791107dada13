"""The real autogen-ext OpenAI and Anthropic clients against FakeProvider: happy paths and one test per fault."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import anthropic
import httpx
import openai
import pytest
from autogen_core import FunctionCall
from autogen_core.models import ChatCompletionClient, CreateResult, UserMessage
from autogen_core.tools import FunctionTool

from agentkit.testing import FakeProvider, Fault, Reply

from .conftest import ANTHROPIC_MODEL, OPENAI_MODEL, TOOL_MODEL_INFO

MESSAGES = [UserMessage(content="What is the weather in Paris?", source="user")]


def get_weather(city: str) -> str:
    """Weather for a city."""
    return f"sunny in {city}"


WEATHER = FunctionTool(get_weather, description="Weather for a city.")


_OPEN: list[ChatCompletionClient] = []


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    """Close every SDK client a test built, even when the test fails (no 'Event loop is closed' noise)."""
    yield
    while _OPEN:
        await _OPEN.pop().close()


@dataclass(frozen=True)
class Api:
    name: str
    model: str

    def client(self, fp: FakeProvider, **kwargs: Any) -> ChatCompletionClient:
        if self.name == "openai":
            built: ChatCompletionClient = fp.openai_client(self.model, **kwargs)
        else:
            kwargs.setdefault("model_info", TOOL_MODEL_INFO)
            built = fp.anthropic_client(self.model, **kwargs)
        _OPEN.append(built)
        return built


OPENAI = Api("openai", OPENAI_MODEL)
ANTHROPIC = Api("anthropic", ANTHROPIC_MODEL)


@pytest.fixture(params=[OPENAI, ANTHROPIC], ids=["openai", "anthropic"])
def api(request: pytest.FixtureRequest) -> Api:
    param: Api = request.param
    return param


@pytest.fixture
def client(api: Api, fake_provider: FakeProvider) -> ChatCompletionClient:
    return api.client(fake_provider)


async def _collect(client: ChatCompletionClient, **kwargs: Any) -> tuple[list[str], CreateResult]:
    chunks: list[str] = []
    final: CreateResult | None = None
    async for item in client.create_stream(MESSAGES, **kwargs):
        if isinstance(item, str):
            chunks.append(item)
        else:
            final = item
    assert final is not None
    return chunks, final


# --- happy paths -----------------------------------------------------------------------------------------


async def test_create_returns_the_default_reply(
    api: Api, client: ChatCompletionClient, fake_provider: FakeProvider
) -> None:
    result = await client.create(MESSAGES)
    assert result.content == f"Fake answer from {api.model} to: What is the weather in Paris?"
    assert result.finish_reason == "stop"
    # documented formula: prompt = 3 + ceil(len(text) / 4) per message; completion = ceil(len(answer) / 4)
    assert result.usage.prompt_tokens == 3 + (len("What is the weather in Paris?") + 3) // 4
    assert result.usage.completion_tokens == (len(str(result.content)) + 3) // 4
    [record] = fake_provider.requests
    assert (record.api, record.model, record.stream, record.outcome) == (api.name, api.model, False, "ok")


async def test_create_returns_scripted_text_and_usage(
    api: Api, client: ChatCompletionClient, fake_provider: FakeProvider
) -> None:
    fake_provider.script(api.model, Reply.text("Sunny, 21 degrees.", usage=(120, 7)))
    result = await client.create(MESSAGES)
    assert result.content == "Sunny, 21 degrees."
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (120, 7)


async def test_create_stream_yields_word_chunks_then_the_result(
    api: Api, client: ChatCompletionClient, fake_provider: FakeProvider
) -> None:
    fake_provider.script(api.model, Reply.text("It is sunny in Paris.", usage=(30, 6)))
    extra = {"stream_options": {"include_usage": True}} if api.name == "openai" else {}
    chunks, final = await _collect(client, extra_create_args=extra)
    assert chunks == ["It", " is", " sunny", " in", " Paris."]
    assert final.content == "It is sunny in Paris."
    assert (final.usage.prompt_tokens, final.usage.completion_tokens) == (30, 6)
    assert fake_provider.requests[0].stream is True


async def test_openai_stream_without_include_usage_reports_zero_usage(fake_provider: FakeProvider) -> None:
    client = OPENAI.client(fake_provider)
    fake_provider.script(OPENAI_MODEL, Reply.text("hi", usage=(30, 6)))
    _, final = await _collect(client)
    assert (final.usage.prompt_tokens, final.usage.completion_tokens) == (0, 0)  # AutoGen's documented pitfall
    assert "stream_options" not in fake_provider.requests[0].body


async def test_create_returns_tool_calls(api: Api, client: ChatCompletionClient, fake_provider: FakeProvider) -> None:
    fake_provider.script(
        api.model, Reply.tool_calls([("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Rome"})])
    )
    result = await client.create(MESSAGES, tools=[WEATHER])
    assert result.finish_reason == "function_calls"
    assert isinstance(result.content, list)
    assert [(c.name, json.loads(c.arguments)) for c in result.content] == [
        ("get_weather", {"city": "Paris"}),
        ("get_weather", {"city": "Rome"}),
    ]
    assert all(isinstance(c, FunctionCall) and c.id for c in result.content)
    body = fake_provider.requests[0].body
    assert "get_weather" in json.dumps(body["tools"])


async def test_create_stream_assembles_tool_call_deltas(
    api: Api, client: ChatCompletionClient, fake_provider: FakeProvider
) -> None:
    arguments = {"city": "Paris", "unit": "celsius", "detail": "a long value split over several deltas"}
    fake_provider.script(api.model, Reply.tool_calls([("get_weather", arguments)]))
    _, final = await _collect(client, tools=[WEATHER])
    assert final.finish_reason == "function_calls"
    assert isinstance(final.content, list)
    [call] = final.content
    assert call.name == "get_weather"
    assert json.loads(call.arguments) == arguments


async def test_stream_with_slow_first_token_still_completes(
    api: Api, client: ChatCompletionClient, fake_provider: FakeProvider
) -> None:
    fake_provider.script(api.model, Reply.text("late but fine", first_token_delay=0.1))
    chunks, final = await _collect(client)
    assert "".join(chunks) == final.content == "late but fine"


async def test_stream_without_terminator_still_completes(
    api: Api, client: ChatCompletionClient, fake_provider: FakeProvider
) -> None:
    """Neither SDK insists on ``[DONE]`` / ``message_stop``: the stream ends at end of body."""
    fake_provider.script(api.model, Reply.text("no terminator here", omit_done=True))
    _, final = await _collect(client)
    assert final.content == "no terminator here"
    assert fake_provider.requests[0].outcome == "no_terminator"


async def test_content_filter_as_finish_reason(
    api: Api, client: ChatCompletionClient, fake_provider: FakeProvider
) -> None:
    fake_provider.script(api.model, Fault.content_filter(as_finish_reason=True))
    result = await client.create(MESSAGES)
    # OpenAI maps it to AutoGen's "content_filter"; AutoGen's Anthropic client maps stop_reason "refusal" to "unknown".
    assert result.finish_reason == ("content_filter" if api.name == "openai" else "unknown")
    assert result.content == ""


# --- one test per fault per SDK ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    error: type[BaseException]
    status: int | None = None
    code: str | None = None
    text: str | None = None


OPENAI_FAULTS: dict[str, tuple[Fault, Expect]] = {
    "rate_limit": (Fault.rate_limit(retry_after=3), Expect(openai.RateLimitError, 429, "rate_limit_exceeded")),
    "quota_exhausted": (Fault.quota_exhausted(), Expect(openai.RateLimitError, 429, "insufficient_quota")),
    "server_error_500": (Fault.server_error(500), Expect(openai.InternalServerError, 500)),
    "server_error_503": (Fault.server_error(503), Expect(openai.InternalServerError, 503)),
    "overloaded": (Fault.overloaded(), Expect(openai.InternalServerError, 503, text="overloaded")),
    "status_529": (Fault.status(529), Expect(openai.InternalServerError, 529)),
    "status_403": (Fault.status(403), Expect(openai.PermissionDeniedError, 403)),
    "status_409": (Fault.status(409), Expect(openai.ConflictError, 409)),
    "status_422": (Fault.status(422), Expect(openai.UnprocessableEntityError, 422)),
    "context_length_exceeded": (
        Fault.context_length_exceeded(),
        Expect(openai.BadRequestError, 400, "context_length_exceeded"),
    ),
    "content_filter": (Fault.content_filter(), Expect(openai.BadRequestError, 400, "content_filter")),
    "invalid_api_key": (Fault.invalid_api_key(), Expect(openai.AuthenticationError, 401, "invalid_api_key")),
    "model_not_found": (Fault.model_not_found(), Expect(openai.NotFoundError, 404, "model_not_found")),
    "raw_body": (Fault.status(502, body="<html>bad gateway</html>"), Expect(openai.InternalServerError, 502)),
    "connection_reset": (Fault.connection_reset(), Expect(openai.APIConnectionError)),
    "hang": (Fault.hang(), Expect(openai.APITimeoutError)),
}

ANTHROPIC_FAULTS: dict[str, tuple[Fault, Expect]] = {
    "rate_limit": (Fault.rate_limit(retry_after=3), Expect(anthropic.RateLimitError, 429, "rate_limit_error")),
    "quota_exhausted": (
        Fault.quota_exhausted(),
        Expect(anthropic.BadRequestError, 400, "invalid_request_error", "credit balance is too low"),
    ),
    "server_error_500": (Fault.server_error(500), Expect(anthropic.InternalServerError, 500, "api_error")),
    "server_error_503": (Fault.server_error(503), Expect(anthropic.InternalServerError, 503, "api_error")),
    # anthropic 0.125: OverloadedError -> APIStatusError (not InternalServerError); classify by status.
    "overloaded": (Fault.overloaded(), Expect(anthropic.APIStatusError, 529, "overloaded_error")),
    "status_403": (Fault.status(403), Expect(anthropic.PermissionDeniedError, 403, "permission_error")),
    "context_length_exceeded": (
        Fault.context_length_exceeded(),
        Expect(anthropic.BadRequestError, 400, "invalid_request_error", "prompt is too long"),
    ),
    "content_filter": (
        Fault.content_filter(),
        Expect(anthropic.BadRequestError, 400, "invalid_request_error", "content filtering"),
    ),
    "invalid_api_key": (Fault.invalid_api_key(), Expect(anthropic.AuthenticationError, 401, "authentication_error")),
    "model_not_found": (Fault.model_not_found(), Expect(anthropic.NotFoundError, 404, "not_found_error")),
    "raw_body": (Fault.status(502, body="<html>bad gateway</html>"), Expect(anthropic.InternalServerError, 502)),
    "connection_reset": (Fault.connection_reset(), Expect(anthropic.APIConnectionError)),
    "hang": (Fault.hang(), Expect(anthropic.APITimeoutError)),
}


def _check_status_error(error: BaseException, expect: Expect, api: str) -> None:
    assert type(error) is expect.error or isinstance(error, expect.error)
    if expect.status is None:
        assert not hasattr(error, "status_code")
        return
    assert getattr(error, "status_code", None) == expect.status
    if api == "openai":
        assert isinstance(error, openai.APIStatusError)
        if expect.code is not None:
            assert error.code == expect.code
        if expect.code == "context_length_exceeded":
            assert error.param == "messages"
    else:
        assert isinstance(error, anthropic.APIStatusError)
        if expect.code is not None:
            assert isinstance(error.body, dict)
            assert error.body["type"] == "error"
            assert error.body["error"]["type"] == expect.code
    if expect.text is not None:
        assert expect.text in str(error)


async def _fault_case(fp: FakeProvider, api: Api, step: Fault, expect: Expect, *, stream: bool) -> None:
    client = api.client(fp, timeout=0.3)
    fp.script(api.model, step)
    call = _collect(client) if stream else client.create(MESSAGES)
    with pytest.raises(expect.error) as caught:
        await call
    _check_status_error(caught.value, expect, api.name)
    [record] = fp.requests
    assert record.outcome == (f"status {expect.status}" if expect.status is not None else step.kind)


@pytest.mark.parametrize(("step", "expect"), OPENAI_FAULTS.values(), ids=OPENAI_FAULTS.keys())
async def test_openai_fault_raises_sdk_error(fake_provider: FakeProvider, step: Fault, expect: Expect) -> None:
    await _fault_case(fake_provider, OPENAI, step, expect, stream=False)


@pytest.mark.parametrize(("step", "expect"), ANTHROPIC_FAULTS.values(), ids=ANTHROPIC_FAULTS.keys())
async def test_anthropic_fault_raises_sdk_error(fake_provider: FakeProvider, step: Fault, expect: Expect) -> None:
    await _fault_case(fake_provider, ANTHROPIC, step, expect, stream=False)


@pytest.mark.parametrize("name", ["rate_limit", "server_error_503", "overloaded", "connection_reset"])
async def test_faults_surface_in_streams_too(fake_provider: FakeProvider, name: str) -> None:
    for api, table in ((OPENAI, OPENAI_FAULTS), (ANTHROPIC, ANTHROPIC_FAULTS)):
        fake_provider.reset()
        step, expect = table[name]
        await _fault_case(fake_provider, api, step, expect, stream=True)


def test_anthropic_overloaded_is_classified_by_status() -> None:
    """anthropic 0.125's OverloadedError is not an InternalServerError (it is in 2.x): use status_code."""
    overloaded = getattr(anthropic, "OverloadedError", None)
    if overloaded is None:  # pragma: no cover - depends on the installed SDK
        pytest.skip("this anthropic version has no OverloadedError")
    assert issubclass(overloaded, anthropic.APIStatusError)


# --- stream faults: what each SDK raises mid-stream ---------------------------------------------------------

STREAM_FAULTS: dict[str, tuple[Reply, dict[str, type[BaseException]], str]] = {
    "cut": (
        Reply.text("one two three four", cut_after=2),
        {"openai": openai.APIConnectionError, "anthropic": httpx.RemoteProtocolError},
        "cut",
    ),
    "stall": (
        Reply.text("one two three four", stall_after=2),
        {"openai": openai.APITimeoutError, "anthropic": httpx.ReadTimeout},
        "stalled",
    ),
    "malformed": (
        Reply.text("one two three four", malformed_at=2),
        {"openai": json.JSONDecodeError, "anthropic": json.JSONDecodeError},
        "malformed",
    ),
}


@pytest.mark.parametrize("name", STREAM_FAULTS.keys())
async def test_stream_fault_after_two_chunks(api: Api, fake_provider: FakeProvider, name: str) -> None:
    reply, errors, outcome = STREAM_FAULTS[name]
    client = api.client(fake_provider, timeout=0.3)
    fake_provider.script(api.model, reply)
    chunks: list[str] = []

    async def consume() -> None:
        async for item in client.create_stream(MESSAGES):
            assert isinstance(item, str), "no final result may arrive from a broken stream"
            chunks.append(item)

    with pytest.raises(errors[api.name]):
        await consume()
    assert chunks == ["one", " two"]
    assert fake_provider.requests[0].outcome == outcome


# --- Retry-After ---------------------------------------------------------------------------------------------


async def test_retry_after_seconds_reaches_the_sdk_error(api: Api, fake_provider: FakeProvider) -> None:
    client = api.client(fake_provider)
    fake_provider.script(api.model, Fault.rate_limit(retry_after=7))
    with pytest.raises((openai.RateLimitError, anthropic.RateLimitError)) as caught:
        await client.create(MESSAGES)
    error = caught.value
    assert isinstance(error, (openai.APIStatusError, anthropic.APIStatusError))
    assert error.response.headers["retry-after"] == "7"


async def test_retry_after_http_date_reaches_the_sdk_error(api: Api, fake_provider: FakeProvider) -> None:
    when = datetime(2026, 3, 1, 12, 30, 5, tzinfo=timezone.utc)
    client = api.client(fake_provider)
    fake_provider.script(api.model, Fault.rate_limit(retry_after=when))
    with pytest.raises((openai.RateLimitError, anthropic.RateLimitError)) as caught:
        await client.create(MESSAGES)
    error = caught.value
    assert isinstance(error, (openai.APIStatusError, anthropic.APIStatusError))
    header = error.response.headers["retry-after"]
    assert header == "Sun, 01 Mar 2026 12:30:05 GMT"
    assert parsedate_to_datetime(header) == when


async def test_sdk_retry_honours_retry_after_and_is_recorded(fake_provider: FakeProvider) -> None:
    client = OPENAI.client(fake_provider, max_retries=1)
    fake_provider.script(OPENAI_MODEL, Fault.rate_limit(retry_after=0.1), Reply.text("second time lucky"))
    result = await client.create(MESSAGES)
    assert result.content == "second time lucky"
    first, second = fake_provider.requests_for(OPENAI_MODEL)
    assert (first.attempt, first.outcome, second.attempt, second.outcome) == (1, "status 429", 2, "ok")
    assert second.headers["x-stainless-retry-count"] == "1"
    assert second.arrived_at - first.arrived_at >= 0.09  # the SDK waited for Retry-After (lower bound only)


# --- usage details on the wire --------------------------------------------------------------------------------


async def test_openai_usage_carries_cached_and_reasoning_tokens(fake_provider: FakeProvider) -> None:
    sdk = openai.AsyncOpenAI(base_url=fake_provider.openai_base_url, api_key="sk-test-key-123456", max_retries=0)
    fake_provider.script("o3-mini", Reply.text("ok", usage=(1000, 300), cached_tokens=800, reasoning_tokens=250))
    response = await sdk.chat.completions.create(model="o3-mini", messages=[{"role": "user", "content": "hi"}])
    usage = response.usage
    assert usage is not None
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (1000, 300, 1300)
    assert usage.prompt_tokens_details is not None
    assert usage.prompt_tokens_details.cached_tokens == 800
    assert usage.completion_tokens_details is not None
    assert usage.completion_tokens_details.reasoning_tokens == 250
    await sdk.close()


async def test_openai_stream_usage_chunk_carries_cached_tokens(fake_provider: FakeProvider) -> None:
    sdk = openai.AsyncOpenAI(base_url=fake_provider.openai_base_url, api_key="sk-test-key-123456", max_retries=0)
    fake_provider.script("gpt-4o", Reply.text("a b", usage=(50, 2), cached_tokens=40))
    stream = await sdk.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "hi"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = [chunk async for chunk in stream]
    assert chunks[-1].choices == []
    usage = chunks[-1].usage
    assert usage is not None
    assert usage.prompt_tokens_details is not None
    assert (usage.prompt_tokens, usage.prompt_tokens_details.cached_tokens) == (50, 40)
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    await sdk.close()


async def test_anthropic_usage_reports_cache_reads_apart(fake_provider: FakeProvider) -> None:
    sdk = anthropic.AsyncAnthropic(
        base_url=fake_provider.anthropic_base_url, api_key="sk-ant-test-123456", max_retries=0
    )
    step = Reply.text("ok", usage=(1000, 30), cached_tokens=800)
    fake_provider.script(ANTHROPIC_MODEL, step, step)
    message = await sdk.messages.create(
        model=ANTHROPIC_MODEL, max_tokens=100, messages=[{"role": "user", "content": "hi"}]
    )
    assert message.usage.input_tokens == 200
    assert message.usage.cache_read_input_tokens == 800
    assert message.usage.output_tokens == 30
    async with sdk.messages.stream(
        model=ANTHROPIC_MODEL, max_tokens=100, messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        final = await stream.get_final_message()
    assert final.usage.output_tokens == 30
    assert final.usage.cache_read_input_tokens == 800
    await sdk.close()


async def test_anthropic_client_reports_uncached_input_only(fake_provider: FakeProvider) -> None:
    client = ANTHROPIC.client(fake_provider)
    fake_provider.script(ANTHROPIC_MODEL, Reply.text("ok", usage=(1000, 30), cached_tokens=800))
    result = await client.create(MESSAGES)
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (200, 30)  # AutoGen drops cache reads
