"""Putting a team (or agent) back into a usable state after its run was cancelled.

AutoGen leaves a cancelled team half-way through a turn: the group chat manager still counts the interrupted
speaker as active (the next run would wait for it forever), the termination condition is not reset, and the
interrupted agent's container still buffers the messages it had already added to its model context.

``"reset"`` calls ``team.reset()``. ``"restore"`` keeps the conversation: it saves the team's state, resets
the team, and loads the state back with the interrupted turn undone: the interrupted agent's model context
is cut back to where its turn began (its buffered messages stay buffered, so it sees them again when it next
speaks), and the manager is set to give the interrupted speaker its turn again — a round-robin team's next
run starts with the interrupted speaker (AutoGen had already moved its index past it), a selector team may
pick it again (it is no longer the "previous speaker"), a swarm keeps it as its current speaker. A nested team
(a team as a participant) that was interrupted inside is restored the same way, recursively.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from autogen_agentchat.base import ChatAgent, TaskRunner, Team
from autogen_agentchat.messages import BaseChatMessage, MessageFactory
from autogen_core import AgentId, CancellationToken

__all__ = ("AfterHardStop", "recover", "resume_with_speaker", "undo_interrupted_turn")

AfterHardStop = Literal["reset", "restore", "none"]
"""What the deadline runner does to a team after a hard stop (see ``run_stream_with_deadline``)."""


async def recover(target: TaskRunner, mode: AfterHardStop) -> None:
    """Make ``target`` usable again after a cancelled run."""
    if isinstance(target, Team):
        interrupted = await _release_interrupted_speakers(target)
        if mode == "none":
            return
        if mode == "reset":
            await target.reset()
            return
        state = await _restored(target, await target.save_state(), interrupted)
        await target.reset()
        await target.load_state(state)
    elif isinstance(target, ChatAgent) and mode != "none":
        if mode == "reset":
            await target.on_reset(CancellationToken())
            return
        state = await target.save_state()
        await target.load_state(_fix_agent_state(state, cut=None))


async def _restored(team: Team, state: Mapping[str, Any], interrupted: list[str]) -> Mapping[str, Any]:
    """``team``'s saved state with the interrupted turn undone — in every nested team too, recursively.

    A team that is a participant (its state is in its container's ``agent_state``) was interrupted inside:
    its own manager waits for, and has moved past, its own interrupted speaker.
    """
    state = undo_interrupted_turn(state)
    names = getattr(team, "_participant_names", None)
    if len(interrupted) == 1 and isinstance(names, list) and interrupted[0] in names:
        state = resume_with_speaker(state, interrupted[0], names)
    agent_states = state.get("agent_states")
    participants = getattr(team, "_participants", None)
    if not isinstance(agent_states, Mapping) or not isinstance(participants, list):
        return state
    fixed = dict(agent_states)
    for participant in participants:
        container = fixed.get(getattr(participant, "name", None))
        if not isinstance(participant, Team) or not isinstance(container, Mapping):
            continue
        inner = container.get("agent_state")
        if isinstance(inner, Mapping) and interrupted == [participant.name]:  # it was the one speaking
            inside = await _release_interrupted_speakers(participant)
            fixed[participant.name] = {**container, "agent_state": await _restored(participant, inner, inside)}
    return {**state, "agent_states": fixed}


async def _release_interrupted_speakers(team: Team) -> list[str]:
    """Clear the group chat manager's list of active speakers, which ``team.reset()`` does not do; return it.

    In AutoGen 0.7.5 the manager records the speakers it is waiting for in ``_active_speakers`` and only
    removes one when its response arrives; a cancelled turn never responds, and ``reset()`` does not clear
    the list, so the next run would wait for the interrupted speaker forever. This reaches into private
    attributes of the team and its manager (checked defensively; a team without them is left alone).
    """
    runtime = getattr(team, "_runtime", None)
    topic = getattr(team, "_group_chat_manager_topic_type", None)
    key = getattr(team, "_team_id", None)
    if runtime is None or not isinstance(topic, str) or not isinstance(key, str):
        return []
    if not hasattr(runtime, "try_get_underlying_agent_instance"):
        return []
    manager = await runtime.try_get_underlying_agent_instance(AgentId(type=topic, key=key))
    speakers = getattr(manager, "_active_speakers", None)
    if not isinstance(speakers, list):
        return []
    interrupted = [name for name in speakers if isinstance(name, str)]
    speakers.clear()
    return interrupted


def resume_with_speaker(state: Mapping[str, Any], speaker: str, participants: Sequence[str]) -> Mapping[str, Any]:
    """A copy of a saved team state whose manager gives ``speaker`` (the interrupted one) the next turn.

    AutoGen's managers record a speaker when they select it, before its turn runs: a round-robin manager has
    already moved ``next_speaker_index`` past it, a selector manager already calls it the previous speaker
    (and would exclude it from the next selection). A swarm's current speaker is still the interrupted one,
    and other managers' states are kept as they are.
    """
    agent_states = state.get("agent_states")
    if not isinstance(agent_states, Mapping):
        return state
    fixed: dict[str, Any] = {}
    for name, value in agent_states.items():
        kind = value.get("type") if isinstance(value, Mapping) else None
        if kind == "RoundRobinManagerState":
            value = {**value, "next_speaker_index": list(participants).index(speaker)}
        elif kind == "SelectorManagerState":
            thread = value.get("message_thread") or []
            spoke = [m.get("source") for m in thread if isinstance(m, Mapping) and m.get("source") in participants]
            value = {**value, "previous_speaker": spoke[-1] if spoke else None}
        fixed[name] = value
    return {**state, "agent_states": fixed}


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
