"""One declarative policy for AutoGen function tools, workbenches and MCP servers."""

from __future__ import annotations

__all__: tuple[str, ...] = ()
