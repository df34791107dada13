"""The migration rules: stable codes ``AK001``… with a one-line description each.

Codes never change meaning and are never reused; ``--only`` / ``--disable`` and the
``# TODO[agentkit AKxxx]`` markers in rewritten files refer to them.
"""

from __future__ import annotations

from enum import Enum

__all__ = ("Rule",)


class Rule(str, Enum):
    """A migration rule. The value is the stable code; ``description`` says what the rule does."""

    AK001 = "AK001"
    """Rewrite ``autogen`` v0.2 imports to the v0.4 packages; mark the ones without an equivalent."""

    AK002 = "AK002"
    """Replace ``llm_config=`` / ``config_list`` with ``model_client=translate_config(...).client``."""

    AK003 = "AK003"
    """Turn v0.2 ``AssistantAgent(...)`` into v0.4 ``AssistantAgent(name, model_client=..., ...)``."""

    AK004 = "AK004"
    """Turn a code-executing ``UserProxyAgent`` into ``CodeExecutorAgent`` with a local or Docker executor."""

    AK005 = "AK005"
    """Map ``human_input_mode`` to v0.4 (``UserProxyAgent`` for a human; drop ``"NEVER"``)."""

    AK006 = "AK006"
    """Move ``register_function`` / ``@register_for_llm`` / ``@register_for_execution`` tools to ``tools=[...]``."""

    AK007 = "AK007"
    """Turn ``GroupChat`` + ``GroupChatManager`` into ``RoundRobinGroupChat`` / ``SelectorGroupChat``."""

    AK008 = "AK008"
    """Turn ``initiate_chat(...)`` into ``asyncio.run(Console(team.run_stream(task=...)))``."""

    AK009 = "AK009"
    """Move ``max_consecutive_auto_reply`` / ``is_termination_msg`` from agents to the team's turns/termination."""

    AK010 = "AK010"
    """Mark v0.2 features with no safe rewrite (nested chats, reply functions, teachability, ...) with a TODO."""

    @property
    def description(self) -> str:
        """What the rule does, in one line."""
        return _DESCRIPTIONS[self]


_DESCRIPTIONS: dict[Rule, str] = {
    Rule.AK001: "imports: `autogen` v0.2 imports -> v0.4 modules; TODO where there is no equivalent",
    Rule.AK002: "model client: `llm_config=` / `config_list` -> `model_client=translate_config(...).client`",
    Rule.AK003: "AssistantAgent: v0.2 keyword arguments -> v0.4 `AssistantAgent(name, model_client=...)`",
    Rule.AK004: "code execution: `UserProxyAgent(code_execution_config=...)` -> `CodeExecutorAgent` + executor",
    Rule.AK005: "human input: `human_input_mode` -> v0.4 `UserProxyAgent` / handoffs",
    Rule.AK006: "tools: `register_function` / `@register_for_llm` / `@register_for_execution` -> `tools=[...]`",
    Rule.AK007: "group chat: `GroupChat` + `GroupChatManager` -> `RoundRobinGroupChat` / `SelectorGroupChat`",
    Rule.AK008: "chat start: `initiate_chat(...)` -> `asyncio.run(Console(team.run_stream(task=...)))`",
    Rule.AK009: "stop conditions: `max_consecutive_auto_reply` / `is_termination_msg` -> team turns/termination",
    Rule.AK010: "unsupported: nested chats, reply functions, teachability, `filter_func`, ... -> TODO markers",
}
