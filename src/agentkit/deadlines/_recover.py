"""Putting a team (or agent) back into a usable state after its run was cancelled.

AutoGen leaves a cancelled team half-way through a turn: the group chat manager still counts the interrupted
speaker as active (the next run would wait for it forever), the termination condition is not reset, and the
interrupted agent's container still buffers the messages it had already added to its model context.

``"reset"`` calls ``team.reset()``. ``"restore"`` keeps the conversation: it saves the team's state, resets
the team, and loads the state back with the interrupted turn undone: the interrupted agent's model context
is cut back to where its turn began (its buffered messages stay buffered, so it sees them again when it next
speaks). The manager's state holds completed turns only, so it is kept as is (a round-robin team continues
with the speaker after the interrupted one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from autogen_agentchat.base import ChatAgent, TaskRunner, Team
from autogen_agentchat.messages import BaseChatMessage, MessageFactory
from autogen_core import AgentId, CancellationToken

__all__ = ("AfterHardStop", "recover", "undo_interrupted_turn")

AfterHardStop = Literal["reset", "restore", "none"]
"""What the deadline runner does to a team after a hard stop (see ``run_stream_with_deadline``)."""


async def recover(target: TaskRunner, mode: AfterHardStop) -> None:
    """Make ``target`` usable again after a cancelled run."""
    if isinstance(target, Team):
        await _release_interrupted_speakers(target)
        if mode == "none":
            return
        if mode == "reset":
            await target.reset()
            return
        state = await target.save_state()
        await target.reset()
        await target.load_state(undo_interrupted_turn(state))
    elif isinstance(target, ChatAgent) and mode != "none":
        if mode == "reset":
            await target.on_reset(CancellationToken())
            return
        state = await target.save_state()
        await target.load_state(_fix_agent_state(state, cut=None))


async def _release_interrupted_speakers(team: Team) -> None:
    """Clear the group chat manager's list of active speakers, which ``team.reset()`` does not do.

    In AutoGen 0.7.5 the manager records the speakers it is waiting for in ``_active_speakers`` and only
    removes one when its response arrives; a cancelled turn never responds, and ``reset()`` does not clear
    the list, so the next run would wait for the interrupted speaker forever. This reaches into private
    attributes of the team and its manager (checked defensively; a team without them is left alone).
    """
    runtime = getattr(team, "_runtime", None)
    topic = getattr(team, "_group_chat_manager_topic_type", None)
    key = getattr(team, "_team_id", None)
    if runtime is None or not isinstance(topic, str) or not isinstance(key, str):
        return
    if not hasattr(runtime, "try_get_underlying_agent_instance"):
        return
    manager = await runtime.try_get_underlying_agent_instance(AgentId(type=topic, key=key))
    speakers = getattr(manager, "_active_speakers", None)
    if isinstance(speakers, list):
        speakers.clear()


def undo_interrupted_turn(state: Mapping[str, Any]) -> Mapping[str, Any]:
    """A copy of a saved team state with the interrupted agent's model context cut back to its turn's start.

    The interrupted agent is the one whose model context ends with its buffered messages followed only by
    the tool-call steps of an unfinished turn. If no agent, or more than one, looks interrupted, only
    dangling tool-call requests are removed.
    """
    agent_states = state.get("agent_states")
    if not isinstance(agent_states, Mapping):
        return state
    cuts = {name: _container_cut(value) for name, value in agent_states.items()}
    interrupted = [name for name, cut in cuts.items() if cut is not None]
    fixed: dict[str, Any] = {}
    for name, value in agent_states.items():
        cut = cuts[name] if len(interrupted) == 1 else None
        fixed[name] = _fix_container(value, cut)
    return {**state, "agent_states": fixed}


def _messages(agent_state: Any) -> list[Any] | None:
    if not isinstance(agent_state, Mapping):
        return None
    context = agent_state.get("llm_context")
    messages = context.get("messages") if isinstance(context, Mapping) else None
    return messages if isinstance(messages, list) else None


def _container_cut(state: Any) -> int | None:
    if not isinstance(state, Mapping):
        return None
    messages = _messages(state.get("agent_state"))
    if messages is None:
        return None
    return _turn_start(messages, state.get("message_buffer") or [])


def _fix_container(state: Any, cut: int | None) -> Any:
    if not isinstance(state, Mapping) or "agent_state" not in state:
        return state
    return {**state, "agent_state": _fix_agent_state(state["agent_state"], cut=cut)}


def _fix_agent_state(state: Any, *, cut: int | None) -> Any:
    messages = _messages(state)
    if messages is None:
        return state
    if cut is not None:
        kept = messages[:cut]
    elif messages and _is_tool_request(messages[-1]):
        kept = messages[:-1]  # a tool call whose execution was interrupted: no result will ever follow it
    else:
        return state
    return {**state, "llm_context": {**state["llm_context"], "messages": kept}}


def _is_tool_request(message: Any) -> bool:
    return (
        isinstance(message, Mapping)
        and message.get("type") == "AssistantMessage"
        and isinstance(message.get("content"), list)
    )


def _as_model_message(raw: Any, factory: MessageFactory) -> tuple[Any, Any]:
    """``(source, content)`` of the model message an agent adds to its context for a buffered chat message."""
    try:
        message = factory.create(raw)
    except (ValueError, TypeError):  # unknown custom message type: compare the raw fields
        message = None
    if isinstance(message, BaseChatMessage):
        dumped: Mapping[str, Any] = message.to_model_message().model_dump()
    else:
        dumped = raw if isinstance(raw, Mapping) else {}
    return dumped.get("source"), dumped.get("content")


def _is_turn_step(message: Any) -> bool:
    """A model-context entry an unfinished AssistantAgent turn adds: a tool-call request or its results."""
    return isinstance(message, Mapping) and (
        _is_tool_request(message) or message.get("type") == "FunctionExecutionResultMessage"
    )


def _turn_start(messages: Sequence[Any], buffer: Sequence[Any]) -> int | None:
    """Index where the buffered messages were appended to the model context, if the turn never finished."""
    if not buffer or len(buffer) > len(messages):
        return None
    factory = MessageFactory()
    expected = [_as_model_message(raw, factory) for raw in buffer]
    for start in range(len(messages) - len(expected), -1, -1):
        end = start + len(expected)
        if not all(_is_turn_step(m) for m in messages[end:]):
            break  # a finished step follows: every earlier start would include it too
        window = messages[start:end]
        if all(
            isinstance(m, Mapping) and m.get("type") == "UserMessage" and (m.get("source"), m.get("content")) == e
            for m, e in zip(window, expected, strict=False)
        ):
            return start
    return None
