"""Budget limits: validation and comparison against usage totals (shared by the condition and admission)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from ..exceptions import ConfigurationError
from ..usage import UsageTotals

__all__ = ("LIMIT_NAMES", "Breach", "BudgetLimits", "Totals", "observed_value")

LIMIT_NAMES = (
    "max_total_tokens",
    "max_prompt_tokens",
    "max_completion_tokens",
    "max_cost_usd",
    "max_requests",
    "max_tool_calls",
)


class Totals(Protocol):
    """What limits read: :class:`~agentkit.usage.UsageTotals` or the ledger's running accumulator."""

    @property
    def total_tokens(self) -> int: ...

    prompt_tokens: int
    completion_tokens: int
    cost_usd: Decimal
    requests: int
    tool_calls: int
    unpriced_requests: int


def observed_value(totals: UsageTotals | Totals, limit: str) -> int | Decimal:
    """The quantity of ``totals`` that ``limit`` caps."""
    if limit == "max_total_tokens":
        return totals.total_tokens
    if limit == "max_prompt_tokens":
        return totals.prompt_tokens
    if limit == "max_completion_tokens":
        return totals.completion_tokens
    if limit == "max_cost_usd":
        return totals.cost_usd
    if limit == "max_requests":
        return totals.requests
    return totals.tool_calls


def _unit(limit: str) -> str:
    return {"max_cost_usd": "USD", "max_requests": "requests", "max_tool_calls": "tool calls"}.get(limit, "tokens")


@dataclass(frozen=True, slots=True)
class Breach:
    """A limit that was reached (or, for admission, would be crossed)."""

    limit: str
    limit_value: int | Decimal
    observed: int | Decimal
    agent: str | None = None
    worst_case: bool = False

    def describe(self) -> str:
        """E.g. ``max_cost_usd=0.50 for agent 'coder' reached (observed 0.5123 USD)``."""
        who = f" for agent {self.agent!r}" if self.agent is not None else ""
        verb = "would be crossed" if self.worst_case else "reached"
        what = "worst case" if self.worst_case else "observed"
        return f"{self.limit}={self.limit_value}{who} {verb} ({what} {self.observed} {_unit(self.limit)})"


@dataclass(frozen=True, slots=True)
class BudgetLimits:
    """One set of limits; ``None`` means no limit."""

    max_total_tokens: int | None = None
    max_prompt_tokens: int | None = None
    max_completion_tokens: int | None = None
    max_cost_usd: Decimal | None = None
    max_requests: int | None = None
    max_tool_calls: int | None = None

    @classmethod
    def build(cls, prefix: str, values: Mapping[str, Any]) -> BudgetLimits:
        """Validate ``values`` (limit name -> value) and build limits; errors name ``prefix + name``."""
        unknown = sorted(set(values) - set(LIMIT_NAMES))
        if unknown:
            raise ConfigurationError(
                f"{prefix}{unknown[0]}", "is not a budget limit.", f"Use one of: {', '.join(LIMIT_NAMES)}."
            )
        clean: dict[str, Any] = {}
        for name in LIMIT_NAMES:
            value = values.get(name)
            if value is None:
                continue
            field = prefix + name
            if name == "max_cost_usd":
                if isinstance(value, bool):
                    raise ConfigurationError(field, f"must be an amount in USD, got {value!r}.", "Pass e.g. 2.0.")
                try:
                    amount = value if isinstance(value, Decimal) else Decimal(str(value))
                except Exception as exc:
                    raise ConfigurationError(
                        field, f"must be an amount in USD, got {value!r}.", "Pass e.g. 2.0."
                    ) from exc
                if not amount.is_finite() or amount < 0:
                    raise ConfigurationError(
                        field, f"must be >= 0, got {value!r}.", "Pass a non-negative amount or None for no limit."
                    )
                clean[name] = amount
            else:
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ConfigurationError(field, f"must be an integer, got {value!r}.", "Pass e.g. 10000.")
                if value < 0:
                    raise ConfigurationError(
                        field, f"must be >= 0, got {value!r}.", "Pass a non-negative integer or None for no limit."
                    )
                clean[name] = value
        return cls(**clean)

    @property
    def empty(self) -> bool:
        """Whether no limit is set."""
        return all(getattr(self, name) is None for name in LIMIT_NAMES)

    def items(self) -> list[tuple[str, int | Decimal]]:
        """The set limits as ``(name, value)`` pairs."""
        return [(name, getattr(self, name)) for name in LIMIT_NAMES if getattr(self, name) is not None]

    def to_dict(self) -> dict[str, Any]:
        """Set limits only (cost as a string)."""
        return {name: str(v) if isinstance(v, Decimal) else v for name, v in self.items()}

    def first_breach(self, totals: UsageTotals | Totals, agent: str | None = None) -> Breach | None:
        """The first limit that ``totals`` reaches (``observed >= limit``), if any."""
        for name, value in self.items():
            observed = observed_value(totals, name)
            if observed >= value:
                return Breach(name, value, observed, agent)
        return None
