"""Metered admission control: check a call's worst case against the budget before it spends anything.

A mixin of :class:`~agentkit.models.MeteredChatCompletionClient` (its state is the client's own). The worst
case is the prompt estimate (:func:`estimate_prompt_tokens`, or the client's ``prompt_estimator``) plus the
output cap, priced at the most expensive model that could answer; a refused call is recorded with
``outcome="refused"``, announced with an :class:`~agentkit.events.AdmissionRefusedEvent`, and then raised or
turned into the result that ends the agent's turn (``on_refusal``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from autogen_core.models import ChatCompletionClient, CreateResult, LLMMessage, RequestUsage
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel

from .. import _tokens
from ..events import AdmissionRefusedEvent, emit
from ..exceptions import BudgetExceededError
from ..pricing import PriceTable
from ..usage import CallRecord, UsageLedger
from ._metered_inner import inner_max_tokens

if TYPE_CHECKING:
    from ..conditions._budget import BudgetReservation, BudgetTermination

__all__ = ("MeteredAdmission", "RefusalMode", "estimate_prompt_tokens", "refusal_result")

RefusalMode = Literal["raise", "stop"]

MAGENTIC_ONE_ORCHESTRATOR = "MagenticOneOrchestrator"
"""The agent name AutoGen 0.7.5 gives MagenticOne's orchestrator (``MagenticOneGroupChat``, fixed)."""


def estimate_prompt_tokens(messages: Sequence[LLMMessage], tools: Sequence[Tool | ToolSchema] = ()) -> int:
    """An offline, deliberately generous prompt-token estimate (no tokenizer download).

    One token per started 3 UTF-8 bytes of every message and tool schema, plus 4 tokens per message and 1,000
    per image — above what OpenAI's and Anthropic's tokenizers count for ordinary text, so admission control
    errs on the safe side.
    """
    return _tokens.estimate_prompt_tokens(
        _tokens.scan_prompt(messages, tools), bytes_per_token=3, tokens_per_message=4, tokens_per_image=1000
    )


def refusal_result(error: BudgetExceededError) -> CreateResult:
    """The result a call refused with ``on_refusal="stop"`` returns: ``"[budget] <reason>"``, no usage."""
    return CreateResult(
        finish_reason="stop",
        content=f"[budget] {error}",
        usage=RequestUsage(prompt_tokens=0, completion_tokens=0),
        cached=False,
    )


class MeteredAdmission:
    """Admission-control methods of the metered client."""

    _ledger: UsageLedger
    _model: str
    _provider: str | None
    _prices: PriceTable
    _prompt_estimator: Callable[[Sequence[LLMMessage], Sequence[Tool | ToolSchema]], int]
    _budget: BudgetTermination | None
    _on_refusal: RefusalMode
    _candidates: list[tuple[str, str | None, ChatCompletionClient]]
    _default_max_output: int

    async def _admission(
        self,
        agent: str | None,
        messages: Sequence[LLMMessage],
        tools: Sequence[Tool | ToolSchema],
        json_output: bool | type[BaseModel] | None,
        extra_create_args: Mapping[str, Any],
    ) -> tuple[BudgetReservation | None, CreateResult | None]:
        """Admission control: the call's reservation, or (stop mode) the result that ends the agent's turn.

        Checked locally, then across the fleet when the budget is shared (one round trip).

        Raises:
            BudgetExceededError: the call would cross a hard limit and the refusal is raised
                (:meth:`_refusal_mode`).
        """
        budget = self._budget
        assert budget is not None
        mode = self._refusal_mode(agent, json_output)
        try:
            reservation = self._admit(agent, messages, tools, extra_create_args)
        except BudgetExceededError as error:
            if mode == "raise":
                raise
            budget.note_refusal(error)
            return None, refusal_result(error)
        if budget.store is None:
            return reservation, None
        shared: tuple[BudgetReservation | None, CreateResult | None] = await budget.store.admit(
            self, reservation, agent, messages, tools, extra_create_args, mode
        )
        return shared

    def _refusal_mode(self, agent: str | None, json_output: bool | type[BaseModel] | None) -> RefusalMode:
        """``on_refusal``, except that a caller which cannot end its turn on a text answer gets the error.

        ``"[budget] <reason>"`` is no answer to a call that asks for JSON or a structured output, nor to
        MagenticOne's orchestrator, which parses JSON out of every answer (and retries 10 times before it
        fails with ``ValueError: Failed to parse ledger information``): those refusals are raised.
        """
        if self._on_refusal == "stop" and (json_output or agent == MAGENTIC_ONE_ORCHESTRATOR):
            return "raise"
        return self._on_refusal

    def _admit(
        self,
        agent: str | None,
        messages: Sequence[LLMMessage],
        tools: Sequence[Tool | ToolSchema],
        extra_create_args: Mapping[str, Any],
    ) -> BudgetReservation:
        budget = self._budget
        assert budget is not None
        worst_cost: Decimal | None = None
        if budget._needs_worst_cost(agent):
            requested = extra_create_args.get("max_tokens", extra_create_args.get("max_completion_tokens"))
            prompt = self._prompt_estimator(messages, tools)
            prices = self._prices
            costs: list[Decimal] = []
            for name, provider, leaf in self._candidates:
                if not prices.is_priced(name, provider):
                    break  # one unpriced candidate makes the worst case unknown
                max_out = requested
                if not isinstance(max_out, int) or isinstance(max_out, bool):
                    max_out = inner_max_tokens(leaf) or self._default_max_output
                cost = prices.cost(name, prompt_tokens=prompt, completion_tokens=max_out, provider=provider)
                assert cost is not None
                costs.append(cost)
            else:
                worst_cost = max(costs)
        try:
            return budget.admit(agent=agent, worst_cost=worst_cost, model=self._model)
        except BudgetExceededError as error:
            self._record_refused(agent, error)
            emit(
                AdmissionRefusedEvent(
                    limit=error.limit,
                    limit_value=str(error.limit_value),
                    observed=str(error.observed),
                    agent=agent,
                )
            )
            raise

    def _record_refused(self, agent: str | None, error: Exception) -> None:
        """Record a call refused before it spent anything (``outcome="refused"``)."""
        self._ledger.record(
            CallRecord(
                model=self._model, agent=agent, provider=self._provider, outcome="refused", error=type(error).__name__
            )
        )
