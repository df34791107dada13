"""Start a throwaway ``redis-server`` on a free loopback port (used by the fixtures, the example and benchmarks)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

__all__ = ("RedisServer", "find_redis_server", "start_redis_server")


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
    """A running server: its URL, and how to stop and restart it (same port, empty data)."""

    binary: str
    port: int
    directory: str
    process: subprocess.Popen[bytes] | None = None
    _tmp: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, attempts: int = 400) -> None:
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
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def close(self) -> None:
        self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()


def start_redis_server(binary: str | None = None) -> RedisServer:
    """Start a server in a temporary directory on a free loopback port; raises if no binary exists."""
    binary = binary or find_redis_server()
    if binary is None:
        raise FileNotFoundError("redis-server")
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
