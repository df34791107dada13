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
    """v0.2 imports -> v0.4 modules / ``agentkit.migrate.compat``; the smallest v0.2 import where none exists."""

    AK002 = "AK002"
    """``llm_config=X`` -> ``model_client=client_from_llm_config(X)`` on every agent; ``Cache`` -> the client's."""

    AK003 = "AK003"
    """A v0.2 agent with a model -> v0.4 ``AssistantAgent`` (v0.2's implicit prompt and description written out)."""

    AK004 = "AK004"
    """A v0.2 agent that runs code -> ``CodeExecutorAgent`` with the executor the user chose."""

    AK005 = "AK005"
    """A v0.2 agent without model or code -> ``UserProxyAgent`` (a human) or ``AutoReplyAgent`` (compat)."""

    AK006 = "AK006"
    """``register_function`` / ``@register_for_llm`` / ``function_map`` tools -> ``tools=[...]`` on the caller."""

    AK007 = "AK007"
    """``GroupChat`` + ``GroupChatManager`` -> ``SelectorGroupChat`` / ``RoundRobinGroupChat`` (every method)."""

    AK008 = "AK008"
    """``initiate_chat`` / ``a_initiate_chat`` / ``initiate_chats`` -> v0.4 team runs with v0.2's order and stops."""

    AK009 = "AK009"
    """``max_consecutive_auto_reply`` / ``is_termination_msg`` move from agents to the team's turns/termination."""

    AK010 = "AK010"
    """v0.2 features with no v0.4 counterpart (nested chats, reply functions, teachability, ...) get a TODO."""

    @property
    def description(self) -> str:
        """What the rule does, in one line."""
        return _DESCRIPTIONS[self]


_DESCRIPTIONS: dict[Rule, str] = {
    Rule.AK001: "imports: v0.2 imports -> v0.4 modules and `agentkit.migrate.compat`; the smallest v0.2 import "
    "+ TODO where there is no counterpart",
    Rule.AK002: "model client: `llm_config=X` -> `model_client=client_from_llm_config(X)`; `Cache` -> the "
    "client's cache",
    Rule.AK003: "agent with a model: any v0.2 agent class -> v0.4 `AssistantAgent(name, model_client=..., "
    "system_message=...)`",
    Rule.AK004: "code execution: `code_execution_config` / `autogen.coding` executors -> `CodeExecutorAgent` + "
    "v0.4 executor",
    Rule.AK005: 'no model, no code: `human_input_mode="ALWAYS"` -> `UserProxyAgent`; otherwise compat `AutoReplyAgent`',
    Rule.AK006: "tools: `register_function` / decorators / `function_map` -> `tools=[...]` on the agent whose "
    "model calls them",
    Rule.AK007: "group chat: `GroupChat` + `GroupChatManager` -> `SelectorGroupChat` / `RoundRobinGroupChat`, "
    "every selection method",
    Rule.AK008: "chat start: `initiate_chat(s)` -> a v0.4 team run (recipient first, v0.2 stop rules, `chat_result`)",
    Rule.AK009: "stop conditions: `max_consecutive_auto_reply` / `is_termination_msg` -> team turns/termination",
    Rule.AK010: "no counterpart: nested chats, reply functions, hooks, teachability, `contrib` agents -> TODO markers",
}
