"""Act: a tool policy refuses a denied tool and a path escape, lets the safe call through, and audits it."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.messages import ToolCallExecutionEvent
from autogen_core.tools import FunctionTool

from ..tools import PolicyWorkbench, ToolPolicy
from ._framework import ActReport, DemoEnv

TITLE = "A tool policy blocks a denied tool and a path escape, and audits every decision (PolicyWorkbench)"

_EXECUTED: list[str] = []


def read_file(path: str) -> str:
    """Read a file from the project's data directory."""
    _EXECUTED.append(f"read_file({path})")
    return f"(contents of {path}: quarterly numbers look fine)"


def delete_file(path: str) -> str:
    """Delete a file."""
    _EXECUTED.append(f"delete_file({path})")
    return f"deleted {path}"


POLICY = ToolPolicy.from_dict(
    {
        "allow": ["read_file"],
        "deny": ["delete_*"],
        "tools": {
            "read_file": {
                "args": {
                    "path": {
                        "required": True,
                        "path": {"within": ["/srv/demo/data"], "relative_to": "/srv/demo/data"},
                    }
                },
                "max_calls": 5,
            }
        },
    }
)


def _read_jsonl(path: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


async def run(env: DemoEnv) -> ActReport:
    """A model asks for delete_file, a read outside the data directory and a legitimate read."""
    _EXECUTED.clear()
    model = "gpt-4o-mini"
    if env.provider is not None:
        from ..testing import Reply

        env.provider.script(
            model,
            Reply.tool_calls(
                [
                    ("delete_file", {"path": "report.txt"}),
                    ("read_file", {"path": "../../../etc/passwd"}),
                    ("read_file", {"path": "report.txt"}),
                ]
            ),
            Reply.text("The report looks fine; I was not allowed to delete it or read outside the data folder."),
        )
    client = env.openai_client(model)
    with tempfile.TemporaryDirectory() as tmp:
        audit_path = os.path.join(tmp, "tool-audit.jsonl")
        tools = [FunctionTool(read_file, "Read a file."), FunctionTool(delete_file, "Delete a file.")]
        workbench = PolicyWorkbench.from_tools(tools, POLICY, audit_path=audit_path, agent="clerk")
        advertised = [t["name"] for t in await workbench.list_tools()]
        env.narrate(f"policy: allow read_file inside /srv/demo/data, deny delete_*; model is offered {advertised}")
        env.narrate("the model asks for delete_file anyway, a read of ../../../etc/passwd, and report.txt")
        agent = AssistantAgent(
            "clerk",
            model_client=client,
            workbench=workbench,
            reflect_on_tool_use=True,
            system_message="Tidy up the data folder: read report.txt, then delete it.",
        )
        result = await agent.run(task="Clean up the data folder.")
        await client.close()
        refused = 0
        for message in result.messages:
            if isinstance(message, ToolCallExecutionEvent):
                for call in message.content:
                    refused += bool(call.is_error)
                    mark = "REFUSED" if call.is_error else "ran    "
                    env.narrate(f"{mark} {call.name}: {call.content[:100]}")
        records = _read_jsonl(audit_path)
    for record in records:
        env.narrate(
            f"audit: {record['decision']:<5} {record['tool']} rule={record['rule']} "
            f"args={json.dumps(record['arguments'])} agent={record['agent']}"
        )
    env.narrate(f"tool bodies that really ran: {_EXECUTED}")
    env.narrate(f"answer: {result.messages[-1].to_text()[:90]}")
    safe = not any(call.startswith("delete_file") or "passwd" in call for call in _EXECUTED)
    return ActReport(
        name="tools",
        title=TITLE,
        outcome=f"{refused} of 3 tool calls refused, {len(_EXECUTED)} ran; {len(records)} audit records",
        facts={
            "ran": ", ".join(_EXECUTED) or "none",
            "audited": ", ".join(f"{r['tool']}:{r['decision']}({r['rule']})" for r in records),
        },
        ok=safe and (env.live or (refused == 2 and len(_EXECUTED) == 1 and len(records) == 2)),
    )
