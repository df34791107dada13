"""``UsageTotals``: aggregated usage over a set of call records."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from ._record import CallRecord

__all__ = ("UsageTotals",)


@dataclass(frozen=True, slots=True, kw_only=True)
class UsageTotals:
    """Usage summed over call records.

    What counts where:

    - ``requests``, the token counts, ``cost_usd``, ``unpriced_requests``, ``estimated_requests`` and
      ``latency_s`` sum **billed** calls only (``outcome == "ok"`` and not a ``ChatCompletionCache`` hit).
    - ``cache_hits`` counts calls answered from a response cache: recorded, never billed.
    - ``tool_calls`` counts the tool calls the model requested in every successful call, cache hits included
      (a cached answer still makes the agent run its tools).
    - ``errors`` counts failed attempts (e.g. a failover member's 503) and ``refused`` the calls admission
      control refused before spending; neither is billed.

    Attributes:
        requests: Billed model calls.
        prompt_tokens: Input tokens, cached input included.
        completion_tokens: Output tokens, reasoning included.
        cached_input_tokens: Input tokens read from the provider's prompt cache.
        cache_write_tokens: Input tokens written to the provider's prompt cache.
        reasoning_tokens: Reasoning tokens, where reported.
        cost_usd: Cost of the priced calls in US dollars.
        unpriced_requests: Billed calls whose model had no price (their cost is not in ``cost_usd``).
        estimated_requests: Billed calls whose token counts were estimated offline.
        tool_calls: Tool calls requested by the model.
        cache_hits: Calls answered from a response cache.
        errors: Failed attempts.
        refused: Calls refused by admission control.
        latency_s: Summed wall time of billed calls.
    """

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_input_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    cost_usd: Decimal = Decimal(0)
    unpriced_requests: int = 0
    estimated_requests: int = 0
    tool_calls: int = 0
    cache_hits: int = 0
    errors: int = 0
    refused: int = 0
    latency_s: float = 0.0

    @property
    def total_tokens(self) -> int:
        """``prompt_tokens + completion_tokens``."""
        return self.prompt_tokens + self.completion_tokens

    @property
    def mean_latency_s(self) -> float | None:
        """Mean latency of billed calls, or ``None`` without any."""
        return self.latency_s / self.requests if self.requests else None

    def plus(self, record: CallRecord) -> UsageTotals:
        """These totals with ``record`` added."""
        acc = _Accumulator.of(self)
        acc.add(record)
        return acc.freeze()

    def __add__(self, other: UsageTotals) -> UsageTotals:
        return UsageTotals(**{name: getattr(self, name) + getattr(other, name) for name in _FIELDS})

    def __sub__(self, other: UsageTotals) -> UsageTotals:
        return UsageTotals(**{name: getattr(self, name) - getattr(other, name) for name in _FIELDS})

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict (``cost_usd`` as a string, so no precision is lost)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["cost_usd"] = str(self.cost_usd)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UsageTotals:
        """Inverse of :meth:`to_dict`."""
        values = dict(data)
        values["cost_usd"] = Decimal(str(values.get("cost_usd", "0")))
        return cls(**values)


_FIELDS = tuple(f.name for f in fields(UsageTotals))


class _Accumulator:
    """Mutable running totals (the ledger holds these under its lock)."""

    __slots__ = _FIELDS

    requests: int
    prompt_tokens: int
    completion_tokens: int
    cached_input_tokens: int
    cache_write_tokens: int
    reasoning_tokens: int
    cost_usd: Decimal
    unpriced_requests: int
    estimated_requests: int
    tool_calls: int
    cache_hits: int
    errors: int
    refused: int
    latency_s: float

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __init__(self) -> None:
        for name in self.__slots__:
            setattr(self, name, 0)
        self.cost_usd = Decimal(0)
        self.latency_s = 0.0

    @classmethod
    def of(cls, totals: UsageTotals) -> _Accumulator:
        acc = cls()
        for name in cls.__slots__:
            setattr(acc, name, getattr(totals, name))
        return acc

    def add(self, record: CallRecord) -> None:
        outcome = record.outcome
        if outcome != "ok":
            if outcome == "refused":
                self.refused += 1
            else:
                self.errors += 1
            return
        self.tool_calls += record.tool_calls
        if record.cached:
            self.cache_hits += 1
            return
        self.requests += 1
        self.prompt_tokens += record.prompt_tokens
        self.completion_tokens += record.completion_tokens
        self.cached_input_tokens += record.cached_input_tokens
        self.cache_write_tokens += record.cache_write_tokens
        self.reasoning_tokens += record.reasoning_tokens
        if record.cost_usd is None:
            self.unpriced_requests += 1
        else:
            self.cost_usd += record.cost_usd
        if record.estimated:
            self.estimated_requests += 1
        if record.latency_s is not None:
            self.latency_s += record.latency_s

    def freeze(self) -> UsageTotals:
        return UsageTotals(**{name: getattr(self, name) for name in self.__slots__})
