"""``ScriptedChatCompletionClient``: an in-process fake model client that follows a script.

Unlike AutoGen's ``ReplayChatCompletionClient`` it can raise scripted exceptions, take scripted latency
on an injectable clock, stream scripted chunks (and fail part-way through a stream), declare any
``model_info`` and serialise its script. The steps are in :mod:`._scripted_step`, the serialised form in
:mod:`._scripted_config`, the offline token estimate in :mod:`._token_estimate`.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import AsyncGenerator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from autogen_core import CancellationToken, Component
from autogen_core.models import (
    ChatCompletionClient,
    CreateResult,
    LLMMessage,
    ModelCapabilities,
    ModelInfo,
    RequestUsage,
    validate_model_info,
)
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel
from typing_extensions import Self

from .._clock import SYSTEM_CLOCK, Clock
from ..exceptions import ConfigurationError
from ._scripted_config import ScriptedChatCompletionClientConfig, dump_step, load_step
from ._scripted_step import Scripted, ScriptItem
from ._token_estimate import estimate_prompt_tokens, estimate_tokens

__all__ = (
    "DEFAULT_MODEL_INFO",
    "ScriptExhaustedError",
    "ScriptedCall",
    "ScriptedChatCompletionClient",
)

_WORDS = re.compile(r"\s*\S+|\s+$")


@dataclass
class ScriptedCall:
    """One recorded call to a :class:`ScriptedChatCompletionClient`.

    Attributes:
        messages: The messages passed.
        tools: The tools passed.
        tool_choice: The tool choice passed.
        json_output: The ``json_output`` argument.
        extra_create_args: The extra create arguments.
        stream: Whether it was ``create_stream``.
        started_at: The client's clock (monotonic) when the call started.
        step: Index of the script step that answered it.
        outcome: ``"ok"``, the exception type name, or ``"pending"`` while it runs.
    """

    messages: list[LLMMessage]
    tools: list[Tool | ToolSchema]
    tool_choice: Any
    json_output: Any
    extra_create_args: dict[str, Any]
    stream: bool
    started_at: float
    step: int
    outcome: str = "pending"


DEFAULT_MODEL_INFO: ModelInfo = {
    "vision": True,
    "function_calling": True,
    "json_output": True,
    "structured_output": True,
    "family": "unknown",
    "multiple_system_messages": True,
}


class ScriptExhaustedError(LookupError):
    """The script of a :class:`ScriptedChatCompletionClient` has no step left (``when_exhausted="raise"``)."""


class ScriptedChatCompletionClient(ChatCompletionClient, Component[ScriptedChatCompletionClientConfig]):
    """An in-process fake ``ChatCompletionClient`` that answers from a script.

    Each ``create`` / ``create_stream`` call consumes the next script step:

    - ``str`` — answered as text (``finish_reason="stop"``), usage estimated with :func:`estimate_tokens`;
    - ``CreateResult`` — returned as-is (a copy), with its own usage;
    - an exception instance — raised;
    - :class:`Scripted` — a result and/or exception with latency, stream chunks, a mid-stream failure and usage.

    Latency is spent on ``clock`` (inject :class:`~agentkit.testing.ManualClock` in tests) and is cancelled
    by the call's ``cancellation_token``. Every call is recorded in :attr:`calls`. ``count_tokens`` is an
    offline estimate (no tiktoken).

    Args:
        script: The steps, consumed one per call.
        model: The model name to report.
        model_info: What the model can do; default: every capability ``True``, family ``"unknown"``.
        latency: Default seconds before each answer (a step's own ``latency`` wins).
        clock: The clock latency is spent on (not serialised).
        when_exhausted: What to do after the last step: ``"raise"`` :class:`ScriptExhaustedError`,
            ``"repeat_last"`` step, or ``"cycle"`` from the start.
        token_limit: Context size used by :meth:`remaining_tokens`.

    Example::

        client = ScriptedChatCompletionClient(["hello", TimeoutError("slow"), Scripted("late", latency=3)])
    """

    component_type = "model"
    component_config_schema = ScriptedChatCompletionClientConfig
    component_provider_override = "agentkit.testing.ScriptedChatCompletionClient"

    def __init__(
        self,
        script: Sequence[ScriptItem] = (),
        *,
        model: str = "scripted-model",
        model_info: ModelInfo | None = None,
        latency: float = 0.0,
        clock: Clock = SYSTEM_CLOCK,
        when_exhausted: Literal["raise", "repeat_last", "cycle"] = "raise",
        token_limit: int = 128_000,
    ) -> None:
        if isinstance(script, (str, bytes)) or not isinstance(script, Sequence):
            raise ConfigurationError("script", "must be a list of steps.", "Pass e.g. ['hello', TimeoutError()].")
        for index, item in enumerate(script):
            if not isinstance(item, (str, CreateResult, BaseException, Scripted)):
                raise ConfigurationError(
                    f"script[{index}]",
                    f"must be a str, CreateResult, exception instance or Scripted, got {type(item).__name__}.",
                    "Wrap results in Scripted(...) for latency or chunks.",
                )
        if not isinstance(latency, (int, float)) or latency < 0 or math.isnan(latency):
            raise ConfigurationError("latency", f"must be >= 0 seconds, got {latency!r}.", "Pass e.g. 0 or 0.5.")
        if when_exhausted not in ("raise", "repeat_last", "cycle"):
            raise ConfigurationError(
                "when_exhausted", f"must be 'raise', 'repeat_last' or 'cycle', got {when_exhausted!r}.", ""
            )
        if when_exhausted != "raise" and not script:
            raise ConfigurationError("script", f"is empty, so when_exhausted={when_exhausted!r} has nothing to reuse.")
        info: ModelInfo = dict(DEFAULT_MODEL_INFO) if model_info is None else model_info  # type: ignore[assignment]
        try:
            validate_model_info(info)
        except ValueError as error:
            raise ConfigurationError(
                "model_info", str(error), "Give vision, function_calling, json_output and family."
            ) from None
        self._script: list[ScriptItem] = list(script)
        self._model = model
        self._model_info = info
        self._latency = float(latency)
        self._clock = clock
        self._when_exhausted = when_exhausted
        self._token_limit = token_limit
        self._next = 0
        self._total = RequestUsage(prompt_tokens=0, completion_tokens=0)
        self._actual = RequestUsage(prompt_tokens=0, completion_tokens=0)
        self.calls: list[ScriptedCall] = []
        """Every call so far, in order."""

    # --- script handling --------------------------------------------------------------------------

    @property
    def script(self) -> list[ScriptItem]:
        """The script (a copy)."""
        return list(self._script)

    @property
    def remaining_steps(self) -> int:
        """Steps not yet consumed (ignores ``when_exhausted``)."""
        return max(0, len(self._script) - self._next)

    def extend(self, *steps: ScriptItem) -> None:
        """Append steps to the script."""
        self._script.extend(steps)

    def reset(self) -> None:
        """Rewind the script and clear calls and usage."""
        self._next = 0
        self.calls.clear()
        self._total = RequestUsage(prompt_tokens=0, completion_tokens=0)
        self._actual = RequestUsage(prompt_tokens=0, completion_tokens=0)

    def _take(self) -> tuple[int, ScriptItem]:
        index = self._next
        if index >= len(self._script):
            if self._when_exhausted == "raise" or not self._script:
                raise ScriptExhaustedError(
                    f"ScriptedChatCompletionClient({self._model!r}): script exhausted after {len(self._script)} "
                    f"step(s); call #{len(self.calls) + 1} has no answer. Add steps or set when_exhausted."
                )
            index = len(self._script) - 1 if self._when_exhausted == "repeat_last" else index % len(self._script)
        self._next += 1
        return index, self._script[index]

    def _begin(
        self,
        messages: Sequence[LLMMessage],
        tools: Sequence[Tool | ToolSchema],
        tool_choice: Any,
        json_output: Any,
        extra_create_args: Mapping[str, Any],
        stream: bool,
    ) -> tuple[ScriptedCall, Scripted]:
        index, item = self._take()
        call = ScriptedCall(
            messages=list(messages),
            tools=list(tools),
            tool_choice=tool_choice,
            json_output=json_output,
            extra_create_args=dict(extra_create_args),
            stream=stream,
            started_at=self._clock.monotonic(),
            step=index,
        )
        self.calls.append(call)
        if isinstance(item, Scripted):
            return call, item
        if isinstance(item, BaseException):
            return call, Scripted(raises=item)
        return call, Scripted(result=item)

    def _result(
        self, step: Scripted, messages: Sequence[LLMMessage], tools: Sequence[Tool | ToolSchema]
    ) -> CreateResult:
        if isinstance(step.result, CreateResult):
            result = step.result.model_copy(deep=True)
        else:
            text = step.result if isinstance(step.result, str) else ""
            prompt, completion = (
                step.usage
                if step.usage is not None
                else (estimate_prompt_tokens(messages, tools), estimate_tokens(text))
            )
            result = CreateResult(
                finish_reason="stop",
                content=text,
                usage=RequestUsage(prompt_tokens=prompt, completion_tokens=completion),
                cached=False,
            )
        self._total.prompt_tokens += result.usage.prompt_tokens
        self._total.completion_tokens += result.usage.completion_tokens
        self._actual.prompt_tokens += result.usage.prompt_tokens
        self._actual.completion_tokens += result.usage.completion_tokens
        return result

    async def _wait(self, seconds: float, cancellation_token: CancellationToken | None) -> None:
        if seconds <= 0:
            return
        if cancellation_token is None:
            await self._clock.sleep(seconds)
            return
        if cancellation_token.is_cancelled():
            raise asyncio.CancelledError()
        task = asyncio.ensure_future(self._clock.sleep(seconds))
        cancellation_token.link_future(task)
        await task

    # --- ChatCompletionClient -----------------------------------------------------------------------

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
        """Answer with the next script step (after its latency), or raise its exception."""
        call, step = self._begin(messages, tools, tool_choice, json_output, extra_create_args, stream=False)
        try:
            await self._wait(self._latency if step.latency is None else step.latency, cancellation_token)
            if step.raises is not None:
                raise step.raises
            result = self._result(step, messages, tools)
        except BaseException as error:
            call.outcome = type(error).__name__
            raise
        call.outcome = "ok"
        return result

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
        """Stream the next script step: its chunks, then the final ``CreateResult``."""
        call, step = self._begin(messages, tools, tool_choice, json_output, extra_create_args, stream=True)
        try:
            await self._wait(self._latency if step.latency is None else step.latency, cancellation_token)
            if step.raises is not None and step.raise_after is None:
                raise step.raises
            if step.chunks is not None:
                chunks: Sequence[str] = step.chunks
            elif isinstance(step.result, str):
                chunks = _WORDS.findall(step.result)
            elif isinstance(step.result, CreateResult) and isinstance(step.result.content, str):
                chunks = _WORDS.findall(step.result.content)
            else:
                chunks = ()
            for number, chunk in enumerate(chunks):
                if step.raises is not None and number == step.raise_after:
                    raise step.raises
                if number and step.chunk_latency:
                    await self._wait(step.chunk_latency, cancellation_token)
                yield chunk
            if step.raises is not None:
                raise step.raises
            result = self._result(step, messages, tools)
        except GeneratorExit:
            call.outcome = "abandoned"
            raise
        except BaseException as error:
            call.outcome = type(error).__name__
            raise
        call.outcome = "ok"
        yield result

    async def close(self) -> None:
        """Nothing to release."""

    def actual_usage(self) -> RequestUsage:
        """Usage summed over successful calls."""
        return RequestUsage(self._actual.prompt_tokens, self._actual.completion_tokens)

    def total_usage(self) -> RequestUsage:
        """Usage summed over successful calls."""
        return RequestUsage(self._total.prompt_tokens, self._total.completion_tokens)

    def count_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        """Offline estimate: per message 3 + :func:`estimate_tokens` of its text; tools by their JSON schema."""
        return estimate_prompt_tokens(messages, tools)

    def remaining_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        """``token_limit`` minus :meth:`count_tokens`."""
        return self._token_limit - estimate_prompt_tokens(messages, tools)

    @property
    def capabilities(self) -> ModelCapabilities:
        """Deprecated AutoGen view of :attr:`model_info`."""
        return {
            "vision": self._model_info["vision"],
            "function_calling": self._model_info["function_calling"],
            "json_output": self._model_info["json_output"],
        }

    @property
    def model_info(self) -> ModelInfo:
        """What the scripted model declares it can do."""
        return self._model_info

    @property
    def model(self) -> str:
        """The model name this client reports."""
        return self._model

    def __repr__(self) -> str:
        return (
            f"ScriptedChatCompletionClient(model={self._model!r}, steps={len(self._script)}, "
            f"consumed={self._next}, calls={len(self.calls)})"
        )

    # --- Component ----------------------------------------------------------------------------------

    def _to_config(self) -> ScriptedChatCompletionClientConfig:
        return ScriptedChatCompletionClientConfig(
            script=[dump_step(item, i) for i, item in enumerate(self._script)],
            model=self._model,
            model_info=dict(self._model_info),
            latency=self._latency,
            when_exhausted=self._when_exhausted,
            token_limit=self._token_limit,
        )

    @classmethod
    def _from_config(cls, config: ScriptedChatCompletionClientConfig) -> Self:
        return cls(
            [load_step(step) for step in config.script],
            model=config.model,
            model_info=config.model_info,  # type: ignore[arg-type]
            latency=config.latency,
            when_exhausted=config.when_exhausted,
            token_limit=config.token_limit,
        )
