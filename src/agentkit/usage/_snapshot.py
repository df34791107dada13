"""``UsageSnapshot``: a serialisable, point-in-time copy of a ledger's totals and records."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal

from ._record import CallRecord
from ._totals import UsageTotals

__all__ = ("UNATTRIBUTED", "UsageSnapshot")

UNATTRIBUTED = "(unattributed)"
"""The agent key for calls no agent is known for."""

_SNAPSHOT_VERSION = 1


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class UsageSnapshot:
    """A point-in-time copy of a :class:`UsageLedger`: totals overall, per agent, per model and per run.

    Round-trips through JSON (``UsageSnapshot.from_json(s.to_json()) == s``), so it can go into a report
    or be saved next to ``team.save_state()`` and restored with :meth:`UsageLedger.load_state`.

    Attributes:
        totals: Totals over every record.
        by_agent: Totals per agent (calls without an agent under ``"(unattributed)"``).
        by_model: Totals per model that answered.
        by_run: Totals per ledger run (records made outside a run are not in it).
        records: Every record, oldest first (empty when taken with ``records=False``).
        taken_at: When the snapshot was taken (UTC).
    """

    totals: UsageTotals
    by_agent: Mapping[str, UsageTotals]
    by_model: Mapping[str, UsageTotals]
    by_run: Mapping[str, UsageTotals]
    records: tuple[CallRecord, ...] = ()
    taken_at: datetime = field(default_factory=_utcnow)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict."""
        return {
            "version": _SNAPSHOT_VERSION,
            "taken_at": self.taken_at.isoformat(),
            "totals": self.totals.to_dict(),
            "by_agent": {k: v.to_dict() for k, v in self.by_agent.items()},
            "by_model": {k: v.to_dict() for k, v in self.by_model.items()},
            "by_run": {k: v.to_dict() for k, v in self.by_run.items()},
            "records": [r.to_dict() for r in self.records],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UsageSnapshot:
        """Inverse of :meth:`to_dict`."""
        return cls(
            totals=UsageTotals.from_dict(data["totals"]),
            by_agent={k: UsageTotals.from_dict(v) for k, v in data.get("by_agent", {}).items()},
            by_model={k: UsageTotals.from_dict(v) for k, v in data.get("by_model", {}).items()},
            by_run={k: UsageTotals.from_dict(v) for k, v in data.get("by_run", {}).items()},
            records=tuple(CallRecord.from_dict(r) for r in data.get("records", ())),
            taken_at=datetime.fromisoformat(data["taken_at"]) if "taken_at" in data else _utcnow(),
        )

    def to_json(self, **kwargs: Any) -> str:
        """JSON text (``kwargs`` go to ``json.dumps``)."""
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_json(cls, text: str) -> UsageSnapshot:
        """Inverse of :meth:`to_json`."""
        return cls.from_dict(json.loads(text))

    def table(self, by: Literal["agent", "model", "run"] = "agent") -> str:
        """A plain-text spend table: a row per agent (or model, or run), a total row, and a note on the rest.

        The note counts cache hits, failed attempts and refused calls; groups with only those get no row.
        """
        groups = {"agent": self.by_agent, "model": self.by_model, "run": self.by_run}[by]
        header = (by, "requests", "prompt", "cached", "completion", "tool calls", "cost USD")
        rows: list[tuple[str, ...]] = [header]
        for name, t in sorted(groups.items()):
            if t.requests or t.cache_hits or t.tool_calls:  # rows with only refusals or errors go in the note
                rows.append(_row(name, t))
        rows.append(_row("total", self.totals))
        widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
        lines = []
        for index, row in enumerate(rows):
            cells = [row[0].ljust(widths[0])] + [cell.rjust(widths[i]) for i, cell in enumerate(row) if i]
            lines.append("  ".join(cells).rstrip())
            if index == 0 or index == len(rows) - 2:
                lines.append("  ".join("-" * w for w in widths))
        t = self.totals
        notes = [
            f"{count} {what}"
            for count, what in (
                (t.cache_hits, "cache hits (not billed)"),
                (t.errors, "failed attempts (not billed)"),
                (t.refused, "calls refused by admission control"),
            )
            if count
        ]
        if notes:
            lines.append("also: " + ", ".join(notes))
        return "\n".join(lines)


def _row(name: str, t: UsageTotals) -> tuple[str, ...]:
    cost = f"{t.cost_usd:.6f}"
    if t.unpriced_requests:
        cost += f" (+{t.unpriced_requests} unpriced)"
    return (
        name,
        str(t.requests),
        str(t.prompt_tokens),
        str(t.cached_input_tokens),
        str(t.completion_tokens),
        str(t.tool_calls),
        cost,
    )
