"""Capability-aware routing: can this member serve this request, judging by its ``model_info``?

Also the offline token estimate used for context-window checks and ``count_tokens`` (no tiktoken: it
downloads encodings on first use).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from autogen_core.models import LLMMessage, ModelInfo
from autogen_core.tools import Tool, ToolSchema

from .._tokens import PromptScan, estimate_prompt_tokens, scan_prompt

__all__ = (
    "RequestShape",
    "Router",
    "context_window_of",
    "estimate_tokens",
    "ineligibility",
    "model_name_of",
    "shape_of",
)


class RequestShape:
    """What a request needs from a member: computed once per call, checked against each member.

    Attributes:
        needs_tools: The request carries tools.
        needs_vision: A message contains an image.
        needs_json: ``json_output=True``.
        needs_structured: ``json_output`` is a Pydantic model class.
        prompt_tokens: Offline estimate of the prompt's tokens.
    """

    __slots__ = ("needs_json", "needs_structured", "needs_tools", "needs_vision", "prompt_tokens")

    def __init__(
        self, *, needs_tools: bool, needs_vision: bool, needs_json: bool, needs_structured: bool, prompt_tokens: int
    ) -> None:
        self.needs_tools = needs_tools
        self.needs_vision = needs_vision
        self.needs_json = needs_json
        self.needs_structured = needs_structured
        self.prompt_tokens = prompt_tokens


def shape_of(
    messages: Sequence[LLMMessage], tools: Sequence[Tool | ToolSchema], json_output: bool | type[Any] | None
) -> RequestShape:
    """Compute a request's :class:`RequestShape`."""
    return _shape(scan_prompt(messages, tools), tools, json_output)


def _shape(scan: PromptScan, tools: Sequence[Tool | ToolSchema], json_output: bool | type[Any] | None) -> RequestShape:
    return RequestShape(
        needs_tools=bool(tools),
        needs_vision=scan.images > 0,
        needs_json=json_output is True,
        needs_structured=isinstance(json_output, type),
        prompt_tokens=estimate_prompt_tokens(scan),
    )


class Router:
    """What a chain's members could be skipped for, worked out once per client.

    A request that every member can serve (the common case) is then let through after at most one prompt
    scan — and none at all when no member has a context window or lacks vision — without building a
    :class:`RequestShape` or asking each member.

    Args:
        members: Each member's ``model_info`` and context window (``None``: unknown).
    """

    __slots__ = ("_json", "_min_window", "_structured", "_tools", "_vision")

    def __init__(self, members: Sequence[tuple[ModelInfo | Mapping[str, Any], int | None]]) -> None:
        self._tools = any(not info.get("function_calling", False) for info, _ in members)
        self._vision = any(not info.get("vision", False) for info, _ in members)
        self._json = any(not info.get("json_output", False) for info, _ in members)
        self._structured = any(not info.get("structured_output", False) for info, _ in members)
        windows = [window for _, window in members if window is not None]
        self._min_window = min(windows) if windows else None

    def shape(
        self, messages: Sequence[LLMMessage], tools: Sequence[Tool | ToolSchema], json_output: bool | type[Any] | None
    ) -> RequestShape | None:
        """The request's shape when some member might not serve it, else ``None`` (every member can)."""
        if (
            (tools and self._tools)
            or (json_output is True and self._json)
            or (isinstance(json_output, type) and self._structured)
        ):
            return shape_of(messages, tools, json_output)
        window = self._min_window
        if window is None and not self._vision:
            return None
        scan = scan_prompt(messages, tools)
        if (scan.images and self._vision) or (window is not None and estimate_prompt_tokens(scan) > window):
            return _shape(scan, tools, json_output)
        return None


def ineligibility(shape: RequestShape, info: ModelInfo | Mapping[str, Any], context_window: int | None) -> str | None:
    """Why a member with ``info`` and ``context_window`` cannot serve ``shape``, or ``None`` if it can."""
    if shape.needs_tools and not info.get("function_calling", False):
        return "the request has tools but model_info.function_calling is False"
    if shape.needs_vision and not info.get("vision", False):
        return "the request has images but model_info.vision is False"
    if shape.needs_structured and not info.get("structured_output", False):
        return "the request asks for structured output but model_info.structured_output is False"
    if shape.needs_json and not info.get("json_output", False):
        return "the request asks for JSON output but model_info.json_output is False"
    if context_window is not None and shape.prompt_tokens > context_window:
        return f"the prompt (~{shape.prompt_tokens} tokens) exceeds its context window of {context_window} tokens"
    return None


def estimate_tokens(messages: Sequence[LLMMessage], tools: Sequence[Tool | ToolSchema] = ()) -> int:
    """Offline estimate of a prompt's tokens: about 4 UTF-8 bytes per token plus a few per message and image.

    Never downloads anything. Accurate to within a few tens of percent for English text; good enough for
    routing and budgeting, not for billing.
    """
    return estimate_prompt_tokens(scan_prompt(messages, tools))


def model_name_of(client: Any) -> str:
    """The model name a client sends, read without calling it (``"unknown"`` when it cannot be told)."""
    for attr in ("_create_args", "_raw_config"):
        value = getattr(client, attr, None)
        if isinstance(value, Mapping) and isinstance(value.get("model"), str):
            return str(value["model"])
    for attr in ("model", "model_name", "_model"):
        value = getattr(client, attr, None)
        if isinstance(value, str):
            return value
    return "unknown"


def provider_of(client: Any) -> str | None:
    """A short provider id for a client (``"openai"``, ``"anthropic"``, …) from its class's module."""
    module = type(client).__module__
    for name in ("azure", "openai", "anthropic", "ollama", "gemini", "bedrock"):
        if name in module or name in type(client).__name__.lower():
            return name
    return None


def context_window_of(client: Any, model: str) -> int | None:
    """The context window of a known OpenAI/Anthropic model, from AutoGen's own tables (else ``None``).

    Only consults AutoGen's tables when the client's module is already imported (so no SDK gets imported).
    """
    module = type(client).__module__
    try:
        if module.startswith("autogen_ext.models.openai"):
            from autogen_ext.models.openai import _model_info as openai_info

            return int(openai_info.get_token_limit(model))
        if module.startswith("autogen_ext.models.anthropic"):
            from autogen_ext.models.anthropic import _model_info as anthropic_info

            return int(anthropic_info.get_token_limit(model))
    except (KeyError, ValueError, ImportError):
        return None
    return None
