"""How the runner undoes an interrupted turn in a saved team state (``after_hard_stop="restore"``)."""

from __future__ import annotations

from typing import Any

from agentkit.deadlines._recover import resume_with_speaker, undo_interrupted_turn


def user(source: str, content: str) -> dict[str, Any]:
    return {"type": "UserMessage", "source": source, "content": content}


def text(source: str, content: str) -> dict[str, Any]:
    return {"type": "TextMessage", "source": source, "content": content, "metadata": {}}


def tool_request(source: str) -> dict[str, Any]:
    return {"type": "AssistantMessage", "source": source, "content": [{"id": "1", "name": "f", "arguments": "{}"}]}


def answer(source: str, content: str) -> dict[str, Any]:
    return {"type": "AssistantMessage", "source": source, "content": content}


def container(context: list[dict[str, Any]], buffer: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "ChatAgentContainerState",
        "agent_state": {"type": "AssistantAgentState", "llm_context": {"messages": context}},
        "message_buffer": buffer,
    }


def contexts(state: Any) -> dict[str, list[dict[str, Any]]]:
    return {name: s["agent_state"]["llm_context"]["messages"] for name, s in state["agent_states"].items()}


def test_the_interrupted_agent_is_cut_back_to_its_turn_start() -> None:
    state = {
        "type": "TeamState",
        "agent_states": {
            # b was interrupted in a tool call: its buffered messages are also at the end of its context.
            "b": container(
                [user("user", "go"), user("a", "a1"), tool_request("b")], [text("user", "go"), text("a", "a1")]
            ),
            # c finished its last turn; its buffer holds a message it has not seen, identical to an old one.
            "c": container([user("a", "ok"), answer("c", "fine")], [text("a", "ok")]),
            "manager": {"type": "RoundRobinManagerState", "message_thread": [], "current_turn": 1},
        },
    }
    fixed = undo_interrupted_turn(state)
    assert contexts({"agent_states": {k: v for k, v in fixed["agent_states"].items() if k != "manager"}}) == {
        "b": [],
        "c": [user("a", "ok"), answer("c", "fine")],  # untouched: a finished answer follows the match
    }
    assert fixed["agent_states"]["b"]["message_buffer"] == state["agent_states"]["b"]["message_buffer"]  # type: ignore[index]
    assert fixed["agent_states"]["manager"] == state["agent_states"]["manager"]  # type: ignore[index]


def test_ambiguous_states_only_lose_dangling_tool_requests() -> None:
    state = {
        "agent_states": {
            "b": container([user("a", "x"), tool_request("b")], [text("a", "x")]),
            "c": container([user("a", "x")], [text("a", "x")]),
        }
    }
    fixed = contexts(undo_interrupted_turn(state))
    assert fixed == {"b": [user("a", "x")], "c": [user("a", "x")]}


def test_states_without_agent_contexts_pass_through() -> None:
    state = {"agent_states": {"nested": {"type": "TeamState", "agent_states": {}}}}
    assert undo_interrupted_turn(state) == state
    assert undo_interrupted_turn({"type": "other"}) == {"type": "other"}


def test_the_manager_gives_the_interrupted_speaker_its_turn_back() -> None:
    names = ["writer", "reviewer", "editor"]
    thread = [text("user", "go"), text("writer", "w1")]
    state = {
        "agent_states": {
            "round_robin": {"type": "RoundRobinManagerState", "message_thread": thread, "next_speaker_index": 2},
            "selector": {"type": "SelectorManagerState", "message_thread": thread, "previous_speaker": "reviewer"},
            "swarm": {"type": "SwarmManagerState", "message_thread": thread, "current_speaker": "reviewer"},
        }
    }
    fixed = resume_with_speaker(state, "reviewer", names)["agent_states"]
    assert fixed["round_robin"]["next_speaker_index"] == 1  # AutoGen had moved past the reviewer already
    assert fixed["selector"]["previous_speaker"] == "writer"  # the reviewer may be selected again
    assert fixed["swarm"] == state["agent_states"]["swarm"]
    fresh = {"agent_states": {"selector": {"type": "SelectorManagerState", "message_thread": [text("user", "go")]}}}
    assert resume_with_speaker(fresh, "writer", names)["agent_states"]["selector"]["previous_speaker"] is None
