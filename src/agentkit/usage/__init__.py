"""The usage ledger: who called which model, for how many tokens, at what cost and latency."""

from __future__ import annotations

from ._ledger import UsageLedger
from ._record import CallOutcome, CallRecord

__all__ = ("CallOutcome", "CallRecord", "UsageLedger")

for _name in ("CallRecord", "UsageLedger"):
    globals()[_name].__module__ = __name__
