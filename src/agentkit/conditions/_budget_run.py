"""``run_with_budget``: run a team and turn an admission-control refusal into a ``TaskResult``."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING

from autogen_agentchat.base import TaskResult, Team
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage, ModelClientStreamingChunkEvent
from autogen_core import CancellationToken

from ..exceptions import BudgetExceededError

if TYPE_CHECKING:
    from ._budget import BudgetTermination

__all__ = ("BUDGET_STOP_PREFIX", "run_with_budget")

BUDGET_STOP_PREFIX = "Budget exceeded: "
"""``stop_reason`` prefix of a run that :func:`run_with_budget` ended because a call was refused."""

_ERROR_PREFIX = "BudgetExceededError: "
_NESTED_PREFIX = "RuntimeError: "

_IN_BUDGET_RUN: ContextVar[bool] = ContextVar("agentkit_budget_run", default=False)

_TEAM_OF: weakref.WeakKeyDictionary[BudgetTermination, str] = weakref.WeakKeyDictionary()
"""Run-scoped budgets and the id of the team whose run each last counted (weak: budgets come and go)."""


def note_team(budget: BudgetTermination, team: str) -> None:
    """Remember that run-scoped ``budget`` counts runs of the team with id ``team``."""
    _TEAM_OF[budget] = team


def _team_ids(team: Team, depth: int = 0) -> set[str]:
    """AutoGen's ids of ``team`` and of the teams nested in it (``CallRecord.team``; private in 0.7.5)."""
    key = getattr(team, "_team_id", None)
    ids = {key} if isinstance(key, str) else set()
    participants = getattr(team, "_participants", None)
    if isinstance(participants, list) and depth < 8:
        for participant in participants:
            if isinstance(participant, Team):
                ids |= _team_ids(participant, depth + 1)
    return ids


def _begin_runs(team: Team) -> None:
    """Re-arm the run-scoped budgets that counted an earlier run of ``team`` (or of a team nested in it)."""
    ids = _team_ids(team)
    if ids:
        for budget, seen in list(_TEAM_OF.items()):
            if seen in ids:
                budget._begin_run()


class _QuietRefusals(logging.Filter):
    """Drop AutoGen's tracebacks for a refusal that :func:`run_with_budget` turns into a ``TaskResult``.

    AutoGen's runtime logs every handler that raises, at ERROR with a traceback, on the ``autogen_core``
    logger: the refused agent's ``BudgetExceededError``, then, from every other participant, ``ValueError:
    Unhandled message in agent container: GroupChatError`` (its echo of the same error). Inside
    ``run_with_budget`` the refusal is handled — it becomes the run's result — so those records are noise.
    The flag travels in a context variable that the team's runtime tasks inherit, so other runs (and any
    other error, which is still logged and raised) are untouched.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.exc_info or not _IN_BUDGET_RUN.get():
            return True
        error = record.exc_info[1]
        if isinstance(error, BudgetExceededError):
            return False
        if isinstance(error, RuntimeError) and _unwrapped(str(error)).startswith(_ERROR_PREFIX):  # a nested team's
            return False
        return not (isinstance(error, ValueError) and "Unhandled message in agent container" in str(error))


def _unwrapped(text: str) -> str:
    """An error's text without the ``"RuntimeError: "`` AutoGen adds once per nested team."""
    while text.startswith(_NESTED_PREFIX):
        text = text[len(_NESTED_PREFIX) :]
    return text


_QUIET = _QuietRefusals()


def _install_filter() -> None:
    logger = logging.getLogger("autogen_core")
    if _QUIET not in logger.filters:
        logger.addFilter(_QUIET)


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
    catches exactly that error (or the ``BudgetExceededError`` itself, which a request handler such as
    MagenticOne's start passes on unwrapped) and returns ``TaskResult(messages=<messages produced before the refusal>,
    stop_reason="Budget exceeded: <reason>")``; any other error propagates unchanged.

    Each call is one run of the team: run-scoped budgets that counted an earlier run of this team — as its
    termination condition or only through a metered client's ``budget=`` — count from the moment this call
    starts (AutoGen re-arms only the team's own condition, and only when a run stops normally). After a
    refusal the team can run again (the refused agent's turn is simply not in its history). The
    tracebacks AutoGen's runtime logs for the refusal (and its echo in the other participants) are not
    logged: the refusal is handled here.
    """
    _install_filter()
    _begin_runs(team)
    messages: list[BaseAgentEvent | BaseChatMessage] = []
    result: TaskResult | None = None
    marker = _IN_BUDGET_RUN.set(True)
    try:
        async for item in team.run_stream(
            task=task, cancellation_token=cancellation_token, output_task_messages=output_task_messages
        ):
            if isinstance(item, TaskResult):
                result = item  # keep iterating: the team marks itself stopped after yielding its result
            elif not isinstance(item, ModelClientStreamingChunkEvent):
                messages.append(item)
    except (RuntimeError, BudgetExceededError) as error:
        text = _unwrapped(str(error))
        if isinstance(error, BudgetExceededError):  # raised in a request handler (e.g. MagenticOne's start)
            reason = text
        elif text.startswith(_ERROR_PREFIX):  # AutoGen's wrapping of an error in a participant's turn
            reason = text[len(_ERROR_PREFIX) :].split("\nTraceback", 1)[0].strip()
        else:
            raise
        from ..deadlines._recover import recover

        await recover(team, "restore")  # the refused turn is undone; the refused speaker goes first next run
        return TaskResult(messages=messages, stop_reason=BUDGET_STOP_PREFIX + reason)
    finally:
        _IN_BUDGET_RUN.reset(marker)
    if result is None:  # pragma: no cover - AutoGen's contract
        raise RuntimeError("The team's run_stream() ended without a TaskResult.")
    return result
