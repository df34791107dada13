"""A real MCP server (stdio, FastMCP) behind McpWorkbench, guarded by a PolicyWorkbench."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

# autogen-ext 0.7.5's McpWorkbench needs mcp<2 (mcp 2.x removed mcp.shared.context.RequestContext)
pytest.importorskip("autogen_ext.tools.mcp", exc_type=ImportError)

from autogen_agentchat.agents import AssistantAgent
from autogen_core import ComponentModel
from autogen_core.tools import Workbench
from autogen_ext.tools.mcp import McpWorkbench, StdioServerParams

from agentkit.testing import ScriptedChatCompletionClient
from agentkit.tools import PolicyWorkbench

from ._helpers import MemorySink, tool_calls

SERVER = str(Path(__file__).with_name("mcp_server.py"))


def _policy(root: Path) -> dict[str, object]:
    return {
        "allow": ["read_file", "fetch", "delete_*"],
        "deny": ["delete_*"],
        "tools": {
            "read_file": {"args": {"path": {"required": True, "path": {"within": [str(root)]}}}},
            "fetch": {"args": {"url": {"url": {"hosts": ["*.example.com"]}}}, "max_calls": 1},
        },
    }


def _server(log: Path) -> McpWorkbench:
    env = {**os.environ, "AGENTKIT_MCP_LOG": str(log)}
    return McpWorkbench(StdioServerParams(command=sys.executable, args=[SERVER], env=env, read_timeout_seconds=30))


async def test_policy_over_a_real_mcp_server(tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    sink = MemorySink()
    async with PolicyWorkbench(_server(log), _policy(tmp_path), audit=sink) as wb:
        assert sorted(t["name"] for t in await wb.list_tools()) == ["fetch", "read_file"]
        ok = await wb.call_tool("read_file", {"path": str(tmp_path / "a.txt")})
        assert (ok.is_error, ok.to_text()) == (False, f"contents of {tmp_path / 'a.txt'}")
        escaped = await wb.call_tool("read_file", {"path": str(tmp_path / ".." / "etc")})
        assert "(args.path.path.within)" in escaped.to_text()
        deleted = await wb.call_tool("delete_everything", {"confirm": True})
        assert "(deny:delete_*)" in deleted.to_text()
        assert not (await wb.call_tool("fetch", {"url": "https://api.example.com/x"})).is_error
        assert "(limit.tool)" in (await wb.call_tool("fetch", {"url": "https://api.example.com/y"})).to_text()
        assert "(not_allowed)" in (await wb.call_tool("shell", {"cmd": "id"})).to_text()
    assert log.read_text().splitlines() == [f"read_file {tmp_path / 'a.txt'}", "fetch https://api.example.com/x"]
    assert [r.decision for r in sink.records] == ["allow", "deny", "deny", "allow", "deny", "deny"]


async def test_agent_over_guarded_mcp_server_and_round_trip(tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    wb = PolicyWorkbench(_server(log), _policy(tmp_path), advertise_denied=True)
    loaded = Workbench.load_component(ComponentModel.model_validate_json(wb.dump_component().model_dump_json()))
    assert isinstance(loaded, PolicyWorkbench)
    assert isinstance(loaded.inner, McpWorkbench)
    assert loaded.policy == wb.policy
    model = ScriptedChatCompletionClient(
        [
            tool_calls(("delete_everything", '{"confirm": true}'), ("fetch", '{"url": "http://169.254.169.254/"}')),
            "I could not do that.",
        ]
    )
    async with loaded:
        agent = AssistantAgent("ops", model_client=model, workbench=loaded, reflect_on_tool_use=True)
        result = await agent.run(task="wipe it")
    assert result.messages[-1].to_text() == "I could not do that."
    assert not log.exists()  # nothing ran on the server


async def test_json_in_a_string_and_idn_hosts_are_judged_as_the_server_receives_them(tmp_path: Path) -> None:
    """Issue #12 items 1 and 2, end to end: AssistantAgent -> PolicyWorkbench -> McpWorkbench -> FastMCP (stdio)."""
    log = tmp_path / "calls.log"
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    within = {"path": {"within": [str(root)], "relative_to": str(root)}}
    policy = {
        "allow": ["read_paths", "read_untyped", "fetch"],
        "tools": {
            "read_paths": {"args": {"paths": within}},
            "read_untyped": {"args": {"path": within}},
            "fetch": {"args": {"url": {"url": {"hosts": ["*.example.com", "strasse.de"]}}}},
        },
    }
    sink = MemorySink()
    model = ScriptedChatCompletionClient(
        [
            tool_calls(
                ("read_paths", json.dumps({"paths": '["../secret.txt"]'})),
                ("read_untyped", json.dumps({"path": '["../secret.txt"]'})),
                ("read_paths", json.dumps({"paths": ["a.txt", "../secret.txt"]})),
                ("fetch", json.dumps({"url": "https://straße.de/"})),
                ("fetch", json.dumps({"url": "https://ß.example.com/"})),
                ("read_paths", json.dumps({"paths": '["a.txt", "b.txt"]'})),
                ("fetch", json.dumps({"url": "https://api.example.com/"})),
            ),
            "done",
        ]
    )
    async with PolicyWorkbench(_server(log), policy, audit=sink) as wb:
        agent = AssistantAgent("reader", model_client=model, workbench=wb)
        await agent.run(task="read")
    assert [(r.tool, r.rule) for r in sink.records] == [
        ("read_paths", "args.paths.path.within"),
        ("read_untyped", "args.path.path.within"),
        ("read_paths", "args.paths.path.within"),
        ("fetch", "args.url.url.idna"),
        ("fetch", "args.url.url.idna"),
        ("read_paths", "allow"),
        ("fetch", "allow"),
    ]
    assert log.read_text().splitlines() == ['read_paths ["a.txt", "b.txt"]', "fetch https://api.example.com/"]
