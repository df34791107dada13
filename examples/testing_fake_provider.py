"""Test a retrying caller against the real OpenAI and Anthropic clients, offline, with FakeProvider.

The fake provider answers the first request for each model with a provider-correct error, then with a
scripted reply; the SDK's own retry (max_retries=1) recovers, and the recorded requests show both attempts.

Run: python examples/testing_fake_provider.py
"""

from __future__ import annotations

import asyncio

from autogen_core.models import UserMessage

from agentkit.testing import FakeProvider, Fault, Reply

MESSAGES = [UserMessage(content="Say hello in one word.", source="user")]


async def main() -> None:
    async with FakeProvider() as fp:
        fp.script("gpt-4o-mini", Fault.rate_limit(retry_after=0.05), Reply.text("Hello!"))
        fp.script("claude-haiku-4-5", Fault.overloaded(), Reply.text("Hi!", usage=(12, 2)))
        for client in (
            fp.openai_client("gpt-4o-mini", max_retries=1),
            fp.anthropic_client("claude-haiku-4-5", max_retries=1),
        ):
            result = await client.create(MESSAGES)
            print(f"{type(client).__name__}: {result.content!r} usage={result.usage}")
            await client.close()
        for record in fp.requests:
            print(f"  {record.api:<9} {record.model:<17} attempt {record.attempt}: {record.outcome}")
        assert [r.outcome for r in fp.requests] == ["status 429", "ok", "status 529", "ok"]


if __name__ == "__main__":
    asyncio.run(main())
