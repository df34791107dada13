"""Speaker selection helpers for v0.2 ``GroupChat`` methods that v0.4's ``SelectorGroupChat`` lacks."""

from __future__ import annotations

import builtins
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage

from ...exceptions import ConfigurationError

__all__ = ("manual_speaker_selector", "random_speaker_selector", "round_robin_order", "transition_candidate_func")

Thread = Sequence[BaseAgentEvent | BaseChatMessage]
T = TypeVar("T")


def _name(value: Any, field: str) -> str:
    name = value if isinstance(value, str) else getattr(value, "name", None)
    if not isinstance(name, str) or not name:
        raise ConfigurationError(field, f"must be an agent or an agent name, got {value!r}.", 'Pass e.g. "writer".')
    return name


def _names(values: Sequence[Any], field: str) -> list[str]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
        raise ConfigurationError(field, f"must be a non-empty list of agents or names, got {values!r}.", "")
    return [_name(v, f"{field}[{i}]") for i, v in enumerate(values)]


def _last_speaker(thread: Thread) -> str | None:
    for message in reversed(thread):
        if isinstance(message, BaseChatMessage):
            return message.source
    return None


def transition_candidate_func(
    transitions: Mapping[Any, Sequence[Any]],
    *,
    kind: str = "allowed",
    participants: Sequence[Any],
    initiator: Any = None,
) -> Callable[[Thread], list[str]]:
    """A ``candidate_func`` for ``SelectorGroupChat`` from v0.2's ``allowed_or_disallowed_speaker_transitions``.

    After a participant spoke, the candidates are the agents it may hand over to (``kind="allowed"``) or all
    participants except those listed (``kind="disallowed"``), in participant order. After the task every
    participant is a candidate, as in v0.2 for an initiator outside the group - unless ``initiator`` names the
    member that started the chat: then the task counts as that member's message (v0.4 gives a plain-text
    task the source ``"user"``). A single candidate is picked
    without a model call (v0.2 and v0.4 agree). An allowed list that is empty (a sink) keeps the last speaker
    as the only candidate: v0.2 ended the chat there, v0.4 cannot from a candidate function - add a
    termination condition (e.g. ``MaxMessageTermination``) for that case.

    Args:
        transitions: ``{agent: [agents]}``; agents or names.
        kind: ``"allowed"`` or ``"disallowed"`` (v0.2's ``speaker_transitions_type``).
        participants: The team's participants, in order.
        initiator: The v0.2 agent that called ``initiate_chat`` (agent or name), when it is a participant.

    Returns:
        ``candidate_func(thread) -> list[str]``.
    """
    if kind not in ("allowed", "disallowed"):
        raise ConfigurationError("kind", f"must be 'allowed' or 'disallowed', got {kind!r}.", "")
    order = _names(participants, "participants")
    first = _name(initiator, "initiator") if initiator is not None else None
    graph: dict[str, set[str]] = {}
    for source, targets in transitions.items():
        graph[_name(source, "transitions")] = (
            set(_names(list(targets), f"transitions[{source!r}]")) if targets else set()
        )

    def candidates(thread: Thread) -> list[str]:
        last = _last_speaker(thread)
        if last not in order and first in order:
            last = first
        if last not in order:
            return list(order)
        listed = graph.get(last, set())
        chosen = [n for n in order if (n in listed) == (kind == "allowed")]
        return chosen or [last]

    return candidates


def random_speaker_selector(participants: Sequence[Any]) -> Callable[[Thread], str]:
    """A ``selector_func`` with v0.2's ``speaker_selection_method="random"``: ``random.choice(participants)``.

    Uses the :mod:`random` module's global generator exactly as v0.2 did, so a program that seeds it picks the
    same speakers as before. Repeats are allowed (v0.2's ``allow_repeat_speaker`` default).

    Args:
        participants: The team's participants (agents or names), in order.

    Returns:
        ``selector_func(thread) -> name``.
    """
    order = _names(participants, "participants")

    def select(thread: Thread) -> str:
        return random.choice(order)

    return select


def manual_speaker_selector(
    participants: Sequence[Any], *, input_func: Callable[[str], str] | None = None
) -> Callable[[Thread], str]:
    """A ``selector_func`` with v0.2's ``speaker_selection_method="manual"``: a human types the next speaker.

    Prints the numbered participants and asks for a number (1-based), as v0.2 did; an empty answer or ``q``,
    or three invalid answers, picks the participant after the last speaker (v0.2's fallback).

    Args:
        participants: The team's participants (agents or names), in order.
        input_func: Reads one answer (default: the built-in :func:`input`, looked up at each call).

    Returns:
        ``selector_func(thread) -> name``.
    """
    order = _names(participants, "participants")

    def select(thread: Thread) -> str:
        print("Please select the next speaker from the following list:")  # noqa: T201 - v0.2's prompt
        for index, name in enumerate(order, start=1):
            print(f"{index}: {name}")  # noqa: T201
        tries = 0
        while tries <= 3:
            tries += 1
            if tries >= 3:
                print(f"You have tried {tries} times. The next speaker will be selected automatically.")  # noqa: T201
                break
            read = input_func if input_func is not None else builtins.input
            answer = read("Enter the number of the next speaker (enter nothing or `q` to use auto selection): ")
            if answer in ("", "q"):
                break
            try:
                number = int(answer)
            except ValueError:
                number = 0
            if 0 < number <= len(order):
                return order[number - 1]
            print(f"Invalid input. Please enter a number between 1 and {len(order)}.")  # noqa: T201
        last = _last_speaker(thread)
        return order[(order.index(last) + 1) % len(order)] if last in order else order[0]

    return select


def round_robin_order(participants: Sequence[T], *, after: Any) -> list[T]:
    """The participants in the order v0.2's ``round_robin`` gave them turns after ``after`` started the chat.

    v0.2 gave the first turn to the member after the initiator (``agents[0]`` for an initiator outside the
    group); v0.4's ``RoundRobinGroupChat`` starts at ``participants[0]``. Pass the rotated list::

        RoundRobinGroupChat(round_robin_order([user] + agents, after=user), ...)

    Args:
        participants: The group's agents, in v0.2's order.
        after: The initiator (agent or name).

    Returns:
        A new list: the members after the initiator, then the ones up to and including it.
    """
    name = _name(after, "after")
    names = [getattr(p, "name", p) for p in participants]
    if name not in names:
        return list(participants)
    index = names.index(name) + 1
    return [*participants[index:], *participants[:index]]
