"""``BudgetTermination``: stop a team on tokens, USD, requests or tool calls — overall and per agent."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from autogen_agentchat.base import TerminatedException, TerminationCondition
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage, StopMessage, ToolCallRequestEvent
from autogen_core import Component
from pydantic import BaseModel
from typing_extensions import Self

from ..events import BudgetThresholdEvent, emit
from ..exceptions import BudgetExceededError, ConfigurationError
from ..pricing import PriceTable, PriceTableConfig
from ..pricing._table import as_price_table
from ..usage import LedgerMark, UsageLedger, UsageTotals
from ..usage._ledger import current_team
from ..usage._totals import _Accumulator
from ._budget_limits import LIMIT_NAMES, Breach, BudgetLimits, Totals, observed_value
from ._budget_run import note_team

__all__ = ("BudgetReservation", "BudgetScope", "BudgetTermination", "BudgetTerminationConfig")

BudgetScope = Literal["run", "ledger"]


class BudgetTerminationConfig(BaseModel):
    """Serialisable configuration of :class:`BudgetTermination` (the ledger and callback are not serialised)."""

    max_total_tokens: int | None = None
    max_prompt_tokens: int | None = None
    max_completion_tokens: int | None = None
    max_cost_usd: Decimal | None = None
    max_requests: int | None = None
    max_tool_calls: int | None = None
    per_agent: dict[str, dict[str, Any]] | None = None
    soft_threshold: float | None = None
    price_model: str | None = None
    prices: PriceTableConfig | None = None
    scope: BudgetScope = "run"
    uses_ledger: bool = False
    store: str | None = None
    store_scope: str | None = None


@dataclass
class _InFlight:
    requests: int = 0
    cost: Decimal = field(default_factory=lambda: Decimal(0))


@dataclass(frozen=True, slots=True)
class BudgetReservation:
    """Worst case of one admitted call, held until the call is recorded (see ``MeteredChatCompletionClient``)."""

    agent: str | None
    cost: Decimal


class BudgetTermination(TerminationCondition, Component[BudgetTerminationConfig]):
    """Stop a team when its token, USD, request or tool-call budget — overall or per agent — is reached.

    Every limit is optional (``None`` = no limit); at least one is required. A limit is reached when the
    observed quantity is ``>=`` the limit. The :class:`~autogen_agentchat.messages.StopMessage` names the
    limit, its value and what was observed, e.g. ``Budget reached: max_cost_usd=2 reached (observed 2.013
    USD) after 9 requests.``

    **Two modes.**

    - *Messages* (no ``ledger``): like AutoGen's ``TokenUsageTermination`` it sums ``models_usage`` of the
      messages the team shows it (one request per message that carries usage), plus the tool calls of every
      ``ToolCallRequestEvent`` (also when it carries no usage, e.g. from an agent that reports none).
      Messages do not name their model, so cost is priced as if every call used ``price_model`` (required
      with ``max_cost_usd``). It misses what messages don't show: selector and
      orchestrator calls, cache hits counted twice, zero usage from unconfigured OpenAI streams.
    - *Ledger* (``ledger=`` the ledger your :class:`~agentkit.models.MeteredChatCompletionClient` s record
      into): it counts every recorded call — selector calls, inner tool loops, cache hits (not billed),
      cached-input tokens at their own price, the model that really answered. Messages are then ignored.

    **Scope and reset** (the team calls ``reset()`` after every stop):

    - messages mode: ``reset()`` zeroes the condition's counters.
    - ledger mode, ``scope="run"`` (default): the budget counts what was recorded since the run started, from
      the run's very first call — including calls no condition ever sees (MagenticOne's planning calls, the
      first speaker of a resumed ``team.run()``). The budget is armed when created (or given
      :meth:`use_ledger`) and by ``reset()``, which the team calls when a run stops; the run then starts at
      the first call its team records after that (records carry the team they were made in), or at the
      condition's first check or first admission if that comes first. Calls other teams record into the same
      ledger between runs are not counted. ``reset()`` re-arms; the ledger itself is never touched.
    - ledger mode, ``scope="ledger"``: the budget counts everything in the ledger, across runs and teams;
      ``reset()`` only clears the stopped flag, so the next run stops at its first check if the ledger is
      still over budget.

    **Per-agent limits.** ``per_agent={"coder": {"max_cost_usd": 0.5}}`` caps one agent inside the team-wide
    limits; agents are message sources (messages mode) or ledger agent names (ledger mode).

    **Soft threshold.** With ``soft_threshold=0.8``, the first check at which some limit is ``>= 80 %`` used
    emits a :class:`~agentkit.events.BudgetThresholdEvent` and calls ``on_threshold(event)``, once per limit
    (and agent) until ``reset()`` in messages and run scope; once per ledger in ledger scope.

    **Admission control.** Pass this condition as ``budget=`` to a metered client: before each call the
    client asks the condition whether the call's worst case still fits (see the client) and refuses it
    otherwise. With the client's ``on_refusal="stop"`` the refusal is noted here and stops the team at its
    next check. A run that ended with an exception (``on_refusal="raise"``) is not reset by AutoGen, so a
    per-run budget carries over to the next run until ``team.reset()`` or ``budget.reset()``.

    Args:
        max_total_tokens: Cap on prompt + completion tokens.
        max_prompt_tokens: Cap on prompt tokens (cached input included).
        max_completion_tokens: Cap on completion tokens (reasoning included).
        max_cost_usd: Cap on cost in US dollars (a ``Decimal``, float, int or str).
        max_requests: Cap on billed model calls.
        max_tool_calls: Cap on tool calls requested by the model.
        per_agent: Agent name to a mapping of the same limits.
        soft_threshold: Fraction in (0, 1) at which to warn once.
        on_threshold: Callback for the soft threshold (not serialised).
        ledger: Count from this ledger instead of messages. Not serialised: a condition loaded from a
            ledger-mode config refuses to run until you call :meth:`use_ledger`.
        scope: ``"run"`` or ``"ledger"`` (ledger mode only).
        price_model: Model whose price is used for cost in messages mode.
        prices: A ``PriceTable`` or a plain mapping of model name to price, as for the metered client
            (default: genai-prices' bundled data, unknown models warn).
        store: Share the budget with every worker process through Redis: a URL (``"redis://host:6379/0"``,
            options in its query string), a ``redis.asyncio.Redis`` client or an ``agentkit.backends.RedisStore``.
            Admission control then reserves each call atomically across the fleet (see docs/scale-out.md);
            ``budget.store`` is the :class:`~agentkit.backends.SharedBudget` (fleet usage, ``reset()``).
        store_scope: What the shared budget caps (a tenant, user or run id); default ``"default"``.

    Raises:
        ConfigurationError: No limit at all, a negative or non-numeric limit, an unknown per-agent limit,
            ``soft_threshold`` outside (0, 1), ``max_cost_usd`` in messages mode without a priced
            ``price_model``, or ``scope="ledger"`` without a ledger.
    """

    component_config_schema = BudgetTerminationConfig
    component_provider_override = "agentkit.conditions.BudgetTermination"

    def __init__(
        self,
        *,
        max_total_tokens: int | None = None,
        max_prompt_tokens: int | None = None,
        max_completion_tokens: int | None = None,
        max_cost_usd: Decimal | float | int | str | None = None,
        max_requests: int | None = None,
        max_tool_calls: int | None = None,
        per_agent: Mapping[str, Mapping[str, Any]] | None = None,
        soft_threshold: float | None = None,
        on_threshold: Callable[[BudgetThresholdEvent], None] | None = None,
        ledger: UsageLedger | None = None,
        scope: BudgetScope = "run",
        price_model: str | None = None,
        prices: PriceTable | Mapping[str, Any] | None = None,
        _loaded_without_ledger: bool = False,
        store: Any = None,
        store_scope: str | None = None,
    ) -> None:
        """Build the condition (see the class docstring)."""
        self._limits = BudgetLimits.build(
            "",
            {
                "max_total_tokens": max_total_tokens,
                "max_prompt_tokens": max_prompt_tokens,
                "max_completion_tokens": max_completion_tokens,
                "max_cost_usd": max_cost_usd,
                "max_requests": max_requests,
                "max_tool_calls": max_tool_calls,
            },
        )
        self._per_agent: dict[str, BudgetLimits] = {}
        for agent, limits in (per_agent or {}).items():
            if not isinstance(limits, Mapping):
                raise ConfigurationError(
                    f"per_agent[{agent!r}]",
                    f"must be a mapping of limits, got {limits!r}.",
                    "E.g. {'max_cost_usd': 0.5}.",
                )
            built = BudgetLimits.build(f"per_agent[{agent!r}].", limits)
            if built.empty:
                raise ConfigurationError(
                    f"per_agent[{agent!r}]", "sets no limit.", f"Give at least one of: {', '.join(LIMIT_NAMES)}."
                )
            self._per_agent[agent] = built
        if self._limits.empty and not self._per_agent:
            raise ConfigurationError(
                "BudgetTermination",
                "no limit was given.",
                f"Pass at least one of: {', '.join(LIMIT_NAMES)}, or per_agent=.",
            )
        if soft_threshold is not None and (
            isinstance(soft_threshold, bool)
            or not isinstance(soft_threshold, (int, float))
            or not 0 < soft_threshold < 1
        ):
            raise ConfigurationError(
                "soft_threshold", f"must be a fraction strictly between 0 and 1, got {soft_threshold!r}.", "E.g. 0.8."
            )
        if scope not in ("run", "ledger"):
            raise ConfigurationError("scope", f"must be 'run' or 'ledger', got {scope!r}.", "Pick one of the two.")
        if scope == "ledger" and ledger is None and not _loaded_without_ledger:
            raise ConfigurationError(
                "scope", "'ledger' needs a ledger.", "Pass ledger=UsageLedger() (shared with your metered clients)."
            )
        self._prices = as_price_table(prices) if prices is not None else PriceTable()
        uses_cost = self._limits.max_cost_usd is not None or any(
            limits.max_cost_usd is not None for limits in self._per_agent.values()
        )
        if ledger is None and uses_cost and not _loaded_without_ledger:
            if price_model is None:
                raise ConfigurationError(
                    "price_model",
                    "is required for a cost limit without a ledger: messages do not say which model produced them.",
                    "Pass price_model='gpt-4o' (the model your agents use), or ledger= with metered clients.",
                )
            if not self._prices.is_priced(price_model):
                raise ConfigurationError(
                    "price_model",
                    f"no price is known for {price_model!r}.",
                    "Pass prices=PriceTable({...: ModelPrice(...)}) or a model genai-prices knows.",
                )
        self._uses_cost = uses_cost
        self._soft_threshold = float(soft_threshold) if soft_threshold is not None else None
        self._on_threshold = on_threshold
        self._external = ledger
        self._scope: BudgetScope = scope
        self._price_model = price_model
        self._ledger = ledger if ledger is not None else UsageLedger()
        # Run scope: armed at a mark (creation, use_ledger, reset); the run starts at its team's first call.
        self._mark: LedgerMark | None = self._ledger.mark() if (ledger is not None and scope == "run") else None
        self._started = False
        self._team: str | None = None
        self._terminated = False
        self._fired: set[tuple[str, str | None]] = set()
        self._lock = threading.Lock()
        self._in_flight = _InFlight()
        self._in_flight_agent: dict[str, _InFlight] = {}
        self._refusal: BudgetExceededError | None = None
        self._needs_ledger = _loaded_without_ledger
        self._price = self._prices.price_for(price_model) if price_model is not None else None
        self._reset_counters()
        self.store: Any = None  # agentkit.backends.SharedBudget when shared across processes
        if store is not None:
            from ..backends._shared_budget import attach_store

            self.store = attach_store(self, store, store_scope)

    def _reset_counters(self) -> None:
        self._acc = _Accumulator()
        self._acc_agent = {agent: _Accumulator() for agent in self._per_agent}

    def use_ledger(self, ledger: UsageLedger) -> None:
        """Count from ``ledger`` from now on (e.g. after loading a ledger-mode condition from its config).

        In ``scope="run"`` the budget counts from this moment; in ``scope="ledger"``, everything in the ledger.
        """
        self._external = ledger
        self._ledger = ledger
        self._mark = ledger.mark() if self._scope == "run" else None
        self._started = False
        self._needs_ledger = False
        self._fired.clear()

    # -- introspection ------------------------------------------------------------------------------------------

    @property
    def terminated(self) -> bool:
        """Whether the budget stopped the team (until :meth:`reset`)."""
        return self._terminated

    @property
    def ledger(self) -> UsageLedger | None:
        """The ledger counted from (``None`` in messages mode)."""
        return self._external

    @property
    def scope(self) -> BudgetScope:
        """``"run"`` or ``"ledger"``."""
        return self._scope

    @property
    def prices(self) -> PriceTable:
        """The price table used for cost."""
        return self._prices

    @property
    def limits(self) -> dict[str, Any]:
        """The team-wide limits that are set, e.g. ``{"max_cost_usd": Decimal("2")}``."""
        return dict(self._limits.items())

    @property
    def per_agent_limits(self) -> dict[str, dict[str, Any]]:
        """The per-agent limits."""
        return {agent: dict(limits.items()) for agent, limits in self._per_agent.items()}

    def usage(self, agent: str | None = None) -> UsageTotals:
        """What this budget has counted so far (overall, or for one agent; messages mode: agents with limits)."""
        if self._external is None:
            acc = self._acc if agent is None else self._acc_agent.get(agent)
            return acc.freeze() if acc is not None else UsageTotals()
        return self._ledger.totals_since(self._mark, agent=agent)

    # -- the condition ---------------------------------------------------------------------------------------------

    async def __call__(self, messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> StopMessage | None:
        """Count ``messages`` (messages mode) or read the ledger, and stop when a limit is reached."""
        if self._terminated:
            raise TerminatedException("Budget termination condition has already been reached.")
        if self._needs_ledger:
            raise ConfigurationError(
                "ledger",
                "this BudgetTermination was loaded from a ledger-mode config, and ledgers are not serialised.",
                "Call condition.use_ledger(ledger) with the ledger your metered clients record into.",
            )
        if not self._started and self._mark is not None:
            with self._lock:
                self._start_run()
        if self._external is None:
            for message in messages:
                usage = message.models_usage
                if usage is not None:
                    self._count(message.source, usage.prompt_tokens, usage.completion_tokens, message)
                elif isinstance(message, ToolCallRequestEvent):  # a client that reports no usage: tool calls only
                    self._count_tool_calls(message.source, len(message.content))
        breach = self.check()
        if breach is None:
            refusal = self._refusal
            if refusal is None:
                return None
            text = f"Budget reached: admission control refused a model call: {refusal}"
        else:
            text = self._stop_text(breach)
        self._terminated = True
        return StopMessage(content=text, source="BudgetTermination")

    def _count(self, source: str, prompt: int, completion: int, message: BaseAgentEvent | BaseChatMessage) -> None:
        """Messages mode: add one call's usage to the running totals."""
        tool_calls = len(message.content) if isinstance(message, ToolCallRequestEvent) else 0
        cost: Decimal | None = None
        if self._price is not None:
            cost = self._price.cost(prompt_tokens=prompt, completion_tokens=completion)
        elif self._price_model is not None:
            cost = self._prices.cost(self._price_model, prompt_tokens=prompt, completion_tokens=completion)
        targets = [self._acc]
        agent_acc = self._acc_agent.get(source)
        if agent_acc is not None:
            targets.append(agent_acc)
        for acc in targets:
            acc.requests += 1
            acc.prompt_tokens += prompt
            acc.completion_tokens += completion
            acc.tool_calls += tool_calls
            if cost is None:
                acc.unpriced_requests += 1
            else:
                acc.cost_usd += cost

    def _start_run(self) -> None:
        """Run scope: fix where the run started, at the first check or admission after the budget was armed.

        AutoGen has no run-start hook a condition sees (it resets conditions when a run *stops*, and a team
        may spend before its first check: MagenticOne plans first, a resumed run's first speaker answers
        first). So the run starts at the first call its team recorded since the budget was armed — the team
        being the one whose runtime this check or admission runs in (``CallRecord.team``) — or now, when
        that team recorded nothing yet or the budget is used outside a team. Calls of other teams or code
        recorded into the same ledger between runs are not counted. Call with ``self._lock`` held.
        """
        if self._started or self._mark is None:
            return
        team = current_team()
        if team is not None:
            self._team = team
            note_team(self, team)  # so that run_with_budget re-arms this budget when that team's next run starts
        team = self._team
        self._mark = self._ledger.mark_at_first(self._mark, team=team) if team is not None else self._ledger.mark()
        self._started = True

    def _count_tool_calls(self, source: str, tool_calls: int) -> None:
        """Messages mode: tool calls from a message without usage (no request or tokens to count)."""
        self._acc.tool_calls += tool_calls
        agent_acc = self._acc_agent.get(source)
        if agent_acc is not None:
            agent_acc.tool_calls += tool_calls

    def _observed(self, agent: str | None) -> UsageTotals | Totals:
        if self._external is None:
            return self._acc if agent is None else self._acc_agent[agent]
        return self._ledger.totals_since(self._mark, agent=agent)

    def check(self) -> Breach | None:
        """The first limit reached right now, if any; fires the soft threshold. Does not stop anything."""
        if self._needs_ledger:
            return None
        totals = self._observed(None)
        self._threshold(self._limits, totals, None)
        breach = self._limits.first_breach(totals)
        if breach is not None:
            return breach
        for agent, limits in self._per_agent.items():
            agent_totals = self._observed(agent)
            self._threshold(limits, agent_totals, agent)
            breach = limits.first_breach(agent_totals, agent)
            if breach is not None:
                return breach
        return None

    def _stop_text(self, breach: Breach) -> str:
        totals = self._observed(breach.agent)
        text = f"Budget reached: {breach.describe()} after {totals.requests} requests"
        if totals.unpriced_requests and self._uses_cost:
            text += f"; {totals.unpriced_requests} unpriced requests are not in the cost"
        return text + "."

    def _threshold(self, limits: BudgetLimits, totals: UsageTotals | Totals, agent: str | None) -> None:
        fraction_at = self._soft_threshold
        if fraction_at is None:
            return
        for name, value in limits.items():
            if (name, agent) in self._fired or not value:
                continue
            observed = observed_value(totals, name)
            fraction = float(Decimal(observed) / Decimal(value))
            if fraction >= fraction_at:
                self._fired.add((name, agent))
                event = BudgetThresholdEvent(
                    limit=name,
                    limit_value=str(value) if isinstance(value, Decimal) else value,
                    observed=str(observed) if isinstance(observed, Decimal) else observed,
                    fraction=round(fraction, 6),
                    agent=agent,
                )
                emit(event)
                if self._on_threshold is not None:
                    self._on_threshold(event)

    def _begin_run(self) -> None:
        """Run scope: a run of this budget's team starts now (:func:`run_with_budget`): count from here."""
        with self._lock:
            self._terminated = False
            self._refusal = None
            self._mark = self._ledger.mark()
            self._started = True
            self._fired.clear()

    async def reset(self) -> None:
        """Re-arm the condition; what it forgets depends on the mode (see the class docstring).

        Never erases an external ledger.
        """
        self._terminated = False
        self._refusal = None
        if self._external is None:
            self._reset_counters()
            self._fired.clear()
        elif self._scope == "run":
            self._mark = self._ledger.mark()
            self._started = False
            self._fired.clear()

    # -- admission control (used by MeteredChatCompletionClient) ----------------------------------------------------

    def _needs_worst_cost(self, agent: str | None) -> bool:
        if self._limits.max_cost_usd is not None:
            return True
        limits = self._per_agent.get(agent) if agent is not None else None
        return limits is not None and limits.max_cost_usd is not None

    def admit(self, *, agent: str | None, worst_cost: Decimal | None, model: str) -> BudgetReservation:
        """Reserve one call's worst case, or raise :class:`BudgetExceededError` if it could cross a limit.

        Checked, for the team-wide limits and those of ``agent``, against what was recorded plus what other
        admitted calls still in flight may spend: ``max_requests`` and ``max_cost_usd`` by worst case (the
        call would cross the limit); the token and tool-call limits when already reached. A cost limit
        refuses calls whose cost is unknown (``worst_cost=None``: an unpriced model), since it cannot bound
        them. Release the reservation with :meth:`release` once the call is recorded (or failed).
        """
        if self._external is None:
            raise ConfigurationError(
                "budget", "admission control needs a BudgetTermination with a ledger.", "Pass ledger= to it."
            )
        with self._lock:
            self._start_run()
            scopes: list[tuple[BudgetLimits, str | None, _InFlight]] = [(self._limits, None, self._in_flight)]
            if agent is not None and agent in self._per_agent:
                scopes.append((self._per_agent[agent], agent, self._in_flight_agent.setdefault(agent, _InFlight())))
            for limits, who, in_flight in scopes:
                totals = self._ledger.totals_since(self._mark, agent=who)
                breach = self._admission_breach(limits, totals, in_flight, worst_cost, who, model)
                if breach is not None:
                    error = BudgetExceededError(
                        f"Refused a call to {model!r}"
                        + (f" by agent {agent!r}" if agent else "")
                        + f" before spending: {breach.describe()}.",
                        limit=breach.limit,
                        limit_value=breach.limit_value,
                        observed=breach.observed,
                        agent=who,
                    )
                    raise error
            cost = worst_cost if worst_cost is not None else Decimal(0)
            for _, _, in_flight in scopes:
                in_flight.requests += 1
                in_flight.cost += cost
            return BudgetReservation(agent=agent if len(scopes) > 1 else None, cost=cost)

    def note_refusal(self, error: BudgetExceededError) -> None:
        """Stop the team at its next check because ``error`` refused a call (``on_refusal="stop"``)."""
        self._refusal = error

    def release(self, reservation: BudgetReservation) -> None:
        """Give back a reservation from :meth:`admit`."""
        with self._lock:
            targets = [self._in_flight]
            if reservation.agent is not None:
                targets.append(self._in_flight_agent[reservation.agent])
            for in_flight in targets:
                in_flight.requests -= 1
                in_flight.cost -= reservation.cost

    @staticmethod
    def _admission_breach(
        limits: BudgetLimits,
        totals: UsageTotals,
        in_flight: _InFlight,
        worst_cost: Decimal | None,
        agent: str | None,
        model: str,
    ) -> Breach | None:
        for name, value in limits.items():
            observed = observed_value(totals, name)
            if name == "max_requests":
                if observed + in_flight.requests + 1 > value:
                    return Breach(name, value, observed + in_flight.requests + 1, agent, worst_case=True)
            elif name == "max_cost_usd":
                if worst_cost is None:
                    return Breach(name, value, f"unknown (model {model!r} has no price)", agent, worst_case=True)  # type: ignore[arg-type]
                projected = observed + in_flight.cost + worst_cost
                if projected > value:
                    return Breach(name, value, projected, agent, worst_case=True)
            elif observed >= value:
                return Breach(name, value, observed, agent)
        return None

    # -- component -------------------------------------------------------------------------------------------

    def _to_config(self) -> BudgetTerminationConfig:
        prices = self._prices.to_config()
        return BudgetTerminationConfig(
            **self._limits.to_dict(),
            per_agent={a: lim.to_dict() for a, lim in self._per_agent.items()} or None,
            soft_threshold=self._soft_threshold,
            price_model=self._price_model,
            prices=None if prices == PriceTableConfig() else prices,
            scope=self._scope,
            uses_ledger=self._external is not None or self._needs_ledger,
            store=self.store.store.url if self.store is not None else None,
            store_scope=self.store.scope if self.store is not None else None,
        )

    @classmethod
    def _from_config(cls, config: BudgetTerminationConfig) -> Self:
        return cls(
            max_total_tokens=config.max_total_tokens,
            max_prompt_tokens=config.max_prompt_tokens,
            max_completion_tokens=config.max_completion_tokens,
            max_cost_usd=config.max_cost_usd,
            max_requests=config.max_requests,
            max_tool_calls=config.max_tool_calls,
            per_agent=config.per_agent,
            soft_threshold=config.soft_threshold,
            price_model=config.price_model,
            prices=PriceTable.from_config(config.prices) if config.prices is not None else None,
            scope=config.scope,
            _loaded_without_ledger=config.uses_ledger,
            store=config.store,
            store_scope=config.store_scope,
        )

    def __repr__(self) -> str:
        mode = "messages" if self._external is None else f"ledger/{self._scope}"
        return f"BudgetTermination({self._limits.to_dict()}, per_agent={self.per_agent_limits}, mode={mode})"
