"""Act: a provider failover inside a real AutoGen agent (primary answers 503, the backup answers)."""

from __future__ import annotations

import logging
import socket
from typing import Any

from autogen_agentchat.agents import AssistantAgent
from autogen_core import EVENT_LOGGER_NAME

from .._callinfo import answered_by
from ..events import AgentkitEvent
from ._framework import ActReport, DemoEnv, anthropic_available

TITLE = "Provider failover (FailoverChatCompletionClient: primary 503 -> backup answers)"


class _Narrator(logging.Handler):
    def __init__(self, env: DemoEnv) -> None:
        super().__init__(level=logging.INFO)
        self.env = env
        self.attempts: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        event = record.msg
        if not isinstance(event, AgentkitEvent):
            return
        fields = event.kwargs
        if fields["type"] == "agentkit.ModelAttempt":
            self.attempts.append(fields)
            why = f" ({fields['error_class']}: {fields['error']})" if fields["error"] else ""
            self.env.narrate(
                f"attempt {fields['attempt']}: {fields['member']} [{fields['model']}] -> {fields['outcome']}{why}"
            )
        elif fields["type"] == "agentkit.CircuitState":
            self.env.narrate(f"circuit of {fields['member']} is now {fields['state']}")


class ServiceUnavailableError(Exception):
    """What a provider SDK raises for HTTP 503 (agentkit classifies errors by ``status_code``)."""

    status_code = 503


def _dead_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def run(env: DemoEnv) -> ActReport:
    """Answer through a failover chain whose primary is down, narrating every attempt."""
    from ..models import FailoverChatCompletionClient, FailoverMember

    if env.live:
        from autogen_ext.models.openai import OpenAIChatCompletionClient

        port = _dead_port()
        primary: Any = OpenAIChatCompletionClient(
            model="gpt-4o-mini", base_url=f"http://127.0.0.1:{port}/v1", api_key="sk-dead-route", max_retries=0
        )
        backup = env.openai_client("gpt-4o-mini")
        env.narrate(f"primary: a dead route (127.0.0.1:{port}, nothing listens); backup: the real API")
    elif env.scripted:
        from ..testing import ScriptedChatCompletionClient

        primary = ScriptedChatCompletionClient([ServiceUnavailableError("HTTP 503: overloaded")] * 4, model="gpt-4o")
        backup = ScriptedChatCompletionClient(
            ["It retries and then hands the call to the next provider, so the agent still gets an answer."],
            model="claude-3-5-sonnet-20240620",
        )
        env.narrate("primary: gpt-4o raising HTTP 503; backup: claude-3-5-sonnet (in-process scripted clients)")
    else:
        from ..testing import Fault

        assert env.provider is not None
        env.provider.always("gpt-4o", Fault.status(503))
        primary = env.openai_client("gpt-4o")
        backup = env.anthropic_client("claude-3-5-sonnet-20240620")
        named = "Anthropic claude-3-5-sonnet" if anthropic_available() else "OpenAI gpt-4o-mini (no anthropic extra)"
        env.narrate(f"primary: OpenAI gpt-4o answering HTTP 503; backup: {named} (fake provider)")
    client = FailoverChatCompletionClient(
        [FailoverMember(primary, name="primary"), FailoverMember(backup, name="backup")],
        max_attempts=2,
        backoff_initial=0.05,
        backoff_jitter=0.0,
        attempt_timeout=30,
    )
    agent = AssistantAgent("assistant", model_client=client, system_message="Answer in one sentence.")
    narrator = _Narrator(env)
    logger = logging.getLogger(EVENT_LOGGER_NAME)
    previous_level = logger.level
    logger.addHandler(narrator)
    logger.setLevel(logging.INFO)
    try:
        result = await agent.run(task="What does a failover client do?")
        who = answered_by()
    finally:
        logger.removeHandler(narrator)
        logger.setLevel(previous_level)
        await client.close()
    reply = result.messages[-1].to_text()
    env.narrate(f"assistant: {env.excerpt(reply)}")
    outcomes = [a["outcome"] for a in narrator.attempts]
    served_by = who.member if who is not None else "?"
    ok = outcomes[-1:] == ["ok"] and narrator.attempts[-1]["member"] == "backup" and len(outcomes) >= 2
    usage = client.total_usage()
    return ActReport(
        name="failover",
        title=TITLE,
        outcome=f"answered by {narrator.attempts[-1]['member'] if narrator.attempts else '?'} after "
        f"{len(outcomes) - 1} failed attempt(s) on the primary",
        facts={
            "attempts": " -> ".join(outcomes),
            "primary_error": narrator.attempts[0]["error_class"] if narrator.attempts else None,
            "answered_by": served_by,
            "completion_tokens": usage.completion_tokens,
        },
        ok=ok,
    )
