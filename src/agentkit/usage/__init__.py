"""The usage ledger: who called which model, for how many tokens, at what cost and latency."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from ._ledger import LedgerMark, UsageLedger
    from ._record import CallOutcome, CallRecord
    from ._snapshot import UNATTRIBUTED, UsageSnapshot
    from ._totals import UsageTotals

__all__ = (
    "UNATTRIBUTED",
    "CallOutcome",
    "CallRecord",
    "LedgerMark",
    "UsageLedger",
    "UsageSnapshot",
    "UsageTotals",
)

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "CallOutcome": "._record",
        "CallRecord": "._record",
        "LedgerMark": "._ledger",
        "UNATTRIBUTED": "._snapshot",
        "UsageLedger": "._ledger",
        "UsageSnapshot": "._snapshot",
        "UsageTotals": "._totals",
    },
)
