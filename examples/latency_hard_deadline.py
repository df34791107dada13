"""Stop a team at a hard deadline even though one agent's model call hangs, and keep what was done.

Runs offline: agentkit's FakeProvider plays the OpenAI API on 127.0.0.1, and the reviewer's model never
answers (``Fault.hang()``). ``run_with_deadline`` cancels the hung HTTP call at the deadline and returns a
``TaskResult`` with the writer's message; the team is restored and can run again.
"""

from __future__ import annotations

import asyncio
import time

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.conditions import MaxMessageTermination
from autogen_agentchat.teams import RoundRobinGroupChat

from agentkit.deadlines import run_with_deadline
from agentkit.testing import FakeProvider, Fault


async def main() -> None:
    """Run writer -> reviewer with a 1 s hard deadline; the reviewer's provider hangs."""
    async with FakeProvider() as fp:
        fp.always("gpt-4o", Fault.hang())
        writer_client, reviewer_client = fp.openai_client("gpt-4o-mini"), fp.openai_client("gpt-4o")
        team = RoundRobinGroupChat(
            [
                AssistantAgent("writer", model_client=writer_client),
                AssistantAgent("reviewer", model_client=reviewer_client),
            ],
            termination_condition=MaxMessageTermination(4),
        )

        started = time.monotonic()
        result = await run_with_deadline(team, task="Write a tagline for a bakery.", hard=1.0)
        print(f"returned after {time.monotonic() - started:.2f} s")
        print("stop reason:", result.stop_reason)
        for message in result.messages:
            print(f"  {message.source}: {message.to_text()[:60]}")
        assert result.stop_reason is not None
        assert result.stop_reason.startswith("Hard deadline")

        fp.reset()  # the provider recovers; the team was restored, so it simply runs again
        again = await team.run(task="And one for a florist.")
        print("second run:", [m.source for m in again.messages], "-", again.stop_reason)
        await writer_client.close()
        await reviewer_client.close()


if __name__ == "__main__":
    asyncio.run(main())
