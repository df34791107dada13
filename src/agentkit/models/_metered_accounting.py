"""Metered recording: what a delegated call cost, written to the usage ledger — answers, failures, attempts.

A mixin of :class:`~agentkit.models.MeteredChatCompletionClient` (its state is the client's own): a result
becomes one priced :class:`~agentkit.usage.CallRecord` (served model and usage details read off the wire,
an offline estimate when the result carries no usage), a failed or cancelled call one unbilled record, and the
attempt sink installed around a call records the failed attempts a failover client inside reports.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from autogen_core.models import CreateResult, LLMMessage
from autogen_core.tools import Tool, ToolSchema

from .. import _callinfo
from ..pricing import PriceTable
from ..usage import CallRecord, UsageLedger
from . import _wire_tap as wire

__all__ = ("MeteredAccounting", "restore_sink")


def _estimate_text_tokens(text: str) -> int:
    return -(-len(text.encode("utf-8")) // 4)


class MeteredAccounting:
    """Recording methods of the metered client."""

    _ledger: UsageLedger
    _model: str
    _provider: str | None
    _prices: PriceTable
    _prompt_estimator: Callable[[Sequence[LLMMessage], Sequence[Tool | ToolSchema]], int]

    def _sink(self, agent: str | None, reported: list[int]) -> Callable[[CallRecord], None]:
        ledger = self._ledger

        def sink(record: CallRecord) -> None:
            if reported[1]:  # the call is over: an attempt of some later call in this context is not ours
                return
            reported[0] += 1
            if record.agent is None and agent is not None:
                record = replace(record, agent=agent)
            if record.outcome == "ok":  # a failover member must not report successes; never bill them twice
                record = replace(record, outcome="error", error=record.error or "unreported")
            ledger.record(record)

        return sink

    def _record_result(
        self,
        result: CreateResult,
        agent: str | None,
        latency: float,
        ttft: float | None,
        stream: bool,
        started_at: datetime,
        record: wire.WireRecord | None,
        messages: Sequence[LLMMessage],
        streamed: list[str] | None = None,
    ) -> None:
        usage = result.usage
        prompt, completion = usage.prompt_tokens, usage.completion_tokens
        details = record.details if record is not None else None
        billed_apart = 0  # output tokens of a recovered stream's earlier attempts
        if record is not None and record.spent:  # a recovered stream: its earlier attempts are billed apart
            for part in record.spent:
                prompt -= part.prompt_tokens
                completion -= part.completion_tokens
                billed_apart += part.completion_tokens
                self._record_spent(part, agent, started_at)
        cached_input = cache_write = reasoning = 0
        # The model asked for: the answering failover member's, else this client's. The provider's response
        # (read off the wire by the tap, streamed or not) names the model that served it and the
        # usage details AutoGen drops; it is used only when it is the response behind this result.
        provider = self._provider
        member = None
        requested = self._model
        answered = _callinfo.answered_by()
        if answered is not None:
            requested, member = answered.model, answered.member
            provider = answered.provider or provider
        served = requested
        if details is not None and details.matches(prompt, completion):
            if details.model:
                served = details.model
            if details.prompt_tokens is not None:
                prompt = details.prompt_tokens
            if details.completion_tokens is not None:
                completion = details.completion_tokens
            cached_input, cache_write, reasoning = (
                details.cached_input_tokens,
                details.cache_write_tokens,
                details.reasoning_tokens,
            )
        model = requested if answered is not None else served
        estimated = False
        content = result.content
        if prompt == 0 and completion == 0 and not result.cached:
            text = content if isinstance(content, str) else "".join(c.name + c.arguments for c in content)
            if streamed and not text:
                text = "".join(streamed)
            prompt = self._prompt_estimator(messages, ())
            completion = max(0, _estimate_text_tokens(text) - billed_apart)  # the text the parts delivered is billed
            estimated = True
        cost: Decimal | None
        if result.cached:
            cost = Decimal(0)
        else:
            prices = self._prices
            # A served name the table does not know (a new dated snapshot) is priced as the model requested of
            # the client that answered — never as another member's: an unpriced fallback stays unpriced. The
            # user's own price for the requested name wins over a list price of the served one (a gateway
            # alias), unless the served name has a price of the user's too.
            priced_as = served
            if served != requested and (
                not prices.is_priced(served, provider)
                or (prices.overrides_price_of(requested) and not prices.overrides_price_of(served))
            ):
                priced_as = requested
            cost = prices.cost(
                priced_as,
                prompt_tokens=prompt,
                completion_tokens=completion,
                cached_input_tokens=cached_input,
                cache_write_tokens=cache_write,
                provider=provider,
            )
        self._ledger.record(
            CallRecord(
                model=model,
                agent=agent,
                provider=provider,
                member=member,
                prompt_tokens=prompt,
                completion_tokens=completion,
                cached_input_tokens=cached_input,
                cache_write_tokens=cache_write,
                reasoning_tokens=reasoning,
                cost_usd=cost,
                latency_s=latency,
                ttft_s=ttft,
                tool_calls=0 if isinstance(content, str) else len(content),
                cached=result.cached,
                estimated=estimated,
                stream=stream,
                started_at=started_at,
            )
        )

    def _record_spent(self, part: wire.Spent, agent: str | None, started_at: datetime) -> None:
        """Bill an attempt of a recovered stream that was cut off: as its own member's model, at its price."""
        prompt, completion = part.prompt_tokens, part.completion_tokens
        cached_input = cache_write = 0
        details = part.details
        if details is not None and details.prompt_tokens is not None:  # the wire's input count, cache included
            prompt = details.prompt_tokens
            cached_input, cache_write = details.cached_input_tokens, details.cache_write_tokens
        cost = self._prices.cost(
            part.model,
            prompt_tokens=prompt,
            completion_tokens=completion,
            cached_input_tokens=cached_input,
            cache_write_tokens=cache_write,
            provider=part.provider,
        )
        self._ledger.record(
            CallRecord(
                model=part.model,
                agent=agent,
                provider=part.provider,
                member=part.member,
                prompt_tokens=prompt,
                completion_tokens=completion,
                cached_input_tokens=cached_input,
                cache_write_tokens=cache_write,
                cost_usd=cost,
                estimated=details is None,
                stream=True,
                started_at=started_at,
            )
        )

    def _record_failure(
        self,
        exc: BaseException,
        agent: str | None,
        latency: float,
        stream: bool,
        started_at: datetime,
        ttft: float | None = None,
    ) -> None:
        cancelled = isinstance(exc, (asyncio.CancelledError, GeneratorExit))
        self._ledger.record(
            CallRecord(
                model=self._model,
                agent=agent,
                provider=self._provider,
                latency_s=latency,
                ttft_s=ttft,
                stream=stream,
                outcome="cancelled" if cancelled else "error",
                error=type(exc).__name__,
                started_at=started_at,
            )
        )


def restore_sink(token: Any) -> None:
    """Put back the attempt sink that was installed before a call (``token`` from ``set_attempt_sink``)."""
    try:
        _callinfo.restore_attempt_sink(token)
    except ValueError:  # finalised from another context (an abandoned stream); clear it there instead
        _callinfo.set_attempt_sink(None)
