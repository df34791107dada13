"""One model call, as the usage ledger records it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Literal

__all__ = ("CallOutcome", "CallRecord")

CallOutcome = Literal["ok", "error", "refused", "cancelled"]


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True, slots=True, kw_only=True)
class CallRecord:
    """One model call (or one failed attempt) as recorded in a :class:`UsageLedger`.

    Attributes:
        model: The model that actually answered (or was attempted).
        agent: The agent the call is attributed to, if known.
        provider: Provider id (``"openai"``, ``"anthropic"``, …), if known.
        member: Name of the failover member that served the call, if any.
        prompt_tokens: Input tokens billed, including cached input tokens.
        completion_tokens: Output tokens billed, including reasoning tokens.
        cached_input_tokens: Part of ``prompt_tokens`` read from the provider's prompt cache.
        cache_write_tokens: Part of ``prompt_tokens`` written to the provider's prompt cache (Anthropic).
        reasoning_tokens: Part of ``completion_tokens`` spent on reasoning, where reported.
        cost_usd: Cost in US dollars, or ``None`` when the model is unpriced.
        latency_s: Wall time of the call in seconds.
        ttft_s: Time to the first streamed chunk in seconds (streams only).
        tool_calls: Number of tool calls the model requested in this call.
        cached: Served from a response cache (``ChatCompletionCache``); recorded, never billed.
        estimated: Token counts were estimated offline because the provider reported none.
        stream: Whether the call was streamed.
        outcome: ``"ok"``, ``"error"`` (a failed attempt, not billed), ``"refused"`` (admission control) or
            ``"cancelled"``.
        error: Exception type name for failed attempts.
        started_at: When the call started (UTC).
        run: The ledger run the call belongs to (stamped by :meth:`UsageLedger.record` when ``None``).
        team: Id of the AutoGen team whose run made the call (its agents' runtime key), ``None`` outside a
            team. A run-scoped ``BudgetTermination`` uses it to find the first call of its team's run.
    """

    model: str
    agent: str | None = None
    provider: str | None = None
    member: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_input_tokens: int = 0
    reasoning_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: Decimal | None = None
    latency_s: float | None = None
    ttft_s: float | None = None
    tool_calls: int = 0
    cached: bool = False
    estimated: bool = False
    stream: bool = False
    outcome: CallOutcome = "ok"
    error: str | None = None
    started_at: datetime = field(default_factory=_utcnow)
    run: str | None = None
    team: str | None = None

    @property
    def total_tokens(self) -> int:
        """``prompt_tokens + completion_tokens``."""
        return self.prompt_tokens + self.completion_tokens

    @property
    def billed(self) -> bool:
        """Whether this record counts towards spend (a successful call that was not a cache hit)."""
        return self.outcome == "ok" and not self.cached

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict (``Decimal`` as string, datetimes as ISO 8601)."""
        data = asdict(self)
        data["cost_usd"] = None if self.cost_usd is None else str(self.cost_usd)
        data["started_at"] = self.started_at.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CallRecord:
        """Inverse of :meth:`to_dict`."""
        values = dict(data)
        if values.get("cost_usd") is not None:
            values["cost_usd"] = Decimal(values["cost_usd"])
        if isinstance(values.get("started_at"), str):
            values["started_at"] = datetime.fromisoformat(values["started_at"])
        return cls(**values)
