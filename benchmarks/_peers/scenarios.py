"""The fault scenarios every contender is driven through, scripted on ``agentkit.testing.FakeProvider``.

Each scenario scripts the *primary* model (the fallback always answers) and says how many calls to make,
whether they stream, and whether the primary's address is a closed port. Every scripted reply carries a
sentinel at its end, so a caller that returns a cut-off text as a success is caught as a *truncated success*.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .fake import FakeProvider, Fault, Reply

__all__ = (
    "FALLBACK_MODEL",
    "FALLBACK_TEXT",
    "HAPPY_CREATE",
    "HAPPY_STREAM",
    "KNOBS",
    "PRIMARY_MODEL",
    "PRIMARY_TEXT",
    "SCENARIOS",
    "Knobs",
    "Scenario",
    "fault_scenarios",
    "spliced_answers",
)

PRIMARY_MODEL = "bench-primary"
FALLBACK_MODEL = "bench-fallback"
PRIMARY_TEXT = "Primary answers: the quick brown fox jumps over the lazy dog and then it rests. [END-P]"
FALLBACK_TEXT = "Fallback answers: the quick brown fox jumps over the lazy dog and then it rests. [END-F]"


@dataclass(frozen=True)
class Knobs:
    """The timing settings given to every contender that has a matching knob (same numbers for all).

    Attributes:
        attempt_timeout: Seconds one attempt may stay silent (SDK read timeout / per-attempt timeout).
        first_token_timeout: Seconds a stream may take to produce its first chunk (where a contender has it).
        stream_idle_timeout: Seconds a stream may stall between chunks (where a contender has it).
        call_deadline: The harness's own limit per call; a call still running then counts as *hung*.
    """

    attempt_timeout: float = 1.0
    first_token_timeout: float = 0.5
    stream_idle_timeout: float = 0.5
    call_deadline: float = 15.0


KNOBS = Knobs()


@dataclass(frozen=True)
class Scenario:
    """One row group of the results table.

    Attributes:
        key: Short identifier (CLI ``--only``, JSON keys).
        title: Human title for tables and the chart.
        what: What the primary does, in one sentence.
        ideal: What a good failover client should do (stated up front, not fitted to results).
        calls: Calls made in sequence per round (with one fresh contender instance per round).
        stream: Whether the calls stream.
        dead_primary: Point the primary at a closed 127.0.0.1 port instead of the fake provider.
        happy: Overhead scenario: reported as per-call latency ratios rather than outcomes.
        script: Steps queued for the primary model, one per request.
        then: What the primary answers once its queue is empty (default: its full answer).
    """

    key: str
    title: str
    what: str
    ideal: str
    calls: int
    stream: bool = False
    dead_primary: bool = False
    happy: bool = False
    script: Callable[[], list[Any]] = field(default=list)
    then: Callable[[], Any] = field(default=lambda: Reply.text(PRIMARY_TEXT))

    def arm(self, fp: FakeProvider) -> None:
        """Reset the provider and script both models for one round of this scenario."""
        fp.reset()
        steps = self.script()
        if steps:
            fp.script(PRIMARY_MODEL, *steps)
        fp.always(PRIMARY_MODEL, self.then())
        fp.always(FALLBACK_MODEL, Reply.text(FALLBACK_TEXT))
        # The fallback is an OpenAI-compatible server that continues a final assistant message (as vLLM
        # does with continue_final_message); contenders that never send one are unaffected.
        fp.accept_prefill(FALLBACK_MODEL)


def spliced_answers() -> frozenset[str]:
    """Whole answers a mid-stream rescue may produce: the primary's first k words, the fallback's after them.

    That is what the fallback sends when it continues the primary's partial answer (an assistant prefill of
    k words): one coherent answer ending in the fallback's sentinel, with no word missing or repeated.
    """
    from agentkit.testing._wire_common import split_text

    primary, fallback = split_text(PRIMARY_TEXT), split_text(FALLBACK_TEXT)
    return frozenset("".join(primary[:k] + fallback[k:]) for k in range(1, len(primary)))


def _flaps() -> list[Any]:
    # Per request: up, down, up, down, down, up, up, down, down, down, up ... (then up for good).
    pattern = "UDUDDUUDDDUDUUDDUD"
    return [Reply.text(PRIMARY_TEXT) if c == "U" else Fault.status(503) for c in pattern]


HAPPY_CREATE = Scenario(
    key="happy_create",
    title="Happy path (create)",
    what="The primary answers every call at once.",
    ideal="Cost nothing measurable over the bare client.",
    calls=30,
    happy=True,
)
HAPPY_STREAM = Scenario(
    key="happy_stream",
    title="Happy path (stream)",
    what="The primary streams every answer at once.",
    ideal="Cost nothing measurable over the bare client.",
    calls=30,
    stream=True,
    happy=True,
)

SCENARIOS: tuple[Scenario, ...] = (
    HAPPY_CREATE,
    HAPPY_STREAM,
    Scenario(
        key="rate_limit",
        title="429 + Retry-After",
        what="The primary answers its first 3 requests with 429 and `Retry-After: 1`, then recovers.",
        ideal="Fail over at once instead of sleeping; keep the primary out until Retry-After has passed.",
        calls=3,
        script=lambda: [Fault.rate_limit(retry_after=1) for _ in range(3)],
    ),
    Scenario(
        key="persistent_503",
        title="Persistent 503",
        what="The primary answers every request with 503.",
        ideal="Fail over on the first 503; stop sending to the primary after a few failures (circuit breaker).",
        calls=3,
        then=lambda: Fault.status(503),
    ),
    Scenario(
        key="dead_primary",
        title="Dead primary (refused)",
        what="The primary's address is a closed 127.0.0.1 port: every connection is refused.",
        ideal="Fail over at once (a refused connection sent nothing); stop dialling the dead address.",
        calls=2,
        dead_primary=True,
    ),
    Scenario(
        key="silent_primary",
        title="Silent primary (hang)",
        what="The primary accepts every request and never answers.",
        ideal="Give up after one attempt timeout and fail over; do not wait for it again on the next call.",
        calls=2,
        then=Fault.hang,
    ),
    Scenario(
        key="slow_first_token",
        title="Slow first token",
        what="The primary streams, but its first token takes 0.8 s (first-token limit is 0.5 s).",
        ideal="Abandon the primary at the first-token limit and stream from the fallback.",
        calls=2,
        stream=True,
        then=lambda: Reply.text(PRIMARY_TEXT, first_token_delay=0.8),
    ),
    Scenario(
        key="stream_cut",
        title="Stream cut",
        what="The primary's stream is cut after 3 chunks (connection closed, no [DONE]); later requests are fine.",
        ideal="Never return the partial text as a success: rescue the answer without repeating text, or raise a "
        "typed error that carries the partial text.",
        calls=1,
        stream=True,
        script=lambda: [Reply.text(PRIMARY_TEXT, cut_after=3)],
    ),
    Scenario(
        key="stream_stall",
        title="Stream stall",
        what="The primary's stream stops after 3 chunks and keeps the connection open; later requests are fine.",
        ideal="Notice the stall at the idle limit; rescue the answer without repeating text or raise a typed error, "
        "never hang and never return a part.",
        calls=1,
        stream=True,
        script=lambda: [Reply.text(PRIMARY_TEXT, stall_after=3)],
    ),
    Scenario(
        key="stream_malformed",
        title="Malformed stream chunk",
        what="The primary's 4th stream chunk is invalid JSON; later requests are fine.",
        ideal="Never return the partial text as a success; rescue the answer without repeating text, or raise.",
        calls=1,
        stream=True,
        script=lambda: [Reply.text(PRIMARY_TEXT, malformed_at=3)],
    ),
    Scenario(
        key="context_length",
        title="Context length exceeded",
        what="The primary answers 400 `context_length_exceeded` (its window is too small for the prompt).",
        ideal="Fail over to a member that can take the prompt (no retry of the same member).",
        calls=2,
        then=Fault.context_length_exceeded,
    ),
    Scenario(
        key="content_filter",
        title="Content filter",
        what="The primary refuses with its content-filter error.",
        ideal="A policy decision, not an outage: report it as a clean error by default (v0.2 semantics).",
        calls=2,
        then=Fault.content_filter,
    ),
    Scenario(
        key="flapping",
        title="Flapping primary",
        what="Per request the primary alternates irregularly between answering and 503 (UDUDDUUDDDUDUUDDUD...).",
        ideal="Every call answered; no retry storms against the flapping member.",
        calls=10,
        script=_flaps,
    ),
)


def fault_scenarios() -> tuple[Scenario, ...]:
    """The scenarios that are not happy-path overhead measurements."""
    return tuple(s for s in SCENARIOS if not s.happy)
