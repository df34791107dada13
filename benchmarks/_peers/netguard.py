"""Keep the benchmark on loopback and count connection attempts per port.

Every socket ``connect`` in the process goes through :func:`guarded_connect` while the guard is installed:
a target outside 127.0.0.0/8, ``::1`` and ``localhost`` raises instead of connecting, so no peer library can
phone home (LiteLLM's model-cost fetch, telemetry) during a run. The same hook counts attempts per port, which
is how the benchmark counts requests to a *closed* port (the "dead primary" scenario), where no server exists
to record them.
"""

from __future__ import annotations

import ipaddress
import socket
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ("NonLoopbackError", "connect_attempts", "loopback_only")

_attempts: Counter[int] = Counter()


class NonLoopbackError(ConnectionRefusedError):
    """Raised by the guard for any connection that would leave the machine."""


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def connect_attempts(port: int) -> int:
    """How many TCP connections this process has tried to open to ``port`` since the guard was installed."""
    return _attempts[port]


@contextmanager
def loopback_only() -> Iterator[None]:
    """Install the guard on :class:`socket.socket` (sync and asyncio paths both end in ``connect``)."""
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex

    def _check(address: Any) -> None:
        if isinstance(address, tuple) and len(address) >= 2:
            host, port = str(address[0]), int(address[1])
            if not _is_loopback(host):
                raise NonLoopbackError(f"benchmark guard: refused a connection to {host}:{port} (loopback only)")
            _attempts[port] += 1

    def guarded_connect(self: socket.socket, address: Any) -> None:
        _check(address)
        original_connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        _check(address)
        return original_connect_ex(self, address)

    socket.socket.connect = guarded_connect  # type: ignore[method-assign, assignment]  # process-wide hook, undone below
    socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign, assignment]  # see above
    try:
        yield
    finally:
        socket.socket.connect = original_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = original_connect_ex  # type: ignore[method-assign]
