"""The fake provider's HTTP side: a minimal HTTP/1.1 server on its own event loop in a background thread.

Hand-written on ``asyncio.start_server``: keep-alive connections, ``Content-Length`` and chunked request
bodies, ``Content-Length`` JSON responses and chunked (SSE) streams. It runs on its own event loop in one
background thread, so it works from sync code and from any event loop, and the client under test never
shares a loop with it. What a request gets is up to ``_dispatch`` (:mod:`._fake_provider_answer`). The
happy path does one parse, one dict lookup and one write per request.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import TYPE_CHECKING, Any

__all__ = ("FakeProviderHttp", "http_chunk")

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


class FakeProviderHttp:
    """HTTP/1.1 serving methods of :class:`~agentkit.testing.FakeProvider` (its state is the provider's own)."""

    _host: str
    _port: int
    _loop: asyncio.AbstractEventLoop | None
    _thread: threading.Thread | None
    _server: asyncio.AbstractServer | None
    _tasks: set[asyncio.Task[Any]]
    _writers: set[asyncio.StreamWriter]
    _stopping: asyncio.Event | None
    _bound_port: int
    _connections: int

    if TYPE_CHECKING:

        async def _dispatch(
            self,
            method: str,
            path: str,
            headers: dict[str, str],
            raw: bytes,
            reader: asyncio.StreamReader,
            writer: asyncio.StreamWriter,
        ) -> bool:
            """Answer one request; ``False`` ends the connection."""

    def _start_serving(self) -> None:
        """Start the server thread and its event loop (idempotent); raises what binding raised."""
        if self._thread is not None:
            return
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

    def _stop_serving(self) -> None:
        """Close connections (releasing hung and stalled requests), stop the loop and join the thread."""
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

    # --- connections ----------------------------------------------------------------------------------

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
        """Write a whole JSON response: status line, headers (``extra`` as raw header lines), body."""
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


def http_chunk(data: bytes) -> bytes:
    """``data`` framed as one chunk of a ``transfer-encoding: chunked`` body."""
    return b"%x\r\n%s\r\n" % (len(data), data)
