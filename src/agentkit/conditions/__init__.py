"""Termination conditions for AutoGen teams: budgets, deadlines and per-turn latency.

Every condition is an AutoGen ``TerminationCondition`` and ``Component``; combine them with ``|`` and ``&``.
"""

from __future__ import annotations

__all__: tuple[str, ...] = ()
