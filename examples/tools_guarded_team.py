"""Guard a team's tools with one policy: a denied tool, an SSRF attempt and a legitimate call, all audited.

A real AssistantAgent in a RoundRobinGroupChat talks to the real OpenAIChatCompletionClient, which talks to
agentkit's local FakeProvider (no network, no API key). The scripted model asks for a shell command, a fetch of
the cloud metadata address written as a decimal IP, and a fetch of an allowed host. The policy refuses the
first two, lets the third through, and writes one JSON line per decision.

Run: python examples/tools_guarded_team.py
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.conditions import MaxMessageTermination
from autogen_agentchat.teams import RoundRobinGroupChat

from agentkit.testing import FakeProvider, Reply
from agentkit.tools import ToolPolicy, guard_tools

POLICY = ToolPolicy.from_dict(
    {
        "deny": ["*shell*", "*exec*"],
        "tools": {"fetch": {"args": {"url": {"required": True, "url": {"hosts": ["*.example.com"]}}}, "max_calls": 3}},
    }
)


async def fetch(url: str) -> str:
    """Fetch a web page (pretend)."""
    return f"<html>page at {url}</html>"


async def run_shell(command: str) -> str:
    """Run a shell command."""
    raise AssertionError("never runs: the policy denies it")


async def main() -> None:
    audit = Path(tempfile.mkdtemp()) / "tool-audit.jsonl"
    async with FakeProvider() as fp:
        fp.script(
            "gpt-4o-mini",
            Reply.tool_calls(
                [
                    ("run_shell", {"command": "curl http://169.254.169.254/"}),
                    ("fetch", {"url": "https://2852039166/latest/meta-data/"}),  # 169.254.169.254 as one number
                    ("fetch", {"url": "https://docs.example.com/pricing"}),
                ]
            ),
            Reply.text("Pricing page fetched; the other two requests were refused."),
        )
        client = fp.openai_client("gpt-4o-mini")
        workbench = guard_tools([fetch, run_shell], POLICY, audit_path=audit, advertise_denied=True)
        agent = AssistantAgent("researcher", model_client=client, workbench=workbench, reflect_on_tool_use=True)
        team = RoundRobinGroupChat([agent], termination_condition=MaxMessageTermination(2))
        result = await team.run(task="Find the pricing page.")
        await client.close()
    print("answer:", result.messages[-1].to_text())
    for line in audit.read_text().splitlines():
        record = json.loads(line)
        print(f"{record['decision']:<5} {record['tool']:<9} {record['rule']:<22} agent={record['agent']}")


if __name__ == "__main__":
    asyncio.run(main())
