"""Round-trip cases for ``PolicyWorkbench`` (with its policy) and ``ToolDenialTermination``."""

from __future__ import annotations

from typing import Any

from autogen_agentchat.base import TerminationCondition
from autogen_agentchat.messages import ToolCallExecutionEvent
from autogen_core import CancellationToken, Component
from autogen_core.models import FunctionExecutionResult
from autogen_core.tools import BaseTool, StaticStreamWorkbench, Workbench
from pydantic import BaseModel
from typing_extensions import Self

from agentkit.tools import PolicyWorkbench, ToolDenialTermination, ToolPolicy

from . import ComponentCase


class _Args(BaseModel):
    a: int = 0
    b: int = 0
    device: str = ""
    url: str = ""


class EchoToolConfig(BaseModel):
    name: str


class EchoTool(BaseTool[_Args, str], Component[EchoToolConfig]):  # type: ignore[type-var]  # str results work at run time
    """A serialisable test tool (no ``exec`` on load, unlike ``FunctionTool``): multiply, wipe or fetch."""

    component_type = "tool"
    component_config_schema = EchoToolConfig

    def __init__(self, name: str) -> None:
        super().__init__(_Args, str, name, f"The {name} tool.")

    async def run(self, args: _Args, cancellation_token: CancellationToken) -> str:
        if self.name == "multiply":
            return str(args.a * args.b)
        return f"{self.name} {args.device or args.url}"

    def _to_config(self) -> EchoToolConfig:
        return EchoToolConfig(name=self.name)

    @classmethod
    def _from_config(cls, config: EchoToolConfig) -> Self:
        return cls(config.name)


POLICY = ToolPolicy.from_dict(
    {
        "allow": ["multiply", "fetch_*"],
        "deny": ["wipe_*"],
        "max_calls": 10,
        "redact": ["password"],
        "tools": {
            "multiply": {"args": {"a": {"type": "integer", "maximum": 100}}, "max_calls": 3},
            "fetch_*": {"args": {"url": {"url": {"hosts": ["*.example.com"], "ports": [443, 8443]}}}},
        },
        "on_deny": "return",
    }
)


def _policy_workbench() -> PolicyWorkbench:
    tools: list[BaseTool[Any, Any]] = [EchoTool("multiply"), EchoTool("wipe_disk"), EchoTool("fetch_page")]
    return PolicyWorkbench(StaticStreamWorkbench(tools), POLICY, agent="ops", advertise_denied=False)


async def _same_policy_behaviour(original: Any, loaded: Any) -> None:
    for wb in (original, loaded):
        assert isinstance(wb, PolicyWorkbench)
        assert wb.policy == POLICY
        assert [t["name"] for t in await wb.list_tools()] == ["multiply", "fetch_page"]
        assert (await wb.call_tool("multiply", {"a": 6, "b": 7})).to_text() == "42"
        assert (await wb.call_tool("fetch_page", {"url": "https://x.example.com/"})).to_text().startswith("fetch_page")
        assert "(args.a.range)" in (await wb.call_tool("multiply", {"a": 101, "b": 1})).to_text()
        assert "(deny:wipe_*)" in (await wb.call_tool("wipe_disk", {"device": "/dev/sda"})).to_text()
        assert "(args.url.url.host)" in (await wb.call_tool("fetch_page", {"url": "https://evil.com"})).to_text()
        assert not (await wb.call_tool("fetch_page", {"url": "https://a.example.com:8443/"})).is_error
        assert wb.call_counts == {"multiply": 1, "fetch_page": 2, "*": 3}


async def _stops_only_on_recorded_refusals(original: Any, loaded: Any) -> None:
    wb = PolicyWorkbench(StaticStreamWorkbench([EchoTool("wipe_disk")]), {"deny": ["wipe_*"], "on_deny": "stop"})
    refusal = await wb.call_tool("wipe_disk", {"device": "x"}, call_id="rt-1")
    event = ToolCallExecutionEvent(
        content=[FunctionExecutionResult(content=refusal.to_text(), call_id="rt-1", is_error=True, name="wipe_disk")],
        source="ops",
    )
    for condition in (original, loaded):
        assert isinstance(condition, ToolDenialTermination)
        stop = await condition([event])
        assert stop is not None
        assert "Tool policy stopped the run" in stop.content
        await condition.reset()


CASES: list[ComponentCase] = [
    ComponentCase("policy-workbench", _policy_workbench, Workbench, _same_policy_behaviour),
    ComponentCase(
        "tool-denial-termination", ToolDenialTermination, TerminationCondition, _stops_only_on_recorded_refusals
    ),
]
