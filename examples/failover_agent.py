"""An AutoGen agent on a failover chain whose primary is down: the backup answers, every attempt is logged.

Runs offline: the members are scripted clients from ``agentkit.testing`` (swap in real clients in production).
"""

from __future__ import annotations

import asyncio
import logging

from autogen_agentchat.agents import AssistantAgent
from autogen_core import EVENT_LOGGER_NAME
from autogen_core.models import UserMessage

from agentkit.events import AgentkitEvent
from agentkit.exceptions import IncompleteStreamError
from agentkit.models import FailoverChatCompletionClient, FailoverMember
from agentkit.testing import Scripted, ScriptedChatCompletionClient


class Overloaded(Exception):
    """What the Anthropic SDK raises for HTTP 529 (classification reads ``status_code``)."""

    status_code = 529


class PrintAttempts(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, AgentkitEvent) and record.msg["type"] == "agentkit.ModelAttempt":
            e = record.msg.kwargs
            print(f"  attempt {e['attempt']}: {e['member']} -> {e['outcome']} {e['error_class'] or ''}")


async def main() -> None:
    logger = logging.getLogger(EVENT_LOGGER_NAME)
    handler, level = PrintAttempts(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        await run()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


async def run() -> None:
    primary = ScriptedChatCompletionClient([Overloaded("529"), Overloaded("529")], model="claude-sonnet")
    backup = ScriptedChatCompletionClient(["A failover client tries the next provider."], model="gpt-4o")
    client = FailoverChatCompletionClient(
        [FailoverMember(primary, name="anthropic"), FailoverMember(backup, name="openai")],
        max_attempts=2,
        backoff_initial=0.01,  # short for the example; the default is 0.5 s
        backoff_jitter=0.0,
    )
    agent = AssistantAgent("assistant", model_client=client)
    print("create():")
    result = await agent.run(task="What does a failover client do?")
    print(" ", result.messages[-1].to_text())
    assert client.total_usage().completion_tokens > 0

    print("create_stream() cut after the first chunk:")
    cut = ScriptedChatCompletionClient([Scripted("one two three", raises=ConnectionResetError(), raise_after=1)])
    streaming = FailoverChatCompletionClient([cut, ScriptedChatCompletionClient(["unused"], model="spare")])
    try:
        async for _ in streaming.create_stream([UserMessage(content="Count to three.", source="user")]):
            pass
    except IncompleteStreamError as error:
        print(f"  IncompleteStreamError, partial text {error.partial_text!r} from {error.member}")
    await client.close()


if __name__ == "__main__":
    asyncio.run(main())
