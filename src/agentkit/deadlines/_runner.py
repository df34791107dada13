"""Run a team or an agent under a hard deadline that interrupts work in flight.

How it works: the run gets its own ``CancellationToken``. A timer on the injected clock cancels that token
when the hard deadline passes; AutoGen links the token to every model call (the SDK request is cancelled)
and every tool execution (the tool's coroutine receives ``CancelledError``), and to the team's output
queue, so the run unwinds within milliseconds. The runner catches that cancellation (and only that one),
puts the team back into a usable state and hands back a ``TaskResult`` holding every message produced so
far, with a ``stop_reason`` that names the deadline.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

from autogen_agentchat.base import ChatAgent, TaskResult, TaskRunner, Team, TerminationCondition
from autogen_agentchat.conditions import ExternalTermination
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage, ModelClientStreamingChunkEvent
from autogen_core import CancellationToken

from .._clock import SYSTEM_CLOCK, Clock
from .._utils import to_seconds
from ..conditions._latency import check_clock, fmt_seconds
from ..events import DeadlineEvent, emit
from ..exceptions import ConfigurationError
from ._recover import AfterHardStop, recover
from ._wrap_up import WrapUpTermination

__all__ = ("AfterHardStop", "run_stream_with_deadline", "run_with_deadline")

Task = str | BaseChatMessage | Sequence[BaseChatMessage] | None
WrapUp = WrapUpTermination | ExternalTermination
StreamItem = BaseAgentEvent | BaseChatMessage | TaskResult


@dataclass
class _Failed:
    error: BaseException


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_DONE = _Sentinel("DONE")
_HARD = _Sentinel("HARD")


@dataclass
class _State:
    soft_fired: bool = False
    hard_fired: bool = False
    interrupting: bool = False
    hard_elapsed: float = 0.0
    escalated: bool = False
    stuck: bool = False


_CURRENT_RUN: ContextVar[_State | None] = ContextVar("agentkit_deadline_run", default=None)


class _QuietCancellations(logging.Filter):
    """Drop AutoGen's "Error processing publish message" tracebacks for cancellations the runner caused.

    The runtime logs every handler that ends with ``CancelledError`` at ERROR with a traceback; when the runner
    cancelled it on purpose that is noise. The run's state travels in a context variable, which the team's
    runtime tasks inherit from the pump task that starts them, so other runs' errors are never hidden.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        state = _CURRENT_RUN.get()
        if state is None or not state.interrupting or not record.exc_info:
            return True
        return not isinstance(record.exc_info[1], asyncio.CancelledError)


_QUIET = _QuietCancellations()


def _install_filter() -> None:
    logger = logging.getLogger("autogen_core")
    if _QUIET not in logger.filters:
        logger.addFilter(_QUIET)


def _relative(value: float | timedelta | datetime, *, field: str, clock: Clock) -> float:
    """Seconds from now until ``value`` (a datetime may already have passed: then <= 0)."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ConfigurationError(
                field,
                f"a datetime deadline must be timezone-aware, got the naive {value.isoformat()}.",
                "Pass e.g. datetime(2026, 1, 1, 12, tzinfo=timezone.utc).",
            )
        return (value - clock.now()).total_seconds()
    return to_seconds(value, field=field)


def _find_wrap_ups(condition: TerminationCondition | None) -> list[WrapUp]:
    """Every ``WrapUpTermination`` in a condition tree (And/Or nest their children in ``_conditions``)."""
    if condition is None:
        return []
    if isinstance(condition, WrapUpTermination):
        return [condition]
    found: list[WrapUp] = []
    for child in getattr(condition, "_conditions", ()):
        found.extend(_find_wrap_ups(child))
    return found


def _wrap_up_targets(target: TaskRunner, wrap_up: WrapUp | None) -> list[WrapUp]:
    if wrap_up is not None:
        if not isinstance(wrap_up, (WrapUpTermination, ExternalTermination)):
            raise ConfigurationError(
                "wrap_up",
                f"must be a WrapUpTermination or an ExternalTermination, got {type(wrap_up).__name__}.",
            )
        return [wrap_up]
    found = _find_wrap_ups(getattr(target, "_termination_condition", None))
    if not found:
        raise ConfigurationError(
            "soft",
            "a soft deadline needs a condition to set at the soft deadline, and the "
            + ("agent" if isinstance(target, ChatAgent) else "team")
            + " has no WrapUpTermination in its termination condition.",
            "Add one to the team (termination_condition=... | WrapUpTermination()) or pass wrap_up=; "
            "a single agent has no turn boundary to wrap up at, so give it only a hard deadline.",
        )
    return found


def _name(target: TaskRunner) -> str:
    name = getattr(target, "name", None)
    return name if isinstance(name, str) else type(target).__name__


async def run_stream_with_deadline(
    target: TaskRunner,
    *,
    task: Task = None,
    hard: float | timedelta | datetime,
    soft: float | timedelta | datetime | None = None,
    wrap_up: WrapUp | None = None,
    after_hard_stop: AfterHardStop = "restore",
    grace: float | timedelta = 1.0,
    cancellation_token: CancellationToken | None = None,
    output_task_messages: bool = True,
    clock: Clock = SYSTEM_CLOCK,
) -> AsyncGenerator[StreamItem, None]:
    """Stream a team's (or agent's) run like ``run_stream``, under a hard deadline that interrupts it.

    Yields every message and event of the run, then a final ``TaskResult``. If the run ends by itself, that
    is AutoGen's own result. If the hard deadline passes first, the runner cancels the model calls and tool
    executions in flight (through the run's ``CancellationToken``), recovers the team (see
    ``after_hard_stop``), emits a :class:`~agentkit.events.DeadlineEvent` (``kind="hard"``) and yields a
    ``TaskResult`` with every message produced so far (streaming chunks excluded, as in AutoGen) and a
    ``stop_reason`` starting with ``"Hard deadline"``. No ``CancelledError`` escapes.

    Soft deadline: at ``soft`` the runner emits a ``DeadlineEvent`` (``kind="soft"``) and sets the wrap-up
    condition: the ``wrap_up=`` argument, or every :class:`~agentkit.deadlines.WrapUpTermination` found in
    the team's termination condition. The team then stops at the next turn boundary as an ordinary AutoGen
    stop: the turn in flight completes, nothing is cancelled, the ``stop_reason`` names the soft deadline.
    If that turn is still running at the hard deadline, the hard stop applies.

    Args:
        target: A team (``RoundRobinGroupChat``, ``SelectorGroupChat``, ...) or an agent.
        task: The task, as for ``run_stream``.
        hard: Hard deadline: seconds or ``timedelta`` from the call, or a timezone-aware ``datetime``. An
            absolute deadline that has already passed returns at once without starting the run.
        soft: Optional soft deadline (same forms), earlier than ``hard``. Needs a wrap-up condition.
        wrap_up: The condition to set at the soft deadline (a ``WrapUpTermination`` or AutoGen's
            ``ExternalTermination``); by default found in the team's termination condition.
        after_hard_stop: How to make the team usable again after a hard stop. AutoGen does not reset a team
            whose run was cancelled: its termination condition keeps its state, the interrupted agent keeps
            half a turn, and the group chat manager still waits for the interrupted speaker (even
            ``team.reset()`` does not clear that in AutoGen 0.7.5, so the next run would stall; the runner
            always clears it). ``"restore"`` (default) keeps the conversation, as after a normal stop: it
            saves the team's state, resets the team (which resets its termination condition) and loads the
            state back with the interrupted turn undone. ``"reset"`` calls ``team.reset()`` (agents forget the
            conversation). ``"none"`` leaves the rest as AutoGen left it. For a single agent, ``"restore"``
            drops a dangling tool-call request from its model context and ``"reset"`` calls ``on_reset``.
        grace: After cancelling, how long to wait for the run to unwind before cancelling the pump task
            itself (for components that ignore the token); measured on ``clock``.
        cancellation_token: Your own token: cancelling it cancels the run with ``CancelledError`` as in
            AutoGen (the team is recovered as for a hard stop first).
        output_task_messages: As for ``run_stream``.
        clock: Clock for the deadline timers (``ManualClock`` in tests).

    Raises:
        ConfigurationError: for a non-positive duration, a naive datetime, ``soft >= hard``, or a soft
            deadline without a wrap-up condition.
        asyncio.CancelledError: only if *you* cancel (your token, or the task consuming the stream).
    """
    clock = check_clock(clock)
    if after_hard_stop not in ("reset", "restore", "none"):
        raise ConfigurationError("after_hard_stop", f"must be 'reset', 'restore' or 'none', got {after_hard_stop!r}.")
    hard_s = _relative(hard, field="hard", clock=clock)
    soft_s = None if soft is None else _relative(soft, field="soft", clock=clock)
    if soft_s is not None and soft_s >= hard_s:
        raise ConfigurationError(
            "soft",
            f"must come before the hard deadline ({fmt_seconds(soft_s)} >= {fmt_seconds(hard_s)}).",
            "Pass a soft deadline earlier than the hard one, e.g. hard=30, soft=25.",
        )
    grace_s = to_seconds(grace, field="grace", allow_zero=True)
    wrap_ups = _wrap_up_targets(target, wrap_up) if soft_s is not None else []
    name = _name(target)

    if hard_s <= 0:
        emit(DeadlineEvent(kind="hard", deadline_s=hard_s, elapsed_s=0.0, target=name, started=False))
        yield TaskResult(
            messages=[],
            stop_reason=f"Hard deadline had already passed ({fmt_seconds(-hard_s)} ago): the run was not started.",
        )
        return

    start = clock.monotonic()
    token = CancellationToken()
    state = _State()
    queue: asyncio.Queue[StreamItem | _Failed | _Sentinel] = asyncio.Queue()

    _install_filter()

    async def pump() -> None:
        _CURRENT_RUN.set(state)
        try:
            async for item in target.run_stream(
                task=task, cancellation_token=token, output_task_messages=output_task_messages
            ):
                queue.put_nowait(item)
        except BaseException as error:  # handed to the consumer, which re-raises what it does not own
            queue.put_nowait(_Failed(error))
        else:
            queue.put_nowait(_DONE)

    pump_task: asyncio.Future[None] = asyncio.ensure_future(pump())
    if cancellation_token is not None:

        def cancelled_by_caller() -> None:
            state.interrupting = True
            token.cancel()
            _interrupt(target, pump_task)

        cancellation_token.add_callback(cancelled_by_caller)

    async def wait_for_pump(seconds: float) -> bool:
        if pump_task.done():
            return True
        sleeper = asyncio.ensure_future(clock.sleep(seconds))
        try:
            await asyncio.wait({pump_task, sleeper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
        return pump_task.done()

    async def timer() -> None:
        if soft_s is not None:
            await clock.sleep(soft_s)
            elapsed = clock.monotonic() - start
            reason = (
                f"Soft deadline of {fmt_seconds(soft_s)} reached after {fmt_seconds(elapsed)}: "
                f"wrapped up at the turn boundary (hard deadline {fmt_seconds(hard_s)})."
            )
            for condition in wrap_ups:
                if isinstance(condition, WrapUpTermination):
                    condition.set(reason)
                else:
                    condition.set()
            state.soft_fired = True
            emit(DeadlineEvent(kind="soft", deadline_s=soft_s, elapsed_s=elapsed, target=name))
            await clock.sleep(max(0.0, hard_s - (clock.monotonic() - start)))
        else:
            await clock.sleep(hard_s)
        state.hard_fired = state.interrupting = True
        state.hard_elapsed = clock.monotonic() - start
        token.cancel()
        _interrupt(target, pump_task)
        if not await wait_for_pump(grace_s):
            state.escalated = True
            pump_task.cancel()
            state.stuck = not await wait_for_pump(grace_s)
        queue.put_nowait(_HARD)

    timer_task: asyncio.Future[None] = asyncio.ensure_future(timer())
    messages: list[BaseAgentEvent | BaseChatMessage] = []
    finished = False
    try:
        while True:
            item = await queue.get()
            if isinstance(item, (BaseAgentEvent, BaseChatMessage)):
                if not isinstance(item, ModelClientStreamingChunkEvent):
                    messages.append(item)
                yield item
                continue
            if isinstance(item, TaskResult):
                timer_task.cancel()
                finished = True
                yield item
                continue
            if item is _DONE:
                return
            if isinstance(item, _Failed) and not (state.hard_fired and isinstance(item.error, asyncio.CancelledError)):
                timer_task.cancel()
                if isinstance(item.error, asyncio.CancelledError):  # cancelled by the caller's token
                    await _settle(target, pump_task, after_hard_stop)
                raise item.error
            # The hard deadline fired: the pump stopped with the cancellation it caused (or the timer gave up).
            await timer_task
            break
        stopped_after = clock.monotonic() - start
        recovered = "not recovered"
        if not state.stuck:
            await recover(target, after_hard_stop)
            recovered = {"reset": "reset", "restore": "restored", "none": "left as is"}[after_hard_stop]
        emit(
            DeadlineEvent(
                kind="hard",
                deadline_s=hard_s,
                elapsed_s=state.hard_elapsed,
                stopped_after_s=stopped_after,
                target=name,
                messages=len(messages),
                escalated=state.escalated,
                stuck=state.stuck,
                recovery=after_hard_stop,
            )
        )
        reason = (
            f"Hard deadline of {fmt_seconds(hard_s)} reached after {fmt_seconds(state.hard_elapsed)}: "
            f"work in flight was cancelled; {len(messages)} message{'' if len(messages) == 1 else 's'} kept; "
            f"{_kind(target)} {recovered}."
        )
        if state.stuck:
            reason += " The run ignored cancellation and is still running; do not reuse it."
        finished = True
        yield TaskResult(messages=messages, stop_reason=reason)
    finally:
        timer_task.cancel()
        if not pump_task.done():
            # The consumer stopped early (break, aclose or its own cancellation): stop the run too.
            state.interrupting = True
            token.cancel()
            _interrupt(target, pump_task)
            await _settle(target, pump_task, after_hard_stop if not finished else "none", grace_s, clock)
        if state.soft_fired:
            for condition in wrap_ups:
                await condition.reset()  # a request the run never consumed must not stop the next run


def _interrupt(target: TaskRunner, pump_task: asyncio.Future[None]) -> None:
    """Cancel what the token cannot reach.

    The token cancels linked model calls and tool executions, but AutoGen 0.7.5's ``AssistantAgent`` then
    waits forever for the results of a cancelled tool call (its tool-result queue never gets its end marker),
    and a team's run only ends once its runtime is idle. So for a team with its own (embedded) runtime the
    runner also cancels the runtime's in-flight message handlers, and for a single agent the task running
    it. A team on a runtime you passed in (``runtime=``) is left to the token: its runtime may be shared.
    """
    if isinstance(target, Team):
        runtime = getattr(target, "_runtime", None)
        handlers = getattr(runtime, "_background_tasks", None)
        if getattr(target, "_embedded_runtime", False) and isinstance(handlers, set):
            for handler in list(handlers):
                handler.cancel()
    else:
        pump_task.cancel()


def _kind(target: TaskRunner) -> str:
    return "agent" if isinstance(target, ChatAgent) else "team"


async def _settle(
    target: TaskRunner,
    pump_task: asyncio.Future[None],
    mode: AfterHardStop,
    grace_s: float = 0.0,
    clock: Clock = SYSTEM_CLOCK,
) -> None:
    """Wait (boundedly) for a cancelled run to unwind, then recover the team."""
    if not pump_task.done():
        sleeper = asyncio.ensure_future(clock.sleep(grace_s))
        try:
            await asyncio.wait({pump_task, sleeper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
        if not pump_task.done():
            pump_task.cancel()
            return
    await recover(target, mode)


async def run_with_deadline(
    target: TaskRunner,
    *,
    task: Task = None,
    hard: float | timedelta | datetime,
    soft: float | timedelta | datetime | None = None,
    wrap_up: WrapUp | None = None,
    after_hard_stop: AfterHardStop = "restore",
    grace: float | timedelta = 1.0,
    cancellation_token: CancellationToken | None = None,
    output_task_messages: bool = True,
    clock: Clock = SYSTEM_CLOCK,
) -> TaskResult:
    """Run a team (or agent) like ``run``, under a hard deadline that interrupts it.

    Same arguments as :func:`run_stream_with_deadline`, which documents the deadlines and the recovery.

    Returns AutoGen's ``TaskResult`` when the run ends by itself or wraps up at the soft deadline, and a
    ``TaskResult`` with the messages produced so far and a ``stop_reason`` starting with ``"Hard deadline"``
    when the hard deadline interrupts it. Never raises ``CancelledError`` for the deadline.

    Example:
        ```text
        result = await run_with_deadline(team, task="Summarise the report.", hard=30, soft=25)
        if result.stop_reason.startswith("Hard deadline"):
            ...  # partial: result.messages holds what was done
        ```
    """
    result: TaskResult | None = None
    async for item in run_stream_with_deadline(
        target,
        task=task,
        hard=hard,
        soft=soft,
        wrap_up=wrap_up,
        after_hard_stop=after_hard_stop,
        grace=grace,
        cancellation_token=cancellation_token,
        output_task_messages=output_task_messages,
        clock=clock,
    ):
        if isinstance(item, TaskResult):
            result = item
    assert result is not None, "run_stream_with_deadline always ends with a TaskResult"
    return result
