"""Termination conditions for AutoGen teams: budgets, deadlines and per-turn latency.

Every condition is an AutoGen ``TerminationCondition`` and ``Component``; combine them with ``|`` and ``&``.
"""

from __future__ import annotations

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

for _cls in (
    AgentTimeBudgetTermination,
    AgentTimeBudgetTerminationConfig,
    BudgetReservation,
    BudgetTermination,
    BudgetTerminationConfig,
    DeadlineTermination,
    DeadlineTerminationConfig,
    TurnLatencyTermination,
    TurnLatencyTerminationConfig,
    run_with_budget,
):
    _cls.__module__ = __name__
