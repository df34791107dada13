"""Ask a human (here: a function) before money moves; cap, refuse or time out, and fail closed.

The policy's argument rules run first (a million is refused before anyone is asked); the approver then edits
large transfers down to 100 (edited arguments are checked against the rules again), refuses foreign
currencies, and a hanging approver is denied after the policy's timeout. A ManualClock
stands in for time, so the timeout is shown without waiting.

Run: python examples/tools_approval.py
"""

from __future__ import annotations

import asyncio

from autogen_core.tools import FunctionTool, StaticWorkbench

from agentkit.testing import ManualClock
from agentkit.tools import ApprovalDecision, ApprovalRequest, PolicyWorkbench

POLICY = {
    "allow": ["transfer"],
    "approval_timeout_s": 60,
    "tools": {
        "transfer": {
            "require_approval": True,
            "args": {
                "amount": {"type": "number", "minimum": 0, "maximum": 10_000},
                "currency": {"allowed_values": ["EUR", "USD"]},
            },
        }
    },
}


async def transfer(amount: float, currency: str = "EUR") -> str:
    """Move money between the user's accounts."""
    return f"moved {amount} {currency}"


async def approver(request: ApprovalRequest) -> ApprovalDecision:
    if request.arguments.get("currency", "EUR") != "EUR":
        return ApprovalDecision.deny("only euro transfers today")
    if request.arguments["amount"] > 100:
        return ApprovalDecision.edit({**request.arguments, "amount": 100}, "capped")
    return ApprovalDecision.approve()


async def main() -> None:
    tools = StaticWorkbench([FunctionTool(transfer, description="Transfer money.")])
    workbench = PolicyWorkbench(tools, POLICY, approval=approver)
    for arguments in ({"amount": 40}, {"amount": 2500}, {"amount": 10, "currency": "USD"}, {"amount": 10**6}):
        result = await workbench.call_tool("transfer", arguments)
        print(f"{arguments} -> {result.to_text()}")

    clock = ManualClock()
    asked = asyncio.Event()

    async def on_holiday(request: ApprovalRequest) -> bool:
        asked.set()
        await asyncio.Event().wait()  # nobody answers
        return True

    workbench = PolicyWorkbench(tools, POLICY, approval=on_holiday, clock=clock)
    call = asyncio.ensure_future(workbench.call_tool("transfer", {"amount": 1}))
    await asked.wait()
    await clock.advance(60)
    print("no answer ->", (await call).to_text())


if __name__ == "__main__":
    asyncio.run(main())
