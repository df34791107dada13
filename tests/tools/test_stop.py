"""``on_deny: "stop"``: once a call is refused, no sibling call of the batch runs - approval-gated ones included."""

from __future__ import annotations

import asyncio
import threading

import pytest
from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.conditions import MaxMessageTermination
from autogen_agentchat.messages import ToolCallExecutionEvent
from autogen_agentchat.teams import RoundRobinGroupChat
from autogen_core.tools import FunctionTool, StaticStreamWorkbench

from agentkit.testing import ScriptedChatCompletionClient
from agentkit.tools import ApprovalRequest, PolicyWorkbench, ToolDecision, ToolDenialTermination

from ._helpers import EXECUTED, add, delete_file, tool_calls


def transfer(amount: float) -> str:
    """Move money (pretend)."""
    EXECUTED.append(("transfer", {"amount": amount}))
    return f"moved {amount}"


POLICY = {"deny": ["delete_*"], "on_deny": "stop", "tools": {"transfer": {"require_approval": True}}}


def _tools() -> StaticStreamWorkbench:
    return StaticStreamWorkbench(
        [FunctionTool(transfer, "Transfer."), FunctionTool(delete_file, "Delete."), FunctionTool(add, "Add.")]
    )


class _GateOnDeny:
    """An audit sink that opens a gate when it records a refusal (the approver waits for it: no sleeps)."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.records: list[ToolDecision] = []

    def write(self, record: ToolDecision) -> None:
        self.records.append(record)
        if record.decision == "deny":
            self.gate.set()


@pytest.fixture(autouse=True)
def _clear() -> None:
    EXECUTED.clear()


async def test_approval_gated_sibling_does_not_run_after_the_stop() -> None:
    """Issue #12 item 5, end to end: the approver says yes only after the sibling was refused."""
    sink = _GateOnDeny()

    async def approve_late(request: ApprovalRequest) -> bool:
        await sink.gate.wait()
        return True

    wb = PolicyWorkbench(_tools(), POLICY, approval=approve_late, audit=sink, advertise_denied=True)
    model = ScriptedChatCompletionClient(
        [tool_calls(("transfer", '{"amount": 5}'), ("delete_file", '{"path": "/"}')), "never reached"]
    )
    agent = AssistantAgent("payer", model_client=model, workbench=wb)
    team = RoundRobinGroupChat([agent], termination_condition=ToolDenialTermination() | MaxMessageTermination(10))
    result = await team.run(task="pay and clean")
    assert EXECUTED == []
    outcomes = {r.name: r.content for m in result.messages if isinstance(m, ToolCallExecutionEvent) for r in m.content}
    assert "(deny:delete_*)" in outcomes["delete_file"]
    assert "(stopped)" in outcomes["transfer"]
    assert result.stop_reason is not None
    assert "Tool policy stopped the run" in result.stop_reason
    assert [(r.tool, r.rule, r.approval) for r in sink.records] == [
        ("delete_file", "deny:delete_*", None),
        ("transfer", "stopped", "approved"),
    ]


async def test_concurrent_siblings_waiting_anywhere_are_refused_after_the_stop() -> None:
    sink = _GateOnDeny()

    async def approve_late(request: ApprovalRequest) -> bool:
        await sink.gate.wait()
        return True

    wb = PolicyWorkbench(_tools(), POLICY, approval=approve_late, audit=sink, advertise_denied=True)
    gated = [asyncio.ensure_future(wb.call_tool("transfer", {"amount": i})) for i in range(5)]
    refused = await wb.call_tool("delete_file", {"path": "/"})
    results = await asyncio.gather(*gated)
    assert refused.is_error
    assert all(r.is_error and "(stopped)" in r.to_text() for r in results)
    assert (await wb.call_tool("add", {"a": 1, "b": 1})).is_error  # and every later call
    assert EXECUTED == []
    await wb.reset()
    assert not (await wb.call_tool("add", {"a": 1, "b": 1})).is_error


async def test_a_failed_audit_write_also_stops() -> None:
    class Broken:
        def write(self, record: ToolDecision) -> None:
            raise OSError("disk full")

    wb = PolicyWorkbench(_tools(), POLICY, audit=Broken())
    assert "(audit.error)" in (await wb.call_tool("add", {"a": 1, "b": 1})).to_text()
    assert wb._stopped


def test_the_stop_is_checked_atomically_with_the_reservation() -> None:
    wb = PolicyWorkbench(_tools(), {**POLICY, "max_calls": 10_000})
    plan = wb._plan("add")
    admitted: list[bool] = []
    start = threading.Barrier(9)

    def worker() -> None:
        start.wait()
        for _ in range(200):
            admitted.append(wb._check_limits(plan, reserve=True).allowed)

    def stopper() -> None:
        start.wait()
        wb._halt_if_stopping()

    threads = [threading.Thread(target=worker) for _ in range(8)] + [threading.Thread(target=stopper)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # every reservation either happened before the stop (and was counted) or was refused after it
    assert wb.call_counts["*"] == sum(admitted)
    assert not wb._check_limits(plan, reserve=True).allowed
