"""Drive one contender through one scenario round and record what happened, call by call."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from .contenders import Contender, Endpoints
from .fake import FakeProvider
from .netguard import connect_attempts
from .scenarios import FALLBACK_MODEL, FALLBACK_TEXT, PRIMARY_MODEL, PRIMARY_TEXT, Knobs, Scenario, spliced_answers

__all__ = ("ANSWERED", "RECOVERED", "CallResult", "RoundResult", "run_happy_round", "run_round")

# Call outcomes.
PRIMARY = "primary"  # the primary's full answer
FALLBACK = "fallback"  # the fallback's full answer
RECOVERED = "recovered"  # a broken stream continued by the fallback: one whole answer, no word lost or repeated
TRUNCATED = "truncated"  # returned as a success, but not a full answer (cut, filtered, mixed, repeated text)
ERROR = "error"  # raised an exception before the harness deadline
HUNG = "hung"  # still running at the harness deadline (cancelled)
ANSWERED = (PRIMARY, FALLBACK, RECOVERED)
_SPLICED = spliced_answers()

WARMUP_CALLS = 3


@dataclass
class CallResult:
    """One call: its outcome, how long it took, and the exception type if it raised."""

    outcome: str
    seconds: float
    error: str | None = None


@dataclass
class RoundResult:
    """One contender through one scenario, once (a fresh client instance)."""

    scenario: str
    contender: str
    round: int
    calls: list[CallResult] = field(default_factory=list)
    attempts_primary: int | None = 0
    attempts_fallback: int | None = 0
    wall_s: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """Plain-JSON form (times rounded to microseconds)."""
        data = asdict(self)
        data["wall_s"] = round(self.wall_s, 6)
        for call in data["calls"]:
            call["seconds"] = round(call["seconds"], 6)
        return data


def _error_name(error: BaseException) -> str:
    module = type(error).__module__.split(".", 1)[0]
    return f"{module}.{type(error).__qualname__}" if module != "builtins" else type(error).__qualname__


def _classify(text: str) -> str:
    if text == PRIMARY_TEXT:
        return PRIMARY
    if text == FALLBACK_TEXT:
        return FALLBACK
    if text in _SPLICED:
        return RECOVERED
    return TRUNCATED


async def _one_call(contender_session: Any, stream: bool, deadline: float) -> CallResult:
    start = time.perf_counter()
    task: asyncio.Task[str] = asyncio.ensure_future(contender_session.ask(stream))
    done, _ = await asyncio.wait({task}, timeout=deadline)
    seconds = time.perf_counter() - start
    if not done:
        task.cancel()
        await asyncio.wait({task}, timeout=5.0)  # bounded: a task that ignores cancellation is abandoned
        return CallResult(HUNG, seconds, "harness deadline")
    error = task.exception()
    if error is not None:
        return CallResult(ERROR, seconds, _error_name(error))
    return CallResult(_classify(task.result()), seconds)


def _recorded(fp: FakeProvider, model: str) -> int:
    return len(fp.requests_for(model))


async def run_round(
    fp: FakeProvider,
    scenario: Scenario,
    contender: Contender,
    knobs: Knobs,
    round_no: int,
    *,
    dead_url: str,
    dead_port: int,
) -> RoundResult:
    """Run fault ``scenario`` once through a fresh ``contender`` session.

    Attempts on the primary come from FakeProvider's request records, or, for a dead primary, from the
    loopback guard's count of connection attempts to the closed port.
    """
    scenario.arm(fp)
    primary_url = dead_url if scenario.dead_primary else fp.openai_base_url
    session = contender.open(Endpoints(primary_url, fp.openai_base_url), knobs)
    result = RoundResult(scenario.key, contender.name, round_no)
    try:
        before_p = connect_attempts(dead_port) if scenario.dead_primary else _recorded(fp, PRIMARY_MODEL)
        before_f = _recorded(fp, FALLBACK_MODEL)
        start = time.perf_counter()
        for _ in range(scenario.calls):
            result.calls.append(await _one_call(session, scenario.stream, knobs.call_deadline))
        result.wall_s = time.perf_counter() - start
        after_p = connect_attempts(dead_port) if scenario.dead_primary else _recorded(fp, PRIMARY_MODEL)
        result.attempts_primary = after_p - before_p
        result.attempts_fallback = _recorded(fp, FALLBACK_MODEL) - before_f
    finally:
        await asyncio.wait_for(session.aclose(), 10.0)
    return result


async def run_happy_round(
    fp: FakeProvider,
    scenario: Scenario,
    contenders: Sequence[Contender],
    knobs: Knobs,
    round_no: int,
    calls: int,
) -> list[RoundResult]:
    """One happy-path round: every contender open at once, calls interleaved one by one.

    Call ``i`` of each contender runs back to back with call ``i`` of the others (order given by
    ``contenders``, which the caller rotates per round), so a burst of load from other jobs on the machine
    lands on all of them alike. A few untimed warm-up calls per contender come first (connection set-up,
    lazy imports). Attempts are not split per contender here (they share the model names), so they are
    recorded as ``None``.
    """
    scenario.arm(fp)
    endpoints = Endpoints(fp.openai_base_url, fp.openai_base_url)
    sessions = [contender.open(endpoints, knobs) for contender in contenders]
    results = [
        RoundResult(scenario.key, c.name, round_no, attempts_primary=None, attempts_fallback=None) for c in contenders
    ]
    try:
        for contender, session in zip(contenders, sessions, strict=True):
            for _ in range(WARMUP_CALLS):
                warm = await _one_call(session, scenario.stream, knobs.call_deadline)
                if warm.outcome not in ANSWERED:
                    raise RuntimeError(f"{contender.name} failed a happy-path warm-up call: {warm}")
        for _ in range(calls):
            for session, result in zip(sessions, results, strict=True):
                call = await _one_call(session, scenario.stream, knobs.call_deadline)
                result.calls.append(call)
                result.wall_s += call.seconds
    finally:
        for session in sessions:
            await asyncio.wait_for(session.aclose(), 10.0)
    return results
