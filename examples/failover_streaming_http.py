"""Failover with the real OpenAI and Anthropic clients over HTTP (against the local fake provider).

The primary (OpenAI) is rate limited, then overloaded; the Anthropic backup streams the answer. A second
call shows the streaming contract: the primary's stream is cut after two chunks, and the caller gets a typed
``IncompleteStreamError`` with the partial text instead of a truncated "success". Offline, loopback only.
"""

from __future__ import annotations

import asyncio

from autogen_core.models import CreateResult, UserMessage

from agentkit.exceptions import IncompleteStreamError
from agentkit.models import FailoverChatCompletionClient, FailoverMember
from agentkit.testing import FakeProvider, Fault, Reply

QUESTION = [UserMessage(content="Name a failover strategy.", source="user")]


async def stream(client: FailoverChatCompletionClient) -> CreateResult:
    async for item in client.create_stream(QUESTION):
        if isinstance(item, CreateResult):
            return item
        print(f"  chunk: {item!r}")
    raise AssertionError("no final result")


async def main() -> None:
    async with FakeProvider() as fp:
        fp.script("gpt-4o", Fault.rate_limit(retry_after=0), Fault.server_error(503), Fault.server_error(503))
        fp.script("claude-3-5-sonnet-20240620", Reply.text("Retry, then fail over."))
        client = FailoverChatCompletionClient(
            [
                FailoverMember(fp.openai_client("gpt-4o"), name="openai"),
                FailoverMember(fp.anthropic_client("claude-3-5-sonnet-20240620"), name="anthropic"),
            ],
            backoff_initial=0.01,  # short for the example; the default is 0.5 s
            backoff_jitter=0.0,
        )
        result = await stream(client)
        print(f"answer: {result.content!r}; the primary got {len(fp.requests_for('gpt-4o'))} requests")
        assert result.content == "Retry, then fail over."

        fp.script("gpt-4o", Reply.text("one two three four", cut_after=2))
        try:
            await stream(client)
        except IncompleteStreamError as error:
            print(f"IncompleteStreamError from {error.member}: partial text {error.partial_text!r}")
        await client.close()


if __name__ == "__main__":
    asyncio.run(main())
