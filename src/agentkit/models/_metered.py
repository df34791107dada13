"""``MeteredChatCompletionClient``: record every model call in a usage ledger, and refuse calls over budget.

The client itself delegates each call. How a call is recorded (``MeteredAccounting``, ``_metered_accounting``)
and admitted (``MeteredAdmission``, ``_metered_admission``) are its mixins; what it reads off the client it wraps
and the runtime is in ``_metered_inner``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from autogen_core import CancellationToken, Component, ComponentModel
from autogen_core.models import (
    ChatCompletionClient,
    CreateResult,
    LLMMessage,
    ModelCapabilities,
    ModelInfo,
    RequestUsage,
)
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel
from typing_extensions import Self

from .. import _callinfo
from .._clock import SYSTEM_CLOCK, Clock
from .._redaction import redact_component, reject_redacted
from ..exceptions import ConfigurationError
from ..pricing import PriceTable, PriceTableConfig
from ..pricing._table import as_price_table
from ..usage import UsageLedger
from . import _wire_tap as wire
from ._metered_accounting import MeteredAccounting, restore_sink
from ._metered_admission import MeteredAdmission, RefusalMode, estimate_prompt_tokens
from ._metered_inner import contains_openai, current_agent, inner_model_name, leaf_clients, with_stream_usage

if TYPE_CHECKING:
    from ..conditions._budget import BudgetReservation, BudgetTermination

__all__ = ("MeteredChatCompletionClient", "MeteredChatCompletionClientConfig", "estimate_prompt_tokens")


class MeteredChatCompletionClientConfig(BaseModel):
    """Serialisable configuration of :class:`MeteredChatCompletionClient`.

    The ledger, budget, clock and prompt estimator are not serialised: pass them again after loading
    (a loaded client records into a fresh ledger of its own).
    """

    inner: ComponentModel
    agent: str | None = None
    model: str | None = None
    prices: PriceTableConfig | None = None
    request_stream_usage: bool | None = None
    capture_usage_details: bool = True
    default_max_output_tokens: int = 4096
    on_refusal: RefusalMode = "raise"


class MeteredChatCompletionClient(
    MeteredAdmission, MeteredAccounting, ChatCompletionClient, Component[MeteredChatCompletionClientConfig]
):
    """Wrap any ``ChatCompletionClient`` and record every call in a :class:`~agentkit.usage.UsageLedger`.

    Each successful call becomes a :class:`~agentkit.usage.CallRecord`: the agent, the model that answered,
    prompt / completion / cached-input / cache-write / reasoning tokens, cost in USD, latency, time to first
    chunk (streams) and the number of tool calls requested. Streams are recorded when they finish.

    **What it reads.** Token counts come from ``CreateResult.usage``. The model recorded is the one that
    answered (the failover member that answered, or the name in the provider response); if the price table
    does not know the served name (e.g. a new dated snapshot), the call is priced as the model requested of
    the client that answered — a failover member without a known price is recorded unpriced
    (``cost_usd=None``, with an :class:`~agentkit.pricing.UnpricedModelWarning`), never at another member's
    price. For OpenAI and Anthropic calls, streamed or not, cached-input, cache-write and reasoning tokens and
    the served model name come from the provider's response (``capture_usage_details``: the client taps the
    SDK client of each OpenAI/Anthropic client it wraps — that instance only, see
    ``agentkit.models._wire_tap`` — and reads the response, or a stream's usage events, off the wire), so a
    streamed call costs exactly what the same call costs unstreamed. OpenAI streams report no
    usage unless asked: with ``request_stream_usage`` (default: automatically when an
    OpenAI client is inside) the client adds ``stream_options={"include_usage": True}`` to
    ``extra_create_args`` unless you set ``stream_options`` yourself. A result without usage (0/0 tokens
    for a non-empty answer) is estimated offline and recorded with ``estimated=True``.

    **Cache hits.** Put the metered client *outside* ``ChatCompletionCache``: a hit (``cached=True``) is
    recorded as a cache hit and never billed (tokens stay visible in the record, cost is 0).

    **Agent attribution.** ``agent="coder"`` attributes every call to that agent. Without it, the client
    reads AutoGen's ``MessageHandlerContext``: inside a team the agent type is ``"{agent name}_{team id}"``
    and the client records the agent name — so one metered client shared by every agent of a team still
    gives per-agent totals, and a ``SelectorGroupChat``'s speaker-selection calls are attributed to
    ``"SelectorGroupChatManager"``. Outside a runtime (``agent.run()`` alone) the agent is ``None``.

    **Failover.** While delegating it installs ``agentkit._callinfo``'s attempt sink, so a failover client
    inside reports each failed attempt (recorded with ``outcome="error"``, never billed), and it reads
    ``answered_by()`` afterwards to record the member and model that actually answered.

    **Admission control.** With ``budget=`` (a :class:`~agentkit.conditions.BudgetTermination` counting from
    the same ledger) every call is first checked against the budget — requests and cost by the call's worst
    case: the prompt estimate (:func:`estimate_prompt_tokens`, or ``prompt_estimator``) plus the output cap
    (``max_tokens`` from ``extra_create_args``, else the inner client's configured ``max_tokens``, else
    ``default_max_output_tokens``) at the model's prices; concurrent calls reserve their worst case until
    they are recorded. A refused call spends nothing; it is recorded with ``outcome="refused"``, an
    :class:`~agentkit.events.AdmissionRefusedEvent` is emitted, and then:

    - ``on_refusal="raise"`` (default): :class:`~agentkit.exceptions.BudgetExceededError` is raised. Alone,
      ``agent.run()`` raises it; inside a team AutoGen turns it into ``RuntimeError("BudgetExceededError:
      ...")`` — use :func:`agentkit.conditions.run_with_budget` to get a ``TaskResult`` instead.
    - ``on_refusal="stop"``: the call returns a ``CreateResult`` whose content is ``"[budget] <reason>"``
      (no usage, not billed); the agent ends its turn with it and the budget condition stops the team at
      that turn boundary with ``stop_reason`` ``"Budget reached: admission control refused a model call:
      ..."``.

    Args:
        inner: The client to wrap.
        ledger: Where to record (default: the budget's ledger, else a new ledger, see :attr:`ledger`).
        agent: Attribute every call to this agent (default: from AutoGen's runtime context).
        model: The model name for pricing when the inner client's cannot be read (default: read from it).
        prices: A ``PriceTable``, or a plain mapping of model name to price (``{"my-llama": {"input_per_mtok":
            0.2, "output_per_mtok": 0.6}}``, validated here) added over genai-prices' bundled data (default: that
            data alone; unknown models warn once).
        budget: Budget for admission control (not serialised).
        request_stream_usage: Ask OpenAI streams for their usage chunk (``None`` = when OpenAI is inside).
        capture_usage_details: Read cached/reasoning tokens and the served model from the provider response
            (read off the wire by a tap on the wrapped clients' own SDK clients; for streams, the usage events).
        default_max_output_tokens: Output cap assumed for the worst case when the request sets none.
        on_refusal: ``"raise"`` or ``"stop"``.
        prompt_estimator: ``(messages, tools) -> tokens`` for the worst case (not serialised).
        clock: Clock for latencies (not serialised).
    """

    component_type = "model"
    component_config_schema = MeteredChatCompletionClientConfig
    component_provider_override = "agentkit.models.MeteredChatCompletionClient"

    def __init__(
        self,
        inner: ChatCompletionClient,
        *,
        ledger: UsageLedger | None = None,
        agent: str | None = None,
        model: str | None = None,
        prices: PriceTable | Mapping[str, Any] | None = None,
        budget: BudgetTermination | None = None,
        request_stream_usage: bool | None = None,
        capture_usage_details: bool = True,
        default_max_output_tokens: int = 4096,
        on_refusal: RefusalMode = "raise",
        prompt_estimator: Callable[[Sequence[LLMMessage], Sequence[Tool | ToolSchema]], int] | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        """Wrap ``inner`` (see the class docstring)."""
        if not isinstance(inner, ChatCompletionClient):
            raise ConfigurationError(
                "inner", f"must be a ChatCompletionClient, got {type(inner).__name__}.", "Pass a model client."
            )
        if on_refusal not in ("raise", "stop"):
            raise ConfigurationError("on_refusal", f"must be 'raise' or 'stop', got {on_refusal!r}.", "")
        if (
            isinstance(default_max_output_tokens, bool)
            or not isinstance(default_max_output_tokens, int)
            or (default_max_output_tokens < 1)
        ):
            raise ConfigurationError(
                "default_max_output_tokens", f"must be a positive integer, got {default_max_output_tokens!r}.", ""
            )
        if budget is not None:
            if budget.ledger is None:
                raise ConfigurationError(
                    "budget",
                    "admission control needs a BudgetTermination that counts from a ledger.",
                    "Create it with BudgetTermination(..., ledger=ledger) and pass the same ledger here.",
                )
            if ledger is not None and ledger is not budget.ledger:
                raise ConfigurationError(
                    "ledger", "differs from the budget's ledger.", "Pass the same UsageLedger to both (or omit it)."
                )
            ledger = budget.ledger
        self._inner = inner
        self._ledger = ledger if ledger is not None else UsageLedger()
        self._agent = agent
        leaves = leaf_clients(inner)  # inner itself, or what a cache / failover chain wraps
        self._model_arg = model
        self._model = model or inner_model_name(inner) or inner_model_name(leaves[0]) or "unknown"
        self._provider = wire.provider_of(inner) or (wire.provider_of(leaves[0]) if len(leaves) == 1 else None)
        # Admission prices a call at its most expensive possible answerer (e.g. any failover member).
        self._candidates: list[tuple[str, str | None, ChatCompletionClient]] = (
            [(self._model, self._provider, leaves[0])]
            if model is not None or len(leaves) == 1
            else [(inner_model_name(leaf) or "unknown", wire.provider_of(leaf), leaf) for leaf in leaves]
        )
        self._prices = as_price_table(prices) if prices is not None else PriceTable()
        self._budget = budget
        self._request_stream_usage = request_stream_usage
        self._add_stream_usage = contains_openai(inner) if request_stream_usage is None else request_stream_usage
        self._capture = capture_usage_details
        if capture_usage_details:  # this client's own leaves only: no SDK class is patched
            for leaf in leaves:
                wire.tap(leaf)
        self._default_max_output = default_max_output_tokens
        self._on_refusal: RefusalMode = on_refusal
        self._prompt_estimator = prompt_estimator or estimate_prompt_tokens
        self._clock = clock

    # -- properties -------------------------------------------------------------------------------------------------

    @property
    def inner(self) -> ChatCompletionClient:
        """The wrapped client."""
        return self._inner

    @property
    def ledger(self) -> UsageLedger:
        """The ledger every call is recorded in."""
        return self._ledger

    @property
    def agent(self) -> str | None:
        """The fixed agent name, if any."""
        return self._agent

    @property
    def budget(self) -> BudgetTermination | None:
        """The budget used for admission control, if any."""
        return self._budget

    # -- calls ---------------------------------------------------------------------------------------------------

    async def create(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> CreateResult:
        """Delegate one call and record it."""
        agent = self._agent if self._agent is not None else current_agent()
        reservation: BudgetReservation | None = None
        if self._budget is not None:
            reservation, refusal = await self._admission(agent, messages, tools, json_output, extra_create_args)
            if refusal is not None:
                return refusal
        reported = [0, 0]  # failed attempts reported; 1 once this call is over
        sink_token = _callinfo.set_attempt_sink(self._sink(agent, reported))
        _callinfo.reset_answered_by()
        slot_token = None
        slot: wire.WireRecord | None = None
        if self._capture:
            slot, slot_token = wire.open_record()
        started_at = self._clock.now()
        start = self._clock.monotonic()
        try:
            result = await self._inner.create(
                messages,
                tools=tools,
                tool_choice=tool_choice,
                json_output=json_output,
                extra_create_args=extra_create_args,
                cancellation_token=cancellation_token,
            )
            latency = self._clock.monotonic() - start
            self._record_result(result, agent, latency, None, False, started_at, slot, messages)
            return result
        except BaseException as exc:
            if not reported[0]:
                self._record_failure(exc, agent, self._clock.monotonic() - start, False, started_at)
            raise
        finally:
            if slot is not None and slot_token is not None:
                wire.close_record(slot, slot_token)
            reported[1] = 1  # a sink left behind (an abandoned stream finalised elsewhere) records nothing
            restore_sink(sink_token)
            if reservation is not None:
                if self._budget.store is None:  # type: ignore[union-attr]
                    self._budget.release(reservation)  # type: ignore[union-attr]
                else:  # one round trip: give the reservation back, add what was spent
                    await self._budget.store.settle(reservation)  # type: ignore[union-attr]

    async def create_stream(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> AsyncGenerator[str | CreateResult, None]:
        """Delegate one streamed call, passing every chunk through, and record it when the stream ends."""
        agent = self._agent if self._agent is not None else current_agent()
        reservation: BudgetReservation | None = None
        if self._budget is not None:
            reservation, refusal = await self._admission(agent, messages, tools, json_output, extra_create_args)
            if refusal is not None:
                yield refusal
                return
        if self._add_stream_usage:
            extra_create_args = with_stream_usage(extra_create_args)
        reported = [0, 0]  # failed attempts reported; 1 once this call is over
        sink_token = _callinfo.set_attempt_sink(self._sink(agent, reported))
        _callinfo.reset_answered_by()
        slot_token = None
        slot: wire.WireRecord | None = None
        if self._capture:
            slot, slot_token = wire.open_record()
        started_at = self._clock.now()
        clock = self._clock
        start = clock.monotonic()
        ttft: float | None = None
        result: CreateResult | None = None
        streamed: list[str] = []
        try:
            async for item in self._inner.create_stream(
                messages,
                tools=tools,
                tool_choice=tool_choice,
                json_output=json_output,
                extra_create_args=extra_create_args,
                cancellation_token=cancellation_token,
            ):
                if ttft is None:
                    ttft = clock.monotonic() - start
                if isinstance(item, CreateResult):
                    result = item
                else:
                    streamed.append(item)
                yield item
            if result is not None:
                self._record_result(
                    result, agent, clock.monotonic() - start, ttft, True, started_at, slot, messages, streamed
                )
        except BaseException as exc:
            if not reported[0]:
                self._record_failure(exc, agent, clock.monotonic() - start, True, started_at, ttft)
            raise
        finally:
            if slot is not None and slot_token is not None:
                wire.close_record(slot, slot_token)
            reported[1] = 1  # a sink left behind (an abandoned stream finalised elsewhere) records nothing
            restore_sink(sink_token)
            if reservation is not None:
                if self._budget.store is None:  # type: ignore[union-attr]
                    self._budget.release(reservation)  # type: ignore[union-attr]
                else:  # one round trip: give the reservation back, add what was spent
                    await self._budget.store.settle(reservation)  # type: ignore[union-attr]

    # -- delegation -----------------------------------------------------------------------------------------------

    async def close(self) -> None:
        """Close the inner client."""
        await self._inner.close()

    def actual_usage(self) -> RequestUsage:
        """The inner client's ``actual_usage()``."""
        return self._inner.actual_usage()

    def total_usage(self) -> RequestUsage:
        """The inner client's ``total_usage()``."""
        return self._inner.total_usage()

    def count_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        """The inner client's ``count_tokens()`` (real SDK clients may need a tokenizer download)."""
        return self._inner.count_tokens(messages, tools=tools)

    def remaining_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        """The inner client's ``remaining_tokens()``."""
        return self._inner.remaining_tokens(messages, tools=tools)

    @property
    def capabilities(self) -> ModelCapabilities:
        """The inner client's (deprecated) capabilities."""
        return self._inner.capabilities

    @property
    def model_info(self) -> ModelInfo:
        """The inner client's model info."""
        return self._inner.model_info

    # -- component ----------------------------------------------------------------------------------------------

    def _to_config(self) -> MeteredChatCompletionClientConfig:
        prices = self._prices.to_config()
        return MeteredChatCompletionClientConfig(
            inner=redact_component(self._inner.dump_component()),
            agent=self._agent,
            model=self._model_arg,
            prices=None if prices == PriceTableConfig() else prices,
            request_stream_usage=self._request_stream_usage,
            capture_usage_details=self._capture,
            default_max_output_tokens=self._default_max_output,
            on_refusal=self._on_refusal,
        )

    @classmethod
    def _from_config(cls, config: MeteredChatCompletionClientConfig) -> Self:
        reject_redacted(config.inner.config, "inner.config")
        return cls(
            ChatCompletionClient.load_component(config.inner),
            agent=config.agent,
            model=config.model,
            prices=PriceTable.from_config(config.prices) if config.prices is not None else None,
            request_stream_usage=config.request_stream_usage,
            capture_usage_details=config.capture_usage_details,
            default_max_output_tokens=config.default_max_output_tokens,
            on_refusal=config.on_refusal,
        )

    def __repr__(self) -> str:
        inner = type(self._inner).__name__
        return f"MeteredChatCompletionClient(inner={inner}, model={self._model!r}, agent={self._agent!r})"
