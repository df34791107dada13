"""FakeProvider itself: lifecycle, scripting, recording, redaction, determinism, clean shutdown."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from typing import Any

import openai
import pytest
from autogen_core.models import AssistantMessage, LLMMessage, UserMessage

from agentkit.exceptions import ConfigurationError
from agentkit.testing import FAKE_OPENAI_KEY, FakeProvider, Fault, Reply

MESSAGES = [UserMessage(content="hello", source="user")]
SECRET = "sk-live-should-never-be-stored-0123456789"


def _provider_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "agentkit-fake-provider"]


def _raw_post(fp: FakeProvider, path: str, body: Any, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    payload = json.dumps(body).encode()
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    request = (
        f"POST {path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {len(payload)}\r\n"
        f"connection: close\r\n{extra}\r\n"
    ).encode() + payload
    with socket.create_connection(("127.0.0.1", fp.port), timeout=5) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), rest


def test_sync_context_manager_serves_plain_sync_sdk_code() -> None:
    with FakeProvider() as fp:
        assert fp.url.startswith("http://127.0.0.1:")
        assert fp.openai_base_url == fp.url + "/v1"
        assert fp.anthropic_base_url == fp.url
        fp.script("gpt-4o", Reply.text("from sync code"))
        sdk = openai.OpenAI(base_url=fp.openai_base_url, api_key=SECRET, max_retries=0)
        response = sdk.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
        sdk.close()
        assert response.choices[0].message.content == "from sync code"
        assert response.model == "gpt-4o-2024-08-06"  # aliases are served under their dated name, like the real API
    assert not fp.running
    assert not _provider_threads()


async def test_async_context_manager_and_stop_is_idempotent() -> None:
    async with FakeProvider() as fp:
        client = fp.openai_client("gpt-4o-mini")
        assert (await client.create(MESSAGES)).content == "Fake answer from gpt-4o-mini to: hello"
        await client.close()
    fp.stop()
    assert not _provider_threads()
    with pytest.raises(RuntimeError, match="not running"):
        _ = fp.url


def test_fixture_provides_a_running_provider(fake_provider: FakeProvider) -> None:
    assert fake_provider.running
    status, body = _raw_post(fake_provider, "/v1/chat/completions", {"model": "m", "messages": []})
    assert status == 200
    assert json.loads(body)["choices"][0]["message"]["content"] == "Fake answer from m."


def test_unknown_route_and_bad_body_are_answered_not_crashed(fake_provider: FakeProvider) -> None:
    assert _raw_post(fake_provider, "/v1/embeddings", {"model": "m"})[0] == 404
    assert _raw_post(fake_provider, "/v1/chat/completions", ["not", "an", "object"])[0] == 400
    assert fake_provider.requests == []


def test_start_fails_cleanly_when_the_port_is_taken() -> None:
    with FakeProvider() as first:
        second = FakeProvider(port=first.port)
        with pytest.raises(OSError, match=r"(?i)in use"):
            second.start()
        assert not second.running
    assert not _provider_threads()


def test_bad_configuration_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="port"):
        FakeProvider(port=70000)
    with FakeProvider() as fp, pytest.raises(ConfigurationError, match="Reply or a Fault"):
        fp.script("gpt-4o", "hello")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="400-599"):
        Fault.status(200)
    with pytest.raises(ConfigurationError, match="usage"):
        Reply.text("x", usage=(1, -1))
    with pytest.raises(ConfigurationError, match="first_token_delay"):
        Reply.text("x", first_token_delay=-1)
    with pytest.raises(ConfigurationError, match="calls"):
        Reply.tool_calls([])


async def test_steps_are_consumed_per_model_in_order_then_always_then_default(fake_provider: FakeProvider) -> None:
    fp = fake_provider
    fp.script("a", Reply.text("a1"), Reply.text("a2"))
    fp.always("a", Reply.text("a-always"))
    fp.script("*", Reply.text("any-1"))
    assert fp.pending("a") == 2
    client_a = fp.openai_client("a")
    client_b = fp.openai_client("b")
    answers = [(await client_a.create(MESSAGES)).content for _ in range(4)]
    assert answers == ["a1", "a2", "a-always", "a-always"]
    assert (await client_b.create(MESSAGES)).content == "any-1"
    assert (await client_b.create(MESSAGES)).content == "Fake answer from b to: hello"
    assert [r.attempt for r in fp.requests_for("a")] == [1, 2, 3, 4]
    assert [r.attempt for r in fp.requests_for("b")] == [1, 2]
    assert fp.requests_for("a")[0].step == Reply.text("a1")
    assert fp.requests_for("b")[1].step is None
    fp.reset()
    assert fp.requests == []
    assert fp.pending("a") == 0
    assert (await client_a.create(MESSAGES)).content == "Fake answer from a to: hello"
    await client_a.close()
    await client_b.close()


async def test_requests_are_recorded_with_secrets_redacted(fake_provider: FakeProvider) -> None:
    client = fake_provider.openai_client("gpt-4o", api_key=SECRET)
    fake_provider.script("gpt-4o", Fault.server_error(503))
    with pytest.raises(openai.InternalServerError):
        await client.create(MESSAGES)
    await client.create(MESSAGES, extra_create_args={"temperature": 0.5})
    await client.close()
    first, second = fake_provider.requests
    assert (first.api, first.model, first.path, first.stream) == ("openai", "gpt-4o", "/v1/chat/completions", False)
    assert (first.outcome, second.outcome) == ("status 503", "ok")
    assert first.arrived_at <= second.arrived_at
    assert second.finished_at is not None
    assert second.finished_at >= second.arrived_at
    assert second.body["temperature"] == 0.5
    assert second.body["messages"][-1]["content"] == "hello"
    assert first.headers["authorization"] == "**********"
    assert first.headers["content-type"] == "application/json"
    assert SECRET not in repr(fake_provider.requests)
    assert SECRET not in repr(fake_provider)


def test_anthropic_key_header_is_redacted(fake_provider: FakeProvider) -> None:
    status, _ = _raw_post(
        fake_provider,
        "/v1/messages",
        {"model": "claude-haiku-4-5", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]},
        {"x-api-key": SECRET, "x-my-token": "tok-123", "anthropic-version": "2023-06-01"},
    )
    assert status == 200
    [record] = fake_provider.requests
    assert record.api == "anthropic"
    assert record.headers["x-api-key"] == "**********"
    assert record.headers["x-my-token"] == "**********"
    assert record.headers["anthropic-version"] == "2023-06-01"


def test_default_reply_is_deterministic_across_providers() -> None:
    body = {
        "model": "gpt-4o-mini",
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Summarise agentkit."}],
    }
    answers = []
    for _ in range(2):
        with FakeProvider() as fp:
            answers.append(json.loads(_raw_post(fp, "/v1/chat/completions", body)[1]))
    assert answers[0] == answers[1]
    usage = answers[0]["usage"]
    assert usage["prompt_tokens"] == (3 + (9 + 3) // 4) + (3 + (19 + 3) // 4)
    content = answers[0]["choices"][0]["message"]["content"]
    assert content == "Fake answer from gpt-4o-mini to: Summarise agentkit."
    assert usage["completion_tokens"] == (len(content) + 3) // 4


async def test_wait_for_requests_and_stop_release_a_hung_request() -> None:
    threads_before = len(_provider_threads())
    fp = FakeProvider().start()
    client = fp.openai_client("gpt-4o")
    fp.always("gpt-4o", Fault.hang())
    call = asyncio.ensure_future(client.create(MESSAGES))
    [record] = await fp.wait_for_requests(1)
    assert record.outcome == "hang"
    assert not call.done()
    fp.stop()  # must release the hung request: the client sees the connection close
    with pytest.raises(openai.APIConnectionError):
        await asyncio.wait_for(call, 5)
    assert len(_provider_threads()) == threads_before
    assert fp._tasks == set()  # every connection task ended
    assert record.outcome == "hang"
    assert record.finished_at is not None
    await client.close()


async def test_stop_releases_a_stalled_stream() -> None:
    fp = FakeProvider().start()
    client = fp.openai_client("gpt-4o")
    fp.script("gpt-4o", Reply.text("one two three", stall_after=1))
    stream = client.create_stream(MESSAGES)
    assert await stream.__anext__() == "one"
    assert fp.requests[0].outcome == "stalled"
    fp.stop()
    with pytest.raises(openai.APIConnectionError):
        await asyncio.wait_for(stream.__anext__(), 5)
    assert not _provider_threads()
    await client.close()


async def test_wait_for_requests_times_out(fake_provider: FakeProvider) -> None:
    with pytest.raises(TimeoutError, match="expected 1 request"):
        await fake_provider.wait_for_requests(1, timeout=0.05)


async def test_keep_alive_reuses_one_connection(fake_provider: FakeProvider) -> None:
    client = fake_provider.openai_client("gpt-4o")
    for _ in range(3):
        await client.create(MESSAGES)
    await client.close()
    assert len(fake_provider.requests) == 3
    assert fake_provider.connections == 1


def test_chunked_request_bodies_are_read(fake_provider: FakeProvider) -> None:
    payload = json.dumps({"model": "chunky", "messages": [{"role": "user", "content": "hi"}]}).encode()
    body = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (10, payload[:10], len(payload) - 10, payload[10:])
    request = (
        b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n"
        b"connection: close\r\n\r\n" + body
    )
    with socket.create_connection(("127.0.0.1", fake_provider.port), timeout=5) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 200 OK")
    assert b"Fake answer from chunky to: hi" in data
    assert fake_provider.requests[0].body["model"] == "chunky"


def test_fake_keys_look_fake() -> None:
    assert FAKE_OPENAI_KEY.startswith("sk-fake")


def test_retry_after_header_values() -> None:
    assert Fault.rate_limit(retry_after=2).retry_after_header() == "2"
    assert Fault.rate_limit(retry_after=1.5).retry_after_header() == "1.5"
    assert Fault.rate_limit().retry_after_header() is None


# --------------------------------------------------------------------------- prefill and abandoned requests


def test_continuation_takes_the_rest_or_picks_up_after_as_many_words() -> None:
    from agentkit.testing._wire_common import continuation

    assert continuation("The capital of France is Paris.", "The capital of ") == " France is Paris."
    assert continuation("Paris is the capital of France.", "The capital of") == " capital of France."
    assert continuation("short", "a much longer prefill than the answer") == ""


def test_openai_wire_continues_a_prefill_only_for_models_that_accept_it() -> None:
    body = {
        "model": "vllm-model",
        "messages": [
            {"role": "user", "content": "Capital of France?"},
            {"role": "assistant", "content": "The capital"},
        ],
    }
    with FakeProvider() as fp:
        fp.always("vllm-model", Reply.text("The capital of France is Paris."))
        _, plain = _raw_post(fp, "/v1/chat/completions", body)
        fp.accept_prefill("vllm-model")
        _, continued = _raw_post(fp, "/v1/chat/completions", body)
        records = fp.requests
    assert json.loads(plain)["choices"][0]["message"]["content"] == "The capital of France is Paris."
    assert json.loads(continued)["choices"][0]["message"]["content"] == " of France is Paris."
    assert [r.prefill for r in records] == [None, "The capital"]


def test_anthropic_wire_always_continues_a_trailing_assistant_message() -> None:
    body = {
        "model": "claude-haiku-4-5",
        "max_tokens": 100,
        "messages": [
            {"role": "user", "content": "Capital of France?"},
            {"role": "assistant", "content": [{"type": "text", "text": "The capital"}]},
        ],
    }
    with FakeProvider() as fp:
        fp.always("claude-haiku-4-5", Reply.text("The capital of France is Paris."))
        _, answer = _raw_post(fp, "/v1/messages", body)
    assert json.loads(answer)["content"][0]["text"] == " of France is Paris."


async def test_a_model_that_rejects_prefill_answers_400_and_keeps_its_script() -> None:
    from anthropic import BadRequestError

    prefilled: list[LLMMessage] = [*MESSAGES, AssistantMessage(content="The capital", source="assistant")]
    async with FakeProvider() as fp:
        fp.reject_prefill("claude-sonnet-4-6")
        fp.script("claude-sonnet-4-6", Reply.text("Paris."))
        client = fp.anthropic_client("claude-sonnet-4-6")
        with pytest.raises(BadRequestError, match="does not support assistant message prefill"):
            await client.create(prefilled)
        assert fp.pending("claude-sonnet-4-6") == 1  # the rejected request consumed no step
        answer = await client.create(MESSAGES)
        await client.close()
        records = fp.requests
    assert answer.content == "Paris."
    assert [r.outcome for r in records] == ["status 400", "ok"]
    assert [r.prefill for r in records] == [None, None]


def test_an_anthropic_prefill_ending_in_whitespace_is_refused_like_the_real_api() -> None:
    body = {
        "model": "claude-haiku-4-5",
        "max_tokens": 64,
        "messages": [
            {"role": "user", "content": "Capital of France?"},
            {"role": "assistant", "content": [{"type": "text", "text": "The capital "}]},
        ],
    }
    with FakeProvider() as fp:
        fp.script("claude-haiku-4-5", Reply.text("The capital of France is Paris."))
        status, answer = _raw_post(fp, "/v1/messages", body)
        pending = fp.pending("claude-haiku-4-5")
    assert status == 400
    assert json.loads(answer)["error"]["message"] == (
        "messages: final assistant content cannot end with trailing whitespace"
    )
    assert pending == 1  # the refused request consumed no step


async def test_a_hung_request_the_client_gives_up_on_is_recorded_as_abandoned() -> None:
    async with FakeProvider() as fp:
        fp.always("silent", Fault.hang())
        client = fp.openai_client("silent")
        task = asyncio.ensure_future(client.create(MESSAGES))
        (record,) = await fp.wait_for_requests(1)
        assert not record.abandoned
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await client.close()
        (record,) = await fp.wait_until(lambda requests: requests[0].abandoned)
    assert record.outcome == "hang"
    assert record.abandoned_at is not None
    assert record.abandoned_at >= record.arrived_at
