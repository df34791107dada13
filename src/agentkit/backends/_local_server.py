"""A throwaway ``redis-server`` on a free loopback port: for tests, examples and benchmarks, never production.

``with local_redis_server() as server: ...`` starts Debian's (or any) ``redis-server`` binary in a temporary
directory with persistence off, bound to 127.0.0.1, and waits for it to answer ``PING`` (a bounded number of
connection attempts). :class:`RedisServer` can stop, freeze and restart it, to rehearse outages.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

__all__ = ("RedisServer", "find_redis_server", "local_redis_server", "start_redis_server")


def find_redis_server() -> str | None:
    """The ``redis-server`` binary on PATH (or ``$REDIS_SERVER``), if any."""
    return os.environ.get("REDIS_SERVER") or shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class RedisServer:
    """A running server: its URL, and how to stop, freeze and restart it (same port; a restart starts empty).

    Attributes:
        binary: The ``redis-server`` executable.
        port: The loopback port it listens on.
        directory: Its working directory (temporary).
        process: The server process while it runs.
    """

    binary: str
    port: int
    directory: str
    process: subprocess.Popen[bytes] | None = None
    _tmp: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:<port>/0``."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, attempts: int = 400) -> None:
        """Start the server and wait until it answers ``PING`` (``attempts`` connection attempts at most)."""
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.directory, "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(attempts):  # bounded: each attempt is a connect, not a sleep-as-sync
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with code {self.process.returncode}")
            if _ping(self.port):
                return
            time.sleep(0.01)
        raise RuntimeError(f"redis-server did not answer PING on port {self.port}")

    def stop(self) -> None:
        """Stop the server (its data is gone: persistence is off)."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)  # a frozen server cannot act on SIGTERM
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def freeze(self) -> None:
        """Freeze the server (SIGSTOP): it accepts connections and never answers, like a hung Redis."""
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        """Let a frozen server go on (SIGCONT)."""
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGCONT)

    def close(self) -> None:
        """Stop the server and remove its directory."""
        self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()


def start_redis_server(binary: str | None = None) -> RedisServer:
    """Start a server in a temporary directory on a free loopback port; raises if no binary exists."""
    binary = binary or find_redis_server()
    if binary is None:
        raise FileNotFoundError("no redis-server binary on PATH: apt-get install redis-server (or set REDIS_SERVER)")
    tmp = tempfile.TemporaryDirectory(prefix="agentkit-redis-")
    for _ in range(5):
        server = RedisServer(binary=binary, port=_free_port(), directory=tmp.name, _tmp=tmp)
        try:
            server.start()
            return server
        except RuntimeError:
            server.stop()
    tmp.cleanup()
    raise RuntimeError("could not start redis-server on a free port")


@contextmanager
def local_redis_server(binary: str | None = None) -> Iterator[RedisServer]:
    """Run a throwaway ``redis-server`` for the duration of the ``with`` block (see the module docstring).

    Raises:
        FileNotFoundError: No ``redis-server`` binary (install Debian's ``redis-server`` package).
    """
    server = start_redis_server(binary)
    try:
        yield server
    finally:
        server.close()
