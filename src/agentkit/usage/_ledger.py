"""The usage ledger: a task- and thread-safe record of every model call, with running totals."""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from ._record import CallRecord
from ._snapshot import UNATTRIBUTED, UsageSnapshot
from ._totals import UsageTotals, _Accumulator

__all__ = ("LedgerMark", "UsageLedger", "current_team")

_handler_context: Any = None


def current_team() -> str | None:
    """The id of the AutoGen team whose runtime is handling the current task, if any.

    Inside a team every agent (and the group chat manager) runs under an ``AgentId`` whose key is the team
    id; outside a runtime (``agent.run()`` alone, a direct client call) there is none.
    """
    global _handler_context
    if _handler_context is None:
        from autogen_core import MessageHandlerContext

        # Its context variable, read without the RuntimeError agent_id() raises outside a handler (hot path).
        _handler_context = getattr(MessageHandlerContext, "_MESSAGE_HANDLER_CONTEXT", None)
        if not isinstance(_handler_context, ContextVar):
            _handler_context = _AgentIdReader(MessageHandlerContext)
    agent_id = _handler_context.get(None)
    key = getattr(agent_id, "key", None)
    return key if isinstance(key, str) and key else None


class _AgentIdReader:
    """Fallback for an AutoGen whose context variable moved: the public ``agent_id()``."""

    def __init__(self, context: Any) -> None:
        self._context = context

    def get(self, default: Any) -> Any:
        try:
            return self._context.agent_id()
        except RuntimeError:
            return default


@dataclass(frozen=True, slots=True)
class LedgerMark:
    """A position in a ledger; :meth:`UsageLedger.totals_since` sums what was recorded after it.

    Attributes:
        position: Number of records in the ledger when the mark was taken.
        totals: Totals at that moment.
        by_agent: Per-agent totals at that moment.
        epoch: Incremented by :meth:`UsageLedger.reset`; a mark from an earlier epoch counts from zero.
    """

    position: int
    totals: UsageTotals
    by_agent: Mapping[str, UsageTotals]
    epoch: int


class UsageLedger:
    """A thread- and task-safe, append-only record of model calls with running totals.

    Wrappers (metered and failover clients, deadline runners) call :meth:`record`; conditions and reports
    read totals. Listeners registered with :meth:`subscribe` are called synchronously after each record,
    outside the ledger's lock, in the recording thread; an exception from a listener reaches the recorder.

    **Scope.** One ledger can serve one run, or span many runs and teams: share the same instance between
    metered clients (and teams) and it sums all of them. Nothing in agentkit ever clears a ledger by itself:
    ``BudgetTermination.reset()`` (which every team calls after each stop) only moves the condition's own
    baseline, and :meth:`reset` is called only by you.

    **Runs.** :meth:`start_run` opens a named run; records made until the next :meth:`start_run` (or
    :meth:`end_run`) are stamped with it, giving per-run totals (:meth:`by_run`). Runs are a labelling device
    only — per-run *budgets* come from ``BudgetTermination(scope="run")``.

    **Reset.** :meth:`reset` erases every record and total (listeners stay subscribed); marks taken before it
    count from zero afterwards.

    Totals are O(1) to read: the ledger keeps running sums overall, per agent, per model and per run.
    """

    def __init__(self) -> None:
        """Create an empty ledger."""
        self._lock = threading.Lock()
        self._records: list[CallRecord] = []
        self._listeners: list[Callable[[CallRecord], None]] = []
        self._totals = _Accumulator()
        self._by_agent: dict[str, _Accumulator] = {}
        self._by_model: dict[str, _Accumulator] = {}
        self._by_run: dict[str, _Accumulator] = {}
        self._run: str | None = None
        self._run_ids = itertools.count(1)
        self._epoch = 0

    # -- recording ---------------------------------------------------------------------------------------

    def record(self, record: CallRecord) -> None:
        """Append one call record (stamping the current run and team) and notify listeners."""
        if record.team is None:
            team = current_team()
            if team is not None:
                record = dataclasses.replace(record, team=team)
        with self._lock:
            if record.run is None and self._run is not None:
                record = dataclasses.replace(record, run=self._run)
            self._records.append(record)
            self._totals.add(record)
            agent = record.agent if record.agent is not None else UNATTRIBUTED
            acc = self._by_agent.get(agent)
            if acc is None:
                acc = self._by_agent[agent] = _Accumulator()
            acc.add(record)
            acc = self._by_model.get(record.model)
            if acc is None:
                acc = self._by_model[record.model] = _Accumulator()
            acc.add(record)
            if record.run is not None:
                acc = self._by_run.get(record.run)
                if acc is None:
                    acc = self._by_run[record.run] = _Accumulator()
                acc.add(record)
            listeners = tuple(self._listeners) if self._listeners else ()
        for listener in listeners:
            listener(record)

    def subscribe(self, listener: Callable[[CallRecord], None]) -> Callable[[], None]:
        """Call ``listener`` after every new record; returns a function that unsubscribes it."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    @property
    def records(self) -> tuple[CallRecord, ...]:
        """Every record so far, oldest first."""
        with self._lock:
            return tuple(self._records)

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    # -- runs ----------------------------------------------------------------------------------------------

    def start_run(self, label: str | None = None) -> str:
        """Open a run: later records are stamped with its id (``label``, or ``"run-N"``). Returns the id."""
        with self._lock:
            run = label if label is not None else f"run-{next(self._run_ids)}"
            self._run = run
            return run

    def end_run(self) -> None:
        """Close the current run: later records carry no run until the next :meth:`start_run`."""
        with self._lock:
            self._run = None

    @property
    def current_run(self) -> str | None:
        """The id of the open run, if any."""
        return self._run

    # -- totals ----------------------------------------------------------------------------------------------

    def totals(self, *, agent: str | None = None, model: str | None = None, run: str | None = None) -> UsageTotals:
        """Totals over every record, or over those of one ``agent``, ``model`` and/or ``run``."""
        with self._lock:
            given = [k for k, v in (("agent", agent), ("model", model), ("run", run)) if v is not None]
            if not given:
                return self._totals.freeze()
            if given == ["agent"]:
                return _freeze(self._by_agent.get(agent))  # type: ignore[arg-type]
            if given == ["model"]:
                return _freeze(self._by_model.get(model))  # type: ignore[arg-type]
            if given == ["run"]:
                return _freeze(self._by_run.get(run))  # type: ignore[arg-type]
            acc = _Accumulator()
            for r in self._records:
                if (
                    (agent is None or (r.agent if r.agent is not None else UNATTRIBUTED) == agent)
                    and (model is None or r.model == model)
                    and (run is None or r.run == run)
                ):
                    acc.add(r)
            return acc.freeze()

    def by_agent(self) -> dict[str, UsageTotals]:
        """Totals per agent (``"(unattributed)"`` for calls without one)."""
        with self._lock:
            return {k: v.freeze() for k, v in self._by_agent.items()}

    def by_model(self) -> dict[str, UsageTotals]:
        """Totals per model that answered."""
        with self._lock:
            return {k: v.freeze() for k, v in self._by_model.items()}

    def by_run(self) -> dict[str, UsageTotals]:
        """Totals per run."""
        with self._lock:
            return {k: v.freeze() for k, v in self._by_run.items()}

    def mark(self) -> LedgerMark:
        """A mark at the current position (see :meth:`totals_since`)."""
        with self._lock:
            return LedgerMark(
                position=len(self._records),
                totals=self._totals.freeze(),
                by_agent={k: v.freeze() for k, v in self._by_agent.items()},
                epoch=self._epoch,
            )

    def mark_at_first(self, since: LedgerMark, *, team: str) -> LedgerMark:
        """A mark just before the first record of ``team`` made after ``since``; :meth:`mark` if there is none.

        Used by a run-scoped ``BudgetTermination`` to start its run at its team's first call, which may come
        before the condition's first check (e.g. MagenticOne's planning calls). Scans the records after
        ``since`` once.
        """
        with self._lock:
            start = since.position if since.epoch == self._epoch else 0
            for index in range(start, len(self._records)):
                if self._records[index].team == team:
                    break
            else:
                index = len(self._records)
            if index == len(self._records):
                totals, by_agent = self._totals.freeze(), {k: v.freeze() for k, v in self._by_agent.items()}
            else:
                same = since.epoch == self._epoch
                acc = _Accumulator.of(since.totals if same else _ZERO)
                agents = {k: _Accumulator.of(v) for k, v in (since.by_agent if same else {}).items()}
                for record in self._records[start:index]:
                    acc.add(record)
                    name = record.agent if record.agent is not None else UNATTRIBUTED
                    agents.setdefault(name, _Accumulator()).add(record)
                totals, by_agent = acc.freeze(), {k: v.freeze() for k, v in agents.items()}
            return LedgerMark(position=index, totals=totals, by_agent=by_agent, epoch=self._epoch)

    def totals_since(self, mark: LedgerMark | None, *, agent: str | None = None) -> UsageTotals:
        """Totals of what was recorded after ``mark`` (everything for ``None`` or a mark from before a reset)."""
        with self._lock:
            if agent is None:
                now = self._totals.freeze()
                if mark is None or mark.epoch != self._epoch:
                    return now
                return now - mark.totals
            now = _freeze(self._by_agent.get(agent))
            if mark is None or mark.epoch != self._epoch:
                return now
            return now - mark.by_agent.get(agent, _ZERO)

    # -- snapshots, state, reset -------------------------------------------------------------------------------

    def snapshot(self, *, records: bool = True) -> UsageSnapshot:
        """A consistent, serialisable copy of the totals (and, by default, the records)."""
        with self._lock:
            return UsageSnapshot(
                totals=self._totals.freeze(),
                by_agent={k: v.freeze() for k, v in self._by_agent.items()},
                by_model={k: v.freeze() for k, v in self._by_model.items()},
                by_run={k: v.freeze() for k, v in self._by_run.items()},
                records=tuple(self._records) if records else (),
            )

    def save_state(self) -> dict[str, Any]:
        """JSON-friendly state (every record and the open run), for saving next to ``team.save_state()``."""
        data = self.snapshot().to_dict()
        data["current_run"] = self._run
        return data

    def load_state(self, state: Mapping[str, Any]) -> None:
        """Replace this ledger's content with a state from :meth:`save_state` (or ``UsageSnapshot.to_dict()``).

        Totals are recomputed from the records; listeners are not notified.
        """
        records = [CallRecord.from_dict(r) for r in state.get("records", ())]
        self.reset()
        with self._lock:
            for record in records:
                self._records.append(record)
                self._totals.add(record)
                agent = record.agent if record.agent is not None else UNATTRIBUTED
                self._by_agent.setdefault(agent, _Accumulator()).add(record)
                self._by_model.setdefault(record.model, _Accumulator()).add(record)
                if record.run is not None:
                    self._by_run.setdefault(record.run, _Accumulator()).add(record)
            self._run = state.get("current_run")

    @classmethod
    def from_snapshot(cls, snapshot: UsageSnapshot) -> UsageLedger:
        """A new ledger holding the records of ``snapshot`` (taken with ``records=True``)."""
        ledger = cls()
        ledger.load_state(snapshot.to_dict())
        return ledger

    def reset(self) -> None:
        """Erase every record, total and the open run. Listeners stay subscribed. Only you call this."""
        with self._lock:
            self._records.clear()
            self._totals = _Accumulator()
            self._by_agent.clear()
            self._by_model.clear()
            self._by_run.clear()
            self._run = None
            self._epoch += 1

    def __repr__(self) -> str:
        t = self.totals()
        return (
            f"UsageLedger(records={len(self)}, requests={t.requests}, tokens={t.total_tokens}, cost_usd={t.cost_usd})"
        )


_ZERO = UsageTotals()


def _freeze(acc: _Accumulator | None) -> UsageTotals:
    return _ZERO if acc is None else acc.freeze()
