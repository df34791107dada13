"""Act: a tool policy refuses a denied tool and a path escape, lets the safe call through, and audits it."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.messages import ToolCallExecutionEvent
from autogen_core import FunctionCall
from autogen_core.models import ChatCompletionClient, CreateResult, RequestUsage
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
    if not os.path.exists(path):  # no tool call reached the policy (a live model may answer without tools)
        return []
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


async def run(env: DemoEnv) -> ActReport:
    """A model asks for delete_file, a read outside the data directory and a legitimate read."""
    _EXECUTED.clear()
    model = "gpt-4o-mini"
    calls = [
        ("delete_file", {"path": "report.txt"}),
        ("read_file", {"path": "../../../etc/passwd"}),
        ("read_file", {"path": "report.txt"}),
    ]
    answer = "The report looks fine; I was not allowed to delete it or read outside the data folder."
    client: ChatCompletionClient
    if env.scripted:
        from ..testing import ScriptedChatCompletionClient

        client = ScriptedChatCompletionClient(
            [
                CreateResult(
                    finish_reason="function_calls",
                    content=[
                        FunctionCall(id=f"call_{i}", name=name, arguments=json.dumps(args))
                        for i, (name, args) in enumerate(calls)
                    ],
                    usage=RequestUsage(prompt_tokens=60, completion_tokens=30),
                    cached=False,
                ),
                answer,
            ],
            model=model,
        )
    else:
        client = env.openai_client(model)
    if env.provider is not None:
        from ..testing import Reply

        env.provider.script(
            model,
            Reply.tool_calls(calls),
            Reply.text(answer),
        )
    with tempfile.TemporaryDirectory() as tmp:
        audit_path = os.path.join(tmp, "tool-audit.jsonl")
        tools = [FunctionTool(read_file, "Read a file."), FunctionTool(delete_file, "Delete a file.")]
        # advertise_denied: the model is offered delete_file too, so that its refusal happens (and is audited)
        # here rather than in AutoGen's "tool not found" path, which no policy sees.
        workbench = PolicyWorkbench.from_tools(
            tools, POLICY, audit_path=audit_path, agent="clerk", advertise_denied=True
        )
        advertised = [t["name"] for t in await workbench.list_tools()]
        env.narrate(f"policy: allow read_file inside /srv/demo/data, deny delete_*; the model sees {advertised}")
        if env.live:
            env.narrate("the model is asked to read report.txt and then delete it")
        else:
            env.narrate("the model asks for delete_file, a read of ../../../etc/passwd, and report.txt")
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
                    env.narrate(f"{mark} {call.name}: {env.excerpt(call.content, room=2 * env.width)}")
        records = _read_jsonl(audit_path)
    for record in records:
        env.narrate(
            f"audit: {record['decision']:<5} {record['tool']} rule={record['rule']} "
            f"args={json.dumps(record['arguments'])} agent={record['agent']}"
        )
    env.narrate(f"tool bodies that really ran: {_EXECUTED}")
    env.narrate(f"answer: {env.excerpt(result.messages[-1].to_text())}")
    safe = not any(call.startswith("delete_file") or "passwd" in call for call in _EXECUTED)
    return ActReport(
        name="tools",
        title=TITLE,
        outcome=f"{refused} of {refused + len(_EXECUTED)} tool calls refused, {len(_EXECUTED)} ran; "
        f"{len(records)} audit records",
        facts={
            "ran": ", ".join(_EXECUTED) or "none",
            "audited": ", ".join(f"{r['tool']}:{r['decision']}({r['rule']})" for r in records),
        },
        ok=safe and len(records) == refused + len(_EXECUTED) and (env.live or (refused == 2 and len(_EXECUTED) == 1)),
    )
