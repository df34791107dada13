"""Fixtures for the agentkit.testing tests."""

from __future__ import annotations

from typing import Any

from autogen_core.models import ModelInfo

TOOL_MODEL_INFO: ModelInfo = {
    "vision": False,
    "function_calling": True,
    "json_output": True,
    "family": "unknown",
    "structured_output": False,
}
"""autogen-ext 0.7.5 lists claude-3-5-haiku without function calling; tool tests declare it."""

ANTHROPIC_MODEL = "claude-haiku-4-5"
OPENAI_MODEL = "gpt-4o-mini"


def anthropic_kwargs(**kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("model_info", TOOL_MODEL_INFO)
    return kwargs
