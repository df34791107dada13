"""The audit trail: one structured record per policy decision, and a JSON-lines sink for it."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from .._redaction import redact_text, redact_value, safe_default

__all__ = ("AuditSink", "JsonlAuditSink", "ToolDecision")


@dataclass(frozen=True)
class ToolDecision:
    """One tool-policy decision, as written to the audit trail.

    The whole record is redacted when it is built (so every sink and the ``ToolDecisionEvent`` see the same
    safe record): the tool name, every argument key and value, the rule, reason, agent and call id go through
    :mod:`agentkit._redaction` (secret-looking keys masked, token formats, URLs with credentials and
    ``key=value`` secrets in text masked).

    Attributes:
        tool: The tool name the model asked for (truncated to 256 characters).
        arguments: The call's arguments after redaction (secrets and configured names replaced).
        decision: ``"allow"`` or ``"deny"``.
        rule: The deciding rule (``"allow"``, ``"deny:delete_*"``, ``"args.path.path.within"``,
            ``"limit.total"``, ``"approval.timeout"``, ``"error"`` ...).
        reason: Why, in words (never contains argument values).
        agent: The calling agent, if known.
        call_id: The model's tool-call id, if any.
        time: ISO 8601 UTC time of the decision.
        approval: ``"approved"``, ``"denied"``, ``"edited"``, ``"timeout"``, ``"error"`` or ``None`` when no
            approval was asked.
    """

    tool: str
    arguments: Any
    decision: Literal["allow", "deny"]
    rule: str
    reason: str
    agent: str | None
    call_id: str | None
    time: str
    approval: str | None = None

    def __post_init__(self) -> None:
        for name in ("tool", "rule", "reason", "agent", "call_id", "approval"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, redact_text(value))
        object.__setattr__(self, "arguments", redact_value(self.arguments))

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form (the fields above)."""
        return {
            "tool": self.tool,
            "arguments": self.arguments,
            "decision": self.decision,
            "rule": self.rule,
            "reason": self.reason,
            "agent": self.agent,
            "call_id": self.call_id,
            "time": self.time,
            "approval": self.approval,
        }


@runtime_checkable
class AuditSink(Protocol):
    """Receives every :class:`ToolDecision`. ``write`` must be quick and must not raise."""

    def write(self, record: ToolDecision) -> None:
        """Store one record."""
        ...


class JsonlAuditSink:
    """Appends one JSON object per line to a file; every record is flushed to the OS as it is written.

    Each record is encoded completely first and written with a single unbuffered ``write(2)`` on a file opened
    with ``O_APPEND`` (nothing waits in a user-space buffer), so concurrent writers (threads or processes) never
    interleave and a reader never sees half a line from this process. If a previous process died mid-line, the
    next record starts on a new line. Call :meth:`close` to release the file (e.g. before rotating it).

    Args:
        path: The ``.jsonl`` file (created if missing, parent directories too).
        fsync: Also ``fsync`` after each record (durable across power loss; slower).
    """

    def __init__(self, path: str | os.PathLike[str], *, fsync: bool = False) -> None:
        self.path = os.fspath(path)
        self.fsync = fsync
        self._lock = threading.Lock()
        self._fd: int | None = None

    def _open(self) -> int:
        directory = os.path.dirname(self.path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        size = os.fstat(fd).st_size
        if size and _last_byte(self.path, size) != b"\n":
            os.write(fd, b"\n")  # a previous writer died mid-line: never glue a record to its fragment
        return fd

    def write(self, record: ToolDecision) -> None:
        """Append ``record`` as one line (the file is opened on first use and kept open)."""
        line = (json.dumps(record.to_dict(), ensure_ascii=False, default=safe_default, sort_keys=True) + "\n").encode(
            "utf-8", "backslashreplace"
        )
        with self._lock:
            if self._fd is None:
                self._fd = self._open()
            view = memoryview(line)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            if self.fsync:
                os.fsync(self._fd)

    def close(self) -> None:
        """Close the file (the next ``write`` reopens it, e.g. after log rotation)."""
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def __del__(self) -> None:
        fd = getattr(self, "_fd", None)
        if fd is not None:
            os.close(fd)

    def __repr__(self) -> str:
        return f"JsonlAuditSink({redact_text(self.path)!r})"


def _last_byte(path: str, size: int) -> bytes:
    with open(path, "rb") as file:
        file.seek(size - 1)
        return file.read(1)
