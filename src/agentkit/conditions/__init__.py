"""Termination conditions for AutoGen teams: budgets, deadlines and per-turn latency.

Every condition is an AutoGen ``TerminationCondition`` and ``Component``; combine them with ``|`` and ``&``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from ._agent_time import AgentTimeBudgetTermination, AgentTimeBudgetTerminationConfig
    from ._budget import BudgetReservation, BudgetScope, BudgetTermination, BudgetTerminationConfig
    from ._budget_run import BUDGET_STOP_PREFIX, run_with_budget
    from ._deadline import DeadlineTermination, DeadlineTerminationConfig
    from ._turn_latency import TurnLatencyTermination, TurnLatencyTerminationConfig

__all__ = (
    "BUDGET_STOP_PREFIX",
    "AgentTimeBudgetTermination",
    "AgentTimeBudgetTerminationConfig",
    "BudgetReservation",
    "BudgetScope",
    "BudgetTermination",
    "BudgetTerminationConfig",
    "DeadlineTermination",
    "DeadlineTerminationConfig",
    "TurnLatencyTermination",
    "TurnLatencyTerminationConfig",
    "run_with_budget",
)

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "AgentTimeBudgetTermination": "._agent_time",
        "AgentTimeBudgetTerminationConfig": "._agent_time",
        "BUDGET_STOP_PREFIX": "._budget_run",
        "BudgetReservation": "._budget",
        "BudgetScope": "._budget",
        "BudgetTermination": "._budget",
        "BudgetTerminationConfig": "._budget",
        "DeadlineTermination": "._deadline",
        "DeadlineTerminationConfig": "._deadline",
        "TurnLatencyTermination": "._turn_latency",
        "TurnLatencyTerminationConfig": "._turn_latency",
        "run_with_budget": "._budget_run",
    },
)
