"""Tools, recorders and builders shared by the tool-policy tests."""

from __future__ import annotations

from typing import Any

from autogen_core.models import CreateResult, RequestUsage
from autogen_core.tools import BaseTool, FunctionTool, StaticStreamWorkbench

from agentkit.tools import ToolDecision

EXECUTED: list[tuple[str, dict[str, Any]]] = []
"""Every tool body that really ran, with its arguments (tests assert denied calls never get here)."""


def read_file(path: str) -> str:
    """Read a file (pretend)."""
    EXECUTED.append(("read_file", {"path": path}))
    return f"contents of {path}"


def fetch(url: str) -> str:
    """Fetch a URL (pretend)."""
    EXECUTED.append(("fetch", {"url": url}))
    return f"fetched {url}"


def delete_file(path: str) -> str:
    """Delete a file (pretend) - the tool every test denies."""
    EXECUTED.append(("delete_file", {"path": path}))
    return f"deleted {path}"


def add(a: int, b: int) -> int:
    """Add two integers."""
    EXECUTED.append(("add", {"a": a, "b": b}))
    return a + b


def send_email(to: str, body: str, api_key: str = "") -> str:
    """Send an email (pretend)."""
    EXECUTED.append(("send_email", {"to": to}))
    return f"sent to {to}"


def tools() -> list[BaseTool[Any, Any]]:
    return [
        FunctionTool(read_file, description="Read a file."),
        FunctionTool(fetch, description="Fetch a URL."),
        FunctionTool(delete_file, description="Delete a file."),
        FunctionTool(add, description="Add two integers."),
        FunctionTool(send_email, description="Send an email."),
    ]


def workbench() -> StaticStreamWorkbench:
    return StaticStreamWorkbench(tools())


class MemorySink:
    """An audit sink that keeps records in memory."""

    def __init__(self) -> None:
        self.records: list[ToolDecision] = []

    def write(self, record: ToolDecision) -> None:
        self.records.append(record)


def tool_calls(*calls: tuple[str, str]) -> CreateResult:
    """A model answer asking for tool calls given as (name, JSON arguments)."""
    from autogen_core import FunctionCall

    return CreateResult(
        finish_reason="function_calls",
        content=[FunctionCall(id=f"call_{i}", name=name, arguments=args) for i, (name, args) in enumerate(calls)],
        usage=RequestUsage(prompt_tokens=10, completion_tokens=5),
        cached=False,
    )
