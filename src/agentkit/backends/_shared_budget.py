"""``SharedBudget``: one budget scope held in Redis, enforced atomically by every worker process.

A metered client whose budget has a store makes at most two round trips per call: one Lua step that sweeps
expired reservations, checks every limit and reserves the call's worst case (admit); one that gives the
reservation back and adds what this process actually spent (settle). What a process spends is collected from
its ledger (a listener) and pushed with its next settle, so usage recorded while Redis was unreachable is
reconciled as soon as it answers again.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any

from ..conditions._budget import BudgetReservation
from ..events import AdmissionRefusedEvent, emit
from ..exceptions import BudgetExceededError, ConfigurationError, StoreUnavailableError
from ..usage import CallRecord, UsageLedger, UsageTotals
from ._redis import RedisStore, resolve_store
from ._scripts import ADMIT, SETTLE

if TYPE_CHECKING:
    from autogen_core.models import CreateResult, LLMMessage
    from autogen_core.tools import Tool, ToolSchema

    from ..conditions._budget import BudgetTermination
    from ..models._metered import MeteredChatCompletionClient
    from ..models._metered_admission import RefusalMode

__all__ = ("SharedBudget", "attach_store")

_NANO = Decimal(10) ** 9
_SCOPE = re.compile(r"^[^{}\s|]{1,200}$")
_LIMIT_FIELDS = {
    "max_requests": "requests",
    "max_cost_usd": "cost",
    "max_total_tokens": "total_tokens",
    "max_prompt_tokens": "prompt_tokens",
    "max_completion_tokens": "completion_tokens",
    "max_tool_calls": "tool_calls",
}


def _nano(amount: Decimal, rounding: str) -> int:
    return int((amount * _NANO).to_integral_value(rounding=rounding))


@dataclass(frozen=True, slots=True)
class _Shared:
    """The Redis side of one admitted call."""

    member: str


@dataclass(frozen=True, slots=True)
class _SharedReservation(BudgetReservation):
    """A reservation held both locally and in Redis."""

    shared: _Shared | None = None


class SharedBudget:
    """A budget scope in Redis, shared by every process whose ``BudgetTermination`` names the same scope.

    Built by ``BudgetTermination(..., store="redis://...", store_scope="tenant:acme")`` and reachable as
    ``budget.store``. The limits are the condition's own (each process sends them with every admission, so
    give every worker the same limits).

    Key layout (``{...}`` is a Redis Cluster hash tag: a scope's keys live in one slot)::

        agentkit:<namespace>:{budget:<scope>}:totals        hash: requests, prompt_tokens, completion_tokens,
                                                            total_tokens, cost (nano-USD), tool_calls, unpriced,
                                                            errors, refused, inflight_requests, inflight_cost,
                                                            inflight_prompt, inflight_completion, and the same
                                                            per agent as a:<agent>:<field>
        agentkit:<namespace>:{budget:<scope>}:reservations  sorted set: one member per admitted call in flight,
                                                            scored by its expiry (server time, ms)

    Args:
        store: The Redis store (a :class:`~agentkit.backends.RedisStore`, URL or client).
        scope: The name of what the budget caps: a tenant, a user, a run id (no braces, spaces or ``|``).
        budget: The condition whose limits apply.
    """

    def __init__(self, store: RedisStore, scope: str, budget: BudgetTermination) -> None:
        """Bind ``budget`` to ``scope`` in ``store`` (nothing is sent until the first call)."""
        if not isinstance(scope, str) or not _SCOPE.match(scope):
            raise ConfigurationError(
                "store_scope",
                f"must be 1-200 characters without braces, spaces or '|', got {scope!r}.",
                'Name what the budget caps, e.g. "tenant:acme" or "run:2026-12-02T10".',
            )
        self.store = store
        self.scope = scope
        self._budget = budget
        tag = "{budget:" + scope + "}"
        self._keys = [store.key(tag, "totals"), store.key(tag, "reservations")]
        self._lock = threading.Lock()
        self._pending: dict[str, int] = {}
        self._ledger: UsageLedger | None = None
        self._unsubscribe: Callable[[], None] | None = None

    @property
    def keys(self) -> tuple[str, str]:
        """The scope's Redis keys: the totals hash and the reservations sorted set."""
        return (self._keys[0], self._keys[1])

    # -- what this process spends ------------------------------------------------------------------------------

    def _watch(self) -> None:
        ledger = self._budget.ledger
        if ledger is self._ledger:
            return
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._ledger = ledger
        self._unsubscribe = ledger.subscribe(self._on_record) if ledger is not None else None

    def _on_record(self, record: CallRecord) -> None:
        deltas: list[tuple[str, int]] = []
        if record.outcome == "refused":
            deltas.append(("refused", 1))
        elif record.outcome != "ok":
            deltas.append(("errors", 1))
        elif not record.cached:
            deltas += [
                ("requests", 1),
                ("prompt_tokens", record.prompt_tokens),
                ("completion_tokens", record.completion_tokens),
                ("total_tokens", record.prompt_tokens + record.completion_tokens),
                ("tool_calls", record.tool_calls),
            ]
            if record.cost_usd is None:
                deltas.append(("unpriced", 1))
            else:
                deltas.append(("cost", _nano(record.cost_usd, ROUND_CEILING)))
        else:
            deltas.append(("tool_calls", record.tool_calls))
        agent = record.agent
        per_agent = agent is not None and agent in self._budget._per_agent
        with self._lock:
            pending = self._pending
            for field, value in deltas:
                if value:
                    pending[field] = pending.get(field, 0) + value
                    if per_agent:
                        key = f"a:{agent}:{field}"
                        pending[key] = pending.get(key, 0) + value

    def _take_pending(self) -> dict[str, int]:
        with self._lock:
            pending, self._pending = self._pending, {}
        return pending

    def _restore_pending(self, deltas: dict[str, int]) -> None:
        with self._lock:
            for field, value in deltas.items():
                self._pending[field] = self._pending.get(field, 0) + value

    # -- admission ---------------------------------------------------------------------------------------------

    def _limit_args(self, agent: str | None) -> list[Any]:
        budget = self._budget
        sets = [("", budget._limits)]
        if agent is not None and agent in budget._per_agent:
            sets.append((f"a:{agent}:", budget._per_agent[agent]))
        args: list[Any] = []
        for prefix, limits in sets:
            for name, value in limits.items():
                limit = _nano(value, ROUND_FLOOR) if isinstance(value, Decimal) else int(value)
                args += [prefix, _LIMIT_FIELDS[name], limit]
        return [len(args) // 3, *args]

    def _worst_tokens(
        self,
        client: MeteredChatCompletionClient,
        agent: str | None,
        messages: Sequence[LLMMessage],
        tools: Sequence[Tool | ToolSchema],
        extra_create_args: Mapping[str, Any],
    ) -> tuple[int, int]:
        """The call's worst-case prompt and completion tokens, when a token limit needs them (else zeros)."""
        budget = self._budget
        sets = [budget._limits] + ([budget._per_agent[agent]] if agent is not None else [])
        if not any(
            getattr(limits, name) is not None
            for limits in sets
            for name in ("max_total_tokens", "max_prompt_tokens", "max_completion_tokens")
        ):
            return 0, 0
        from ..models._metered_inner import inner_max_tokens

        prompt = client._prompt_estimator(messages, tools)
        requested = extra_create_args.get("max_tokens", extra_create_args.get("max_completion_tokens"))
        outputs = [
            requested
            if isinstance(requested, int) and not isinstance(requested, bool)
            else (inner_max_tokens(leaf) or client._default_max_output)
            for _, _, leaf in client._candidates
        ]
        return prompt, max(outputs)

    async def admit(
        self,
        client: MeteredChatCompletionClient,
        reservation: BudgetReservation,
        agent: str | None,
        messages: Sequence[LLMMessage] = (),
        tools: Sequence[Tool | ToolSchema] = (),
        extra_create_args: Mapping[str, Any] | None = None,
        on_refusal: RefusalMode | None = None,
    ) -> tuple[BudgetReservation | None, CreateResult | None]:
        """Reserve the call fleet-wide (one round trip) after the local admission already admitted it.

        Returns the reservation to settle, or ``(None, result)`` when a refusal is to stop the agent's turn
        (``on_refusal``: the call's refusal mode, by default the client's).

        Raises:
            BudgetExceededError: The fleet's headroom is too small and the refusal is raised.
            StoreUnavailableError: Redis is unreachable and the store is fail-closed.
        """
        self._watch()
        store = self.store
        per_agent = reservation.agent if reservation.agent is not None else ""
        cost = _nano(reservation.cost, ROUND_CEILING)
        prompt, completion = self._worst_tokens(client, reservation.agent, messages, tools, extra_create_args or {})
        member = f"{uuid.uuid4().hex}|1|{cost}|{prompt}|{completion}|{per_agent}"
        ttl_ms = int(store.reservation_ttl * 1000)
        scope_ttl_ms = int(store.scope_ttl * 1000) if store.scope_ttl is not None else 0
        try:
            reply = await store.script(
                "admit",
                ADMIT,
                self._keys,
                [
                    member,
                    ttl_ms,
                    scope_ttl_ms,
                    cost,
                    per_agent,
                    prompt,
                    completion,
                    *self._limit_args(reservation.agent),
                ],
            )
        except StoreUnavailableError as error:
            store.note_down("admit", error)
            if store.on_unavailable == "open":
                return reservation, None  # local accounting only, until Redis answers again
            self._budget.release(reservation)
            client._record_refused(agent, error)
            raise
        except BaseException:  # cancelled mid-flight: the server may have reserved it; give it back (idempotent)
            self._budget.release(reservation)
            try:
                await self._push(member)
            except StoreUnavailableError as error:  # it then expires after reservation_ttl
                store.note_down("settle", error)
            raise
        store.note_up("admit")
        if int(reply[0]) == 1:
            return _SharedReservation(agent=reservation.agent, cost=reservation.cost, shared=_Shared(member)), None
        self._budget.release(reservation)
        prefix, field, projected = str(reply[1]), str(reply[2]), int(reply[3])
        mode = on_refusal if on_refusal is not None else client._on_refusal
        return None, self._refuse(client, agent, prefix, field, projected, mode)

    def _refuse(
        self,
        client: MeteredChatCompletionClient,
        agent: str | None,
        prefix: str,
        field: str,
        projected: int,
        mode: RefusalMode,
    ) -> CreateResult:
        from ..models._metered_admission import refusal_result

        budget = self._budget
        who = prefix[2:-1] if prefix else None
        limits = budget._per_agent[who] if who is not None else budget._limits
        name = next(n for n, f in _LIMIT_FIELDS.items() if f == field)
        limit_value = getattr(limits, name)
        observed: int | Decimal = (Decimal(projected) / _NANO).normalize() if field == "cost" else projected
        worst = field != "tool_calls"
        verb, what = ("would be crossed", "worst case") if worst else ("reached", "observed")
        for_agent = f" for agent {who!r}" if who is not None else ""
        error = BudgetExceededError(
            f"Refused a call to {client._model!r}"
            + (f" by agent {agent!r}" if agent else "")
            + f" before spending: {name}={limit_value}{for_agent} {verb} across the fleet "
            + f"({what} {observed}; scope {self.scope!r})",
            limit=name,
            limit_value=limit_value,
            observed=observed,
            agent=who,
        )
        client._record_refused(agent, error)
        emit(AdmissionRefusedEvent(limit=name, limit_value=str(limit_value), observed=str(observed), agent=agent))
        if mode == "raise":
            raise error
        budget.note_refusal(error)
        return refusal_result(error)

    async def settle(self, reservation: BudgetReservation) -> None:
        """Give the reservation back and add what this process spent since its last settle (one round trip).

        Never raises for an unreachable Redis (the call has happened): the usage stays pending and is pushed
        with the next settle; the reservation then expires after ``reservation_ttl``.
        """
        self._budget.release(reservation)
        shared = reservation.shared if isinstance(reservation, _SharedReservation) else None
        try:
            await self._push(shared.member if shared is not None else "")
        except StoreUnavailableError as error:
            self.store.note_down("settle", error)

    async def _push(self, member: str, *, always: bool = False) -> None:
        """One SETTLE step: sweep, give ``member`` back, add this process's pending usage."""
        deltas = self._take_pending()
        if not member and not deltas and not always:
            return
        store = self.store
        args: list[Any] = [member, int(store.scope_ttl * 1000) if store.scope_ttl is not None else 0]
        for field, value in deltas.items():
            args += [field, value]
        try:
            await store.script("settle", SETTLE, self._keys, args)
        except BaseException:
            self._restore_pending(deltas)
            raise
        store.note_up(
            "settle",
            reconciled_requests=deltas.get("requests", 0),
            reconciled_cost_usd=str(Decimal(deltas.get("cost", 0)) / _NANO),
        )

    async def flush(self) -> None:
        """Push what this process spent and has not pushed yet (e.g. before a worker exits).

        Raises:
            StoreUnavailableError: Redis is unreachable (the usage stays pending).
        """
        self._watch()
        await self._push("")

    # -- reading and resetting ---------------------------------------------------------------------------------

    async def snapshot(self) -> dict[str, int]:
        """The scope's raw counters (cost in nano-USD), after sweeping expired reservations and pushing ours.

        Raises:
            StoreUnavailableError: Redis is unreachable.
        """
        self._watch()
        await self._push("", always=True)
        raw: dict[str, str] = await self.store.run("read", lambda c: c.hgetall(self._keys[0]))
        return {k: int(v) for k, v in raw.items()}

    async def usage(self, agent: str | None = None) -> UsageTotals:
        """What the whole fleet has spent in this scope (overall, or for one agent with per-agent limits)."""
        raw = await self.snapshot()
        prefix = f"a:{agent}:" if agent is not None else ""
        return UsageTotals(
            requests=raw.get(prefix + "requests", 0),
            prompt_tokens=raw.get(prefix + "prompt_tokens", 0),
            completion_tokens=raw.get(prefix + "completion_tokens", 0),
            cost_usd=Decimal(raw.get(prefix + "cost", 0)) / _NANO,
            unpriced_requests=raw.get(prefix + "unpriced", 0),
            tool_calls=raw.get(prefix + "tool_calls", 0),
            errors=raw.get(prefix + "errors", 0),
            refused=raw.get(prefix + "refused", 0),
        )

    async def in_flight(self) -> tuple[int, Decimal]:
        """Calls admitted fleet-wide and not settled yet, and their reserved worst-case cost."""
        raw = await self.snapshot()
        return raw.get("inflight_requests", 0), Decimal(raw.get("inflight_cost", 0)) / _NANO

    async def reset(self) -> None:
        """Erase the scope's totals and reservations for the whole fleet (only you call this).

        ``BudgetTermination.reset()``, which a team calls after every stop, never touches the shared scope:
        name a new scope (e.g. one per run or per billing period) or call this.
        """
        with self._lock:
            self._pending.clear()
        await self.store.run("reset", lambda c: c.delete(*self._keys))

    def __repr__(self) -> str:
        return f"SharedBudget(store={self.store.url!r}, scope={self.scope!r})"


def attach_store(budget: BudgetTermination, store: Any, scope: str | None) -> SharedBudget:
    """The :class:`SharedBudget` for ``budget`` in ``store`` (a URL, client or RedisStore) under ``scope``."""
    return SharedBudget(resolve_store(store), scope if scope is not None else "default", budget)
