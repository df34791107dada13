"""``run_with_budget``: run a team and turn an admission-control refusal into a ``TaskResult``."""

from __future__ import annotations

from collections.abc import Sequence

from autogen_agentchat.base import TaskResult, Team
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage, ModelClientStreamingChunkEvent
from autogen_core import CancellationToken

__all__ = ("BUDGET_STOP_PREFIX", "run_with_budget")

BUDGET_STOP_PREFIX = "Budget exceeded: "
"""``stop_reason`` prefix of a run that :func:`run_with_budget` ended because a call was refused."""

_ERROR_PREFIX = "BudgetExceededError: "


async def run_with_budget(
    team: Team,
    *,
    task: str | BaseChatMessage | Sequence[BaseChatMessage] | None = None,
    cancellation_token: CancellationToken | None = None,
    output_task_messages: bool = True,
) -> TaskResult:
    """Run ``team`` like ``team.run()``, but end with a ``TaskResult`` when admission control refuses a call.

    A :class:`~agentkit.models.MeteredChatCompletionClient` with ``budget=`` and ``on_refusal="raise"``
    raises :class:`~agentkit.exceptions.BudgetExceededError` inside an agent; AutoGen turns that into
    ``RuntimeError("BudgetExceededError: <reason>, Traceback: ...")`` out of ``team.run()``. This helper
    catches exactly that error and returns ``TaskResult(messages=<messages produced before the refusal>,
    stop_reason="Budget exceeded: <reason>")``; any other error propagates unchanged.

    After such a stop the team can run again (the refused agent's turn is simply not in its history).
    """
    messages: list[BaseAgentEvent | BaseChatMessage] = []
    result: TaskResult | None = None
    try:
        async for item in team.run_stream(
            task=task, cancellation_token=cancellation_token, output_task_messages=output_task_messages
        ):
            if isinstance(item, TaskResult):
                result = item  # keep iterating: the team marks itself stopped after yielding its result
            elif not isinstance(item, ModelClientStreamingChunkEvent):
                messages.append(item)
    except RuntimeError as error:
        text = str(error)
        if not text.startswith(_ERROR_PREFIX):
            raise
        reason = text[len(_ERROR_PREFIX) :].split("\nTraceback", 1)[0].strip()
        return TaskResult(messages=messages, stop_reason=BUDGET_STOP_PREFIX + reason)
    if result is None:  # pragma: no cover - AutoGen's contract
        raise RuntimeError("The team's run_stream() ended without a TaskResult.")
    return result
