"""A tiny real MCP server (stdio or in-memory) for the PolicyWorkbench tests: file readers, a fetcher, a deleter."""

from __future__ import annotations

import json
import os

from mcp.server.fastmcp import FastMCP

server = FastMCP("agentkit-policy-test")


def _log(line: str) -> None:
    """Append every executed call to the file named by AGENTKIT_MCP_LOG, so tests see what really ran."""
    path = os.environ.get("AGENTKIT_MCP_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as file:
            file.write(line + "\n")


@server.tool()
def read_file(path: str) -> str:
    """Pretend to read a file; echoes the path it was given."""
    _log(f"read_file {path}")
    return f"contents of {path}"


@server.tool()
def fetch(url: str) -> str:
    """Pretend to fetch a URL; echoes it."""
    _log(f"fetch {url}")
    return f"fetched {url}"


@server.tool()
def read_paths(paths: str | list[str]) -> str:
    """Pretend to read one or more files; FastMCP JSON-decodes a string argument for this parameter."""
    _log(f"read_paths {json.dumps(paths)}")
    return json.dumps(paths)


@server.tool()
def read_untyped(path):  # type: ignore[no-untyped-def]  # deliberately unannotated
    """Pretend to read a file; the parameter is unannotated, so FastMCP decodes JSON strings for it too."""
    _log(f"read_untyped {json.dumps(path)}")
    return json.dumps(path)


@server.tool()
def delete_everything(confirm: bool = False) -> str:
    """A destructive tool the policy must never let through."""
    _log("delete_everything")
    return json.dumps({"deleted": True, "confirm": confirm})


if __name__ == "__main__":
    server.run("stdio")
