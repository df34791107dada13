"""Reading usage details AutoGen's clients drop: cached-input, cache-write and reasoning tokens, served model.

``OpenAIChatCompletionClient`` and ``AnthropicChatCompletionClient`` build ``CreateResult.usage`` from the
prompt and completion counts only, but they log the provider's full response in an ``LLMCallEvent`` on
AutoGen's event logger. While a metered client delegates a call it opens a task-local slot; a filter on that
logger copies the response of the ``LLMCallEvent`` logged in the same task into the slot.

The logger must be enabled for INFO for AutoGen to log the event. If it is not, :func:`install` sets its
level to ``INFO - 1`` and the filter drops every record below the level that was in effect, so your
handlers see nothing new. Once you set the logger's level yourself (e.g. ``setLevel(logging.INFO)`` to see
AutoGen's events), the filter stops dropping anything.
"""

from __future__ import annotations

import logging
import threading
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any

__all__ = ("UsageDetails", "begin", "end", "install", "parse_response")


class _Slot:
    __slots__ = ("response",)

    def __init__(self) -> None:
        self.response: dict[str, Any] | None = None


_SLOT: ContextVar[_Slot | None] = ContextVar("agentkit_usage_capture", default=None)


class _CaptureFilter(logging.Filter):
    """Copies ``LLMCallEvent`` responses into the current task's slot; hides records it enabled."""

    def __init__(self, logger: logging.Logger, hide_below: int | None) -> None:
        super().__init__("agentkit.usage-capture")
        self._logger = logger
        self._hide_below = hide_below

    def filter(self, record: logging.LogRecord) -> bool:
        slot = _SLOT.get()
        if slot is not None:
            kwargs = getattr(record.msg, "kwargs", None)
            if isinstance(kwargs, dict) and kwargs.get("type") == "LLMCall":
                response = kwargs.get("response")
                if isinstance(response, dict):
                    slot.response = response
        hide_below = self._hide_below
        if hide_below is None or self._logger.level != _OUR_LEVEL:
            return True  # we changed nothing, or you have set the level yourself since
        return record.levelno >= hide_below


_OUR_LEVEL = logging.INFO - 1
"""The level the capture sets: just below INFO, so the filter can tell it from a level you set."""

_install_lock = threading.Lock()
_state: dict[str, bool] = {"installed": False}


def install() -> None:
    """Attach the capture filter to AutoGen's event logger (once per process)."""
    from autogen_core import EVENT_LOGGER_NAME

    with _install_lock:
        if _state["installed"]:
            return
        logger = logging.getLogger(EVENT_LOGGER_NAME)
        hide_below: int | None = None
        effective = logger.getEffectiveLevel()
        if effective > logging.INFO:
            hide_below = effective
            logger.setLevel(_OUR_LEVEL)
        logger.addFilter(_CaptureFilter(logger, hide_below))
        _state["installed"] = True


def begin() -> tuple[_Slot, Token[_Slot | None]]:
    """Open a capture slot for the current task."""
    slot = _Slot()
    return slot, _SLOT.set(slot)


def end(token: Token[_Slot | None]) -> None:
    """Close the slot opened by :func:`begin`."""
    try:
        _SLOT.reset(token)
    except ValueError:  # closed from another context (e.g. an async generator finalised elsewhere)
        _SLOT.set(None)


@dataclass(frozen=True, slots=True)
class UsageDetails:
    """What a provider response says beyond prompt/completion counts."""

    model: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    cached_input_tokens: int
    cache_write_tokens: int
    reasoning_tokens: int


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def parse_response(response: dict[str, Any]) -> UsageDetails:
    """Read an OpenAI chat-completion or Anthropic message response (as ``model_dump()`` gives it)."""
    usage = response.get("usage")
    model = response.get("model") if isinstance(response.get("model"), str) else None
    if not isinstance(usage, dict):
        return UsageDetails(model, None, None, 0, 0, 0)
    if "input_tokens" in usage:  # Anthropic: input_tokens excludes cache reads and writes
        read = _int(usage.get("cache_read_input_tokens"))
        write = _int(usage.get("cache_creation_input_tokens"))
        return UsageDetails(
            model,
            _int(usage.get("input_tokens")) + read + write,
            _int(usage.get("output_tokens")),
            read,
            write,
            0,
        )
    prompt_details = usage.get("prompt_tokens_details")
    completion_details = usage.get("completion_tokens_details")
    return UsageDetails(
        model,
        _int(usage.get("prompt_tokens")),
        _int(usage.get("completion_tokens")),
        _int(prompt_details.get("cached_tokens")) if isinstance(prompt_details, dict) else 0,
        0,
        _int(completion_details.get("reasoning_tokens")) if isinstance(completion_details, dict) else 0,
    )
