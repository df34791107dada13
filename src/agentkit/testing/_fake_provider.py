"""``FakeProvider``: a local, scriptable, fault-injecting OpenAI + Anthropic HTTP server.

The server is a hand-written minimal HTTP/1.1 server (keep-alive, ``Content-Length`` JSON responses and
chunked SSE streams) on ``asyncio.start_server``, running on its own event loop in one background thread.
It therefore works from sync code and from any event loop, and the client under test never shares a loop
with it. The happy path does one parse, one dict lookup and one write per request.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, Literal

from typing_extensions import Self

from .._extras import require
from .._utils import REDACTED, looks_secret
from ..exceptions import ConfigurationError
from . import _wire_anthropic, _wire_openai
from ._scripted import DEFAULT_MODEL_INFO, estimate_tokens
from ._steps import Fault, Reply, Step
from ._wire_common import Rendered, continuation, default_content, last_user_text, message_tokens

if TYPE_CHECKING:
    from autogen_ext.models.anthropic import AnthropicChatCompletionClient
    from autogen_ext.models.openai import OpenAIChatCompletionClient

__all__ = ("FAKE_ANTHROPIC_KEY", "FAKE_OPENAI_KEY", "FakeProvider", "RecordedRequest")

FAKE_OPENAI_KEY = "sk-fake-agentkit-openai-key"
"""The API key :meth:`FakeProvider.openai_client` uses (the fake provider accepts any key)."""
FAKE_ANTHROPIC_KEY = "sk-ant-fake-agentkit-key"
"""The API key :meth:`FakeProvider.anthropic_client` uses."""

FAKE_MODEL_INFO: dict[str, Any] = dict(DEFAULT_MODEL_INFO)
"""``model_info`` given to clients for model names the SDKs do not know: every capability, as the scripted client."""

FAKE_ANTHROPIC_MODEL_INFO: dict[str, Any] = {
    **DEFAULT_MODEL_INFO,
    "structured_output": False,  # AutoGen's Anthropic client refuses Pydantic json_output
    "multiple_system_messages": False,
}
"""``model_info`` for Anthropic model names autogen-ext does not list exactly.

autogen-ext matches unknown Claude names by prefix and can land on an entry without function calling
(``claude-haiku-4-5`` did), which made routing skip the member for every tool request.
"""

_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    408: "Request Timeout",
    409: "Conflict",
    413: "Payload Too Large",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    529: "Overloaded",
}
_SECRET_HEADERS = frozenset({"authorization", "x-api-key", "api-key", "proxy-authorization", "cookie"})

Api = Literal["openai", "anthropic"]


@dataclass
class RecordedRequest:
    """One request the fake provider received.

    Attributes:
        model: The ``model`` field of the body (``""`` if absent).
        api: ``"openai"`` or ``"anthropic"``.
        path: The request path.
        arrived_at: ``time.monotonic()`` when the request was read.
        headers: Request headers, lower-cased; credentials (``authorization``, ``x-api-key``, ...) redacted.
        body: The parsed JSON body.
        stream: Whether a stream was requested.
        attempt: 1-based count of requests for this model so far (this one included).
        step: The scripted step that answered, ``None`` for the default reply.
        outcome: ``"pending"`` while answering, then ``"ok"``, ``"status 429"``, ``"connection_reset"``,
            ``"hang"``, ``"cut"``, ``"stalled"``, ``"malformed"``, ``"no_terminator"``, ``"content_filter"``
            or ``"client_disconnected"``.
        finished_at: ``time.monotonic()`` when the answer was complete (``None`` while pending).
        prefill: The text of a trailing assistant message the reply continued (Anthropic always; OpenAI wire
            only for models accepting prefill, see :meth:`FakeProvider.accept_prefill`), else ``None``.
        abandoned_at: ``time.monotonic()`` when the client closed the connection while the provider was still
            holding the answer back (a hang, a stall or a delay), else ``None``.
    """

    model: str
    api: Api
    path: str
    arrived_at: float
    headers: dict[str, str]
    body: Any
    stream: bool
    attempt: int
    step: Step | None = None
    outcome: str = "pending"
    finished_at: float | None = field(default=None, compare=False)
    prefill: str | None = None
    abandoned_at: float | None = field(default=None, compare=False)

    @property
    def abandoned(self) -> bool:
        """Whether the client gave up on this request while the provider was holding the answer back."""
        return self.abandoned_at is not None


class FakeProvider:
    """A local fake of the OpenAI chat-completions and Anthropic messages APIs, scriptable per model.

    Use it as ``async with FakeProvider() as fp``, ``with FakeProvider() as fp``, or through the pytest
    fixture ``fake_provider``. Requests are answered by the steps scripted for their model name
    (:meth:`script`, consumed one per request; :meth:`always`), else by a deterministic default reply.

    Args:
        host: Interface to bind (loopback only by default).
        port: Port to bind; ``0`` picks a free ephemeral port.

    Example::

        with FakeProvider() as fp:
            fp.script("gpt-4o", Fault.rate_limit(retry_after=1), Reply.text("hi"))
            client = fp.openai_client("gpt-4o")
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        if not isinstance(port, int) or not 0 <= port <= 65535:
            raise ConfigurationError("port", f"must be 0-65535, got {port!r}.", "Pass 0 for a free port.")
        self._host = host
        self._port = port
        self._lock = threading.Lock()
        self._scripts: dict[str, deque[Step]] = {}
        self._always: dict[str, Step] = {}
        self._attempts: dict[str, int] = {}
        self._requests: list[RecordedRequest] = []
        self._waiters: list[tuple[int, asyncio.AbstractEventLoop, asyncio.Future[None]]] = []
        self._watchers: list[tuple[Callable[[list[RecordedRequest]], bool], asyncio.AbstractEventLoop, Any]] = []
        self._prefill_models: set[str] = set()
        self._seq = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._stopping: asyncio.Event | None = None
        self._bound_port = 0
        self._connections = 0

    # --- lifecycle ------------------------------------------------------------------------------------

    def start(self) -> Self:
        """Start serving in a background thread (idempotent); returns ``self``."""
        if self._thread is not None:
            return self
        loop = asyncio.new_event_loop()
        ready: dict[str, Any] = {}
        started = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)

            async def boot() -> None:
                self._stopping = asyncio.Event()
                self._server = await asyncio.start_server(self._serve, self._host, self._port, backlog=256)
                ready["port"] = self._server.sockets[0].getsockname()[1]

            try:
                loop.run_until_complete(boot())
            except BaseException as error:  # report the failure to start() in the calling thread
                ready["error"] = error
                started.set()
                loop.close()
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        thread = threading.Thread(target=run, name="agentkit-fake-provider", daemon=True)
        thread.start()
        started.wait()
        if "error" in ready:
            thread.join()
            raise ready["error"]
        self._loop, self._thread, self._bound_port = loop, thread, int(ready["port"])
        return self

    def stop(self) -> None:
        """Stop serving: close connections (releasing hung and stalled requests) and join the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        self._loop = self._thread = self._server = None
        self._bound_port = 0

    async def _shutdown(self) -> None:
        assert self._stopping is not None
        assert self._server is not None
        self._stopping.set()  # releases hung and stalled answers
        self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()  # pending reads fail, so idle keep-alive connections end
        tasks = [t for t in self._tasks if not t.done()]
        if tasks:
            _done, slow = await asyncio.wait(tasks, timeout=1.0)
            for task in slow:  # e.g. sleeping in a scripted delay
                task.cancel()
            if slow:
                await asyncio.wait(slow)
        await self._server.wait_closed()

    @property
    def running(self) -> bool:
        """Whether the server is serving."""
        return self._thread is not None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- addresses and clients ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        if not self._bound_port:
            raise RuntimeError("FakeProvider is not running; use it as a context manager or call start().")
        return f"http://{self._host}:{self._bound_port}"

    @property
    def port(self) -> int:
        """The bound port."""
        return int(self.url.rsplit(":", 1)[1])

    @property
    def openai_base_url(self) -> str:
        """Base URL for OpenAI clients (``url + "/v1"``)."""
        return self.url + "/v1"

    @property
    def anthropic_base_url(self) -> str:
        """Base URL for Anthropic clients (the SDK appends ``/v1/messages``)."""
        return self.url

    def openai_client(self, model: str = "gpt-4o-mini", **kwargs: Any) -> OpenAIChatCompletionClient:
        """A real ``OpenAIChatCompletionClient`` pointed at this provider.

        Defaults (each overridable via ``kwargs``): ``base_url``, a fake ``api_key``, ``max_retries=0``,
        and a permissive ``model_info`` for model names the client does not know.
        """
        require("autogen_ext.models.openai", "openai", feature="FakeProvider.openai_client()")
        from autogen_ext.models.openai import OpenAIChatCompletionClient

        kwargs.setdefault("base_url", self.openai_base_url)
        kwargs.setdefault("api_key", FAKE_OPENAI_KEY)
        kwargs.setdefault("max_retries", 0)
        if "model_info" not in kwargs and not _known_openai(model):
            kwargs["model_info"] = dict(FAKE_MODEL_INFO)
        return OpenAIChatCompletionClient(model=model, **kwargs)

    def anthropic_client(self, model: str = "claude-haiku-4-5", **kwargs: Any) -> AnthropicChatCompletionClient:
        """A real ``AnthropicChatCompletionClient`` pointed at this provider (defaults as :meth:`openai_client`)."""
        require("autogen_ext.models.anthropic", "anthropic", feature="FakeProvider.anthropic_client()")
        from autogen_ext.models.anthropic import AnthropicChatCompletionClient

        kwargs.setdefault("base_url", self.anthropic_base_url)
        kwargs.setdefault("api_key", FAKE_ANTHROPIC_KEY)
        kwargs.setdefault("max_retries", 0)
        if "model_info" not in kwargs and not _known_anthropic(model):
            kwargs["model_info"] = dict(FAKE_ANTHROPIC_MODEL_INFO)
        return AnthropicChatCompletionClient(model=model, **kwargs)

    # --- scripting ------------------------------------------------------------------------------------

    def script(self, model: str, *steps: Step) -> None:
        """Queue steps for ``model``: each request for it consumes the next; then :meth:`always` or the default.

        ``model="*"`` scripts every model that has no script of its own.
        """
        _check_steps(steps)
        with self._lock:
            self._scripts.setdefault(model, deque()).extend(steps)

    def always(self, model: str, step: Step) -> None:
        """Answer every request for ``model`` (after its queued steps) with ``step``; ``"*"`` for any model."""
        _check_steps((step,))
        with self._lock:
            self._always[model] = step

    def accept_prefill(self, *models: str) -> None:
        """Make the OpenAI wire continue a trailing assistant message for ``models`` (``"*"``: every model).

        The Anthropic wire always does, as the real API does. A continued reply takes its scripted text as
        the whole answer and sends what follows the prefill: the rest of the text when it begins with the
        prefill, else its words after as many words as the prefill has (a model picking up mid-sentence).
        """
        with self._lock:
            self._prefill_models.update(models)

    def pending(self, model: str) -> int:
        """How many queued steps for ``model`` are not consumed yet."""
        with self._lock:
            return len(self._scripts.get(model, ()))

    def reset(self) -> None:
        """Forget scripts, attempt counters and recorded requests."""
        with self._lock:
            self._scripts.clear()
            self._always.clear()
            self._attempts.clear()
            self._requests.clear()
            self._prefill_models.clear()
            self._connections = 0

    def _next_step(self, model: str) -> tuple[int, int, Step | None]:
        with self._lock:
            self._seq += 1
            attempt = self._attempts.get(model, 0) + 1
            self._attempts[model] = attempt
            for key in (model, "*"):
                queue = self._scripts.get(key)
                if queue:
                    return self._seq, attempt, queue.popleft()
                if key in self._always:
                    return self._seq, attempt, self._always[key]
            return self._seq, attempt, None

    # --- records --------------------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, in arrival order (a copy of the list)."""
        with self._lock:
            return list(self._requests)

    @property
    def connections(self) -> int:
        """How many TCP connections the provider has accepted (keep-alive reuses one for many requests)."""
        return self._connections

    def requests_for(self, model: str) -> list[RecordedRequest]:
        """The recorded requests for ``model``."""
        with self._lock:
            return [r for r in self._requests if r.model == model]

    async def wait_for_requests(self, count: int = 1, *, timeout: float = 5.0) -> list[RecordedRequest]:
        """Wait (in the caller's event loop) until at least ``count`` requests have arrived; return them.

        Raises:
            TimeoutError: if they do not arrive within ``timeout`` seconds.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._lock:
            if len(self._requests) >= count:
                return list(self._requests)
            self._waiters.append((count, loop, future))
        try:
            await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"FakeProvider: expected {count} request(s), got {len(self.requests)}") from None
        return self.requests

    async def wait_until(
        self, predicate: Callable[[list[RecordedRequest]], bool], *, timeout: float = 10.0
    ) -> list[RecordedRequest]:
        """Wait until ``predicate(requests)`` holds (checked as requests arrive, finish or are abandoned).

        Raises:
            TimeoutError: if it does not hold within ``timeout`` seconds.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._lock:
            if predicate(list(self._requests)):
                return list(self._requests)
            self._watchers.append((predicate, loop, future))
        try:
            await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            with self._lock:
                self._watchers = [w for w in self._watchers if w[2] is not future]
            raise TimeoutError("FakeProvider: the awaited condition did not hold in time") from None
        return self.requests

    def _changed(self) -> None:
        if not self._watchers:  # the common case: nobody waits, nothing to copy
            return
        with self._lock:
            requests = list(self._requests)
            ready = [w for w in self._watchers if w[0](requests)]
            if ready:
                self._watchers = [w for w in self._watchers if w not in ready]
        for _, loop, future in ready:
            loop.call_soon_threadsafe(_resolve, future)

    def _record(self, record: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(record)
            arrived = len(self._requests)
            ready = [w for w in self._waiters if w[0] <= arrived]
            if ready:
                self._waiters = [w for w in self._waiters if w[0] > arrived]
        for _, loop, future in ready:
            loop.call_soon_threadsafe(_resolve, future)
        self._changed()

    # --- HTTP -----------------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        self._connections += 1
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                except asyncio.LimitOverrunError:
                    await self._write_simple(writer, 431, b'{"error":"headers too large"}', close=True)
                    return
                request_line, _, header_block = head[:-4].decode("latin-1").partition("\r\n")
                method, path, _version = [*request_line.split(" ", 2), "", ""][:3]
                headers: dict[str, str] = {}
                for line in header_block.split("\r\n"):
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                if headers.get("transfer-encoding", "").lower() == "chunked":
                    raw = await _read_chunked(reader)
                else:
                    length = int(headers.get("content-length", "0") or 0)
                    raw = await reader.readexactly(length) if length else b""
                keep_alive = headers.get("connection", "").lower() != "close"
                if not await self._dispatch(method, path, headers, raw, reader, writer):
                    return
                if not keep_alive:
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        except asyncio.CancelledError:
            # Only stop() cancels these tasks; ending quietly keeps asyncio's stream callback from logging.
            assert self._stopping is not None
            if not self._stopping.is_set():
                raise
            return
        finally:
            self._writers.discard(writer)
            self._tasks.discard(task)
            if not writer.transport.is_closing():
                writer.transport.close()

    async def _write_simple(
        self, writer: asyncio.StreamWriter, status: int, body: bytes, *, close: bool = False, extra: bytes = b""
    ) -> None:
        writer.write(
            b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n%s%s\r\n%s"
            % (
                status,
                _REASONS.get(status, "Error").encode(),
                len(body),
                extra,
                b"connection: close\r\n" if close else b"",
                body,
            )
        )
        await writer.drain()

    async def _dispatch(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        raw: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
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
        seq, attempt, step = self._next_step(model)
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
        out: list[bytes] = [_chunk(f) for f in rendered.head]
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
            out.append(_chunk(rendered.malformed if number == reply.malformed_at else frame))
        if reply.cut_after is not None:
            return await self._cut(writer, out, record)
        if reply.stall_after is not None:
            return await self._stall(writer, reader, out, record)
        out.extend(_chunk(f) for f in rendered.tail)
        if not reply.omit_done:
            out.append(_chunk(rendered.terminator))
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

    def __repr__(self) -> str:
        where = self.url if self._bound_port and self.running else "stopped"
        return f"FakeProvider({where}, requests={len(self._requests)})"


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":  # optional trailers
                pass
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


def _finish(record: RecordedRequest, outcome: str) -> None:
    # Set before the last byte goes out, so a client that has its answer always sees the final record.
    record.outcome = outcome
    record.finished_at = time.monotonic()


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _check_steps(steps: tuple[Any, ...]) -> None:
    for index, step in enumerate(steps):
        if not isinstance(step, (Reply, Fault)):
            raise ConfigurationError(
                f"steps[{index}]",
                f"must be a Reply or a Fault, got {type(step).__name__}.",
                'Build steps with Reply.text("...") or Fault.status(503).',
            )


def _known(lookup: Callable[[str], Any], model: str) -> bool:
    try:
        lookup(model)
    except (KeyError, ValueError):
        return False
    return True


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


def _known_openai(model: str) -> bool:
    try:  # a private autogen-ext table; if it moves, fall back to always passing model_info
        from autogen_ext.models.openai import _model_info
    except ImportError:  # pragma: no cover - depends on the installed autogen-ext
        return False
    return _known(_model_info.get_info, model)


def _known_anthropic(model: str) -> bool:
    """Whether autogen-ext lists ``model`` exactly (its prefix fallback can pick a wrong entry)."""
    try:
        from autogen_ext.models.anthropic import _model_info
    except ImportError:  # pragma: no cover - depends on the installed autogen-ext
        return False
    table = getattr(_model_info, "_MODEL_INFO", None)
    return isinstance(table, dict) and model in table
