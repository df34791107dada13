"""The usage ledger: who called which model, for how many tokens, at what cost and latency."""

from __future__ import annotations

from ._ledger import LedgerMark, UsageLedger
from ._record import CallOutcome, CallRecord
from ._snapshot import UNATTRIBUTED, UsageSnapshot
from ._totals import UsageTotals

__all__ = ("UNATTRIBUTED", "CallOutcome", "CallRecord", "LedgerMark", "UsageLedger", "UsageSnapshot", "UsageTotals")

for _cls in (CallRecord, LedgerMark, UsageLedger, UsageSnapshot, UsageTotals):
    _cls.__module__ = __name__
