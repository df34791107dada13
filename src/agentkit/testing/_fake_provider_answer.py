"""How the fake provider answers a request: route it, record it, and play its scripted step over the wire.

A :class:`~agentkit.testing.Fault` becomes an error status (in the provider's own error JSON), a reset or a
hang; a :class:`~agentkit.testing.Reply` becomes a JSON body or an SSE stream, optionally delayed, cut,
stalled or malformed. The wire formats themselves are :mod:`._wire_openai` and :mod:`._wire_anthropic`.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import time
from dataclasses import replace
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .._utils import REDACTED, looks_secret
from . import _wire_anthropic, _wire_openai
from ._fake_provider_http import FakeProviderHttp, http_chunk
from ._fake_provider_record import Api, RecordedRequest
from ._steps import Fault, Reply, Step
from ._token_estimate import estimate_tokens
from ._wire_common import Rendered, continuation, default_content, last_user_text, message_tokens

__all__ = ("FakeProviderAnswering",)

_SECRET_HEADERS = frozenset({"authorization", "x-api-key", "api-key", "proxy-authorization", "cookie"})


class FakeProviderAnswering(FakeProviderHttp):
    """Answering methods of :class:`~agentkit.testing.FakeProvider` (its state is the provider's own)."""

    _prefill_models: set[str]

    if TYPE_CHECKING:

        def _next_step(
            self, model: str, prefilled: bool = False, invalid: Fault | None = None
        ) -> tuple[int, int, Step | None]:
            """``(sequence number, attempt for the model, step or None for the default reply)``.

            A ``prefilled`` request (one ending with an assistant message) for a model that rejects a
            prefill gets :meth:`Fault.prefill_rejected`, and an ``invalid`` request that fault; neither
            consumes the model's script.
            """

        def _record(self, record: RecordedRequest) -> None:
            """Add a request to the records (and wake who waits for it)."""

        def _changed(self) -> None:
            """A record changed: wake who waits for a condition on the records."""

    async def _dispatch(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        raw: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        """Route, record and answer one request; ``False`` ends the connection."""
        route = path.split("?", 1)[0]
        wire: ModuleType
        api: Api
        if route.endswith("/chat/completions"):
            wire, api = _wire_openai, "openai"
        elif route.endswith("/v1/messages"):
            wire, api = _wire_anthropic, "anthropic"
        else:
            await self._write_simple(
                writer, 404, b'{"error":{"message":"FakeProvider: unknown route","type":"invalid_request_error"}}'
            )
            return True
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = None
        if method != "POST" or not isinstance(body, dict):
            await self._write_simple(
                writer,
                400,
                b'{"error":{"message":"FakeProvider: expected a JSON POST","type":"invalid_request_error"}}',
            )
            return True
        model = str(body.get("model", ""))
        stream = bool(body.get("stream"))
        prefill = wire.prefill_text(body)
        # Anthropic's API refuses a prefill that ends in whitespace (a 400), whatever the model would answer.
        invalid = Fault("prefill_whitespace", 400) if api == "anthropic" and prefill and prefill[-1].isspace() else None
        seq, attempt, step = self._next_step(model, prefill is not None, invalid)
        record = RecordedRequest(
            model=model,
            api=api,
            path=route,
            arrived_at=time.monotonic(),
            headers={k: (REDACTED if k in _SECRET_HEADERS or looks_secret(k) else v) for k, v in headers.items()},
            body=body,
            stream=stream,
            attempt=attempt,
            step=step,
        )
        if isinstance(step, Fault) and step.kind == "hang" and not step.delay:
            record.outcome = "hang"  # known before anyone waiting for the record can look at it
        self._record(record)
        try:
            keep = await self._answer(wire, api, body, model, stream, seq, step, record, writer, reader)
        except ConnectionError:
            if record.outcome == "pending":
                record.outcome = "client_disconnected"
            keep = False
        except asyncio.CancelledError:
            if record.outcome == "pending":
                record.outcome = "client_disconnected"
            raise
        finally:
            if record.finished_at is None:
                record.finished_at = time.monotonic()
            self._changed()
        return keep

    async def _answer(
        self,
        wire: ModuleType,
        api: Api,
        body: dict[str, Any],
        model: str,
        stream: bool,
        seq: int,
        step: Step | None,
        record: RecordedRequest,
        writer: asyncio.StreamWriter,
        reader: asyncio.StreamReader,
    ) -> bool:
        request_id = b"request-id" if api == "anthropic" else b"x-request-id"
        id_header = request_id + b": req_fake%d\r\n" % seq
        if isinstance(step, Fault):
            if step.delay and not await self._hold(reader, record, step.delay):
                return False
            if step.kind == "hang":
                record.outcome = "hang"
                await self._hold(reader, record, None)
                return False
            if step.kind == "connection_reset":
                record.outcome = "connection_reset"
                sock = writer.get_extra_info("socket")
                if sock is not None:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                writer.transport.abort()
                return False
            if step.kind == "content_filter" and step.as_finish_reason:
                step = Reply(content="", finish_reason="content_filter")
            else:
                if step.body is None:
                    status, payload = wire.error_response(step, model)
                else:
                    status = step.http_status or 500
                    payload = (
                        step.body
                        if isinstance(step.body, bytes)
                        else step.body.encode()
                        if isinstance(step.body, str)
                        else json.dumps(step.body).encode()
                    )
                extra = id_header + b"".join(b"%s: %s\r\n" % (k.encode(), v.encode()) for k, v in step.headers)
                _finish(record, f"status {status}")
                await self._write_simple(writer, status, payload, extra=extra)
                return True
        reply = step if isinstance(step, Reply) else None
        if reply is None:
            reply = Reply(content=default_content(model, last_user_text(body)))
        if api == "anthropic" or model in self._prefill_models or "*" in self._prefill_models:
            prefill = wire.prefill_text(body)
            if prefill is not None:
                record.prefill = prefill
                reply = replace(reply, content=continuation(reply.content, prefill))
        if reply.usage is not None:
            prompt, completion = reply.usage
        else:
            messages, tools = wire.prompt_messages(body)
            prompt = message_tokens(messages, tools)
            completion = estimate_tokens(reply.content) + sum(estimate_tokens(n + a) for n, a in reply.calls)
        served = _served_openai_model(model) if api == "openai" else model
        if not stream:
            if reply.first_token_delay and not await self._hold(reader, record, reply.first_token_delay):
                return False
            payload = wire.json_body(reply, served, seq, prompt, completion)
            _finish(record, "content_filter" if reply.finish_reason == "content_filter" else "ok")
            await self._write_simple(writer, 200, payload, extra=id_header)
            return True
        options = body.get("stream_options")
        include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
        rendered: Rendered = wire.stream_frames(reply, served, seq, prompt, completion, include_usage)
        return await self._stream(writer, reader, reply, rendered, record, id_header)

    async def _hold(self, reader: asyncio.StreamReader, record: RecordedRequest, seconds: float | None) -> bool:
        """Hold the answer back for ``seconds`` (``None``: until the provider stops); ``False`` if abandoned.

        The client abandoning the request (closing the connection) is noticed at once and recorded.
        """
        assert self._stopping is not None
        gone = asyncio.ensure_future(reader.read(1))
        waits: set[asyncio.Future[Any]] = {gone}
        if seconds is None:
            waits.add(asyncio.ensure_future(self._stopping.wait()))
        else:
            waits.add(asyncio.ensure_future(asyncio.sleep(seconds)))
        try:
            done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()
            await asyncio.gather(*waits, return_exceptions=True)
        if gone in done and not self._stopping.is_set():
            record.abandoned_at = time.monotonic()
            if record.outcome == "pending":
                record.outcome = "client_disconnected"
            self._changed()
            return False
        return seconds is not None

    async def _stream(
        self,
        writer: asyncio.StreamWriter,
        reader: asyncio.StreamReader,
        reply: Reply,
        rendered: Rendered,
        record: RecordedRequest,
        extra: bytes,
    ) -> bool:
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ncache-control: no-cache\r\n"
            b"transfer-encoding: chunked\r\n" + extra + b"\r\n"
        )
        out: list[bytes] = [http_chunk(f) for f in rendered.head]
        paced = bool(reply.first_token_delay or reply.chunk_delay)
        if paced:
            writer.write(b"".join(out))
            out = []
            await writer.drain()
            if reply.first_token_delay and not await self._hold(reader, record, reply.first_token_delay):
                return False
        for number, frame in enumerate(rendered.content):
            if number == reply.cut_after:
                return await self._cut(writer, out, record)
            if number == reply.stall_after:
                return await self._stall(writer, reader, out, record)
            if paced and number and reply.chunk_delay:
                writer.write(b"".join(out))
                out = []
                await writer.drain()
                await asyncio.sleep(reply.chunk_delay)
            out.append(http_chunk(rendered.malformed if number == reply.malformed_at else frame))
        if reply.cut_after is not None:
            return await self._cut(writer, out, record)
        if reply.stall_after is not None:
            return await self._stall(writer, reader, out, record)
        out.extend(http_chunk(f) for f in rendered.tail)
        if not reply.omit_done:
            out.append(http_chunk(rendered.terminator))
        out.append(b"0\r\n\r\n")
        if reply.malformed_at is not None and reply.malformed_at < len(rendered.content):
            _finish(record, "malformed")
        elif reply.omit_done:
            _finish(record, "no_terminator")
        else:
            _finish(record, "content_filter" if reply.finish_reason == "content_filter" else "ok")
        writer.write(b"".join(out))
        await writer.drain()
        return True

    async def _cut(self, writer: asyncio.StreamWriter, out: list[bytes], record: RecordedRequest) -> bool:
        _finish(record, "cut")
        writer.write(b"".join(out))
        await writer.drain()
        writer.transport.close()
        return False

    async def _stall(
        self, writer: asyncio.StreamWriter, reader: asyncio.StreamReader, out: list[bytes], record: RecordedRequest
    ) -> bool:
        record.outcome = "stalled"
        writer.write(b"".join(out))
        await writer.drain()
        await self._hold(reader, record, None)
        return False


def _finish(record: RecordedRequest, outcome: str) -> None:
    # Set before the last byte goes out, so a client that has its answer always sees the final record.
    record.outcome = outcome
    record.finished_at = time.monotonic()


_SERVED: dict[str, str] = {}


def _served_openai_model(model: str) -> str:
    """The dated model name OpenAI reports for an alias (``gpt-4o`` -> ``gpt-4o-2024-08-06``), as the real API does.

    Uses autogen-ext's alias table when it is importable, so its client sees the name it expects.
    """
    served = _SERVED.get(model)
    if served is None:
        try:
            from autogen_ext.models.openai._model_info import resolve_model
        except ImportError:  # pragma: no cover - autogen-ext[openai] not installed
            served = model
        else:
            served = resolve_model(model)
        _SERVED[model] = served
    return served
