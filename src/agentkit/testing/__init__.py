"""Test agentkit setups offline: a fault-injecting fake provider, a scripted client and a manual clock."""

from __future__ import annotations

from ._clock import ManualClock

__all__ = ("ManualClock",)

ManualClock.__module__ = __name__
