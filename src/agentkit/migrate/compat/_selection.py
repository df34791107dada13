"""``speaker_selection_from_v02``: a v0.2 callable ``speaker_selection_method`` on a v0.4 ``SelectorGroupChat``."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

from autogen_agentchat.base import TerminatedException, TerminationCondition
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage, StopMessage

from ...exceptions import ConfigurationError
from ._speakers import manual_speaker_selector

__all__ = ("V02GroupChatView", "speaker_selection_from_v02")

Thread = Sequence[BaseAgentEvent | BaseChatMessage]
V02Selector = Callable[[Any, Any], Any]

NO_ELIGIBLE_SPEAKER = "v0.2 speaker selection found no eligible speaker"
"""The stop reason when the v0.2 function returned ``None`` (v0.2 raised ``NoEligibleSpeaker`` and ended quietly)."""


class _Outsider:
    """Stands for a last speaker that is not a participant (the task's sender)."""

    def __init__(self, name: str) -> None:
        self.name = name


class V02GroupChatView:
    """What a v0.2 selection function sees as its ``groupchat`` argument.

    Attributes:
        agents: The participants (the v0.4 agent objects, in order).
        messages: The conversation so far as v0.2 dicts ``{"content", "role": "user", "name"}``.
    """

    def __init__(self, agents: Sequence[Any], messages: list[dict[str, Any]]) -> None:
        self.agents = list(agents)
        self.messages = messages

    @property
    def agent_names(self) -> list[str]:
        """The participants' names."""
        return [a.name for a in self.agents]

    def agent_by_name(self, name: str) -> Any:
        """The participant called ``name`` (``None`` if there is none)."""
        return next((a for a in self.agents if a.name == name), None)

    def next_agent(self, agent: Any, agents: Sequence[Any] | None = None) -> Any:
        """The participant after ``agent`` in order (the first one after an outsider), as v0.2's ``next_agent``."""
        names = self.agent_names
        if agent.name not in names:
            return self.agents[0]
        pool = list(agents) if agents is not None else self.agents
        start = names.index(agent.name)
        for offset in range(1, len(names) + 1):
            candidate = self.agents[(start + offset) % len(names)]
            if candidate in pool:
                return candidate
        return self.agents[0]


class _Selection:
    def __init__(self, func: V02Selector, participants: Sequence[Any], initiator: str | None) -> None:
        if not callable(func):
            raise ConfigurationError("func", f"must be the v0.2 selection function, got {func!r}.", "")
        if not participants or any(not isinstance(getattr(p, "name", None), str) for p in participants):
            raise ConfigurationError(
                "participants", "must be the team's agent objects (each with a .name).", "Pass the same list."
            )
        self.func = func
        self.participants = list(participants)
        self.initiator = initiator
        self.decisions: dict[str, str | None] = {}

    def decide(self, thread: Thread) -> str | None:
        chat = [m for m in thread if isinstance(m, BaseChatMessage)]
        if not chat:
            return None
        key = chat[-1].id
        if key not in self.decisions:
            self.decisions[key] = self._call(chat)
        return self.decisions[key]

    def _call(self, chat: list[BaseChatMessage]) -> str | None:
        view = V02GroupChatView(self.participants, [])
        for index, message in enumerate(chat):
            name = self.initiator if index == 0 and self.initiator else message.source
            view.messages.append({"content": message.to_model_text(), "role": "user", "name": name})
        last_name = view.messages[-1]["name"]
        last = view.agent_by_name(last_name) or _Outsider(last_name)
        choice = self.func(last, view)
        if choice is None:
            return None
        if isinstance(choice, str):
            if choice == "auto":
                return ""  # the model picks (v0.4: selector_func returns None)
            if choice == "round_robin":
                return str(view.next_agent(last).name)
            if choice == "random":
                return str(random.choice(self.participants).name)
            if choice == "manual":
                return manual_speaker_selector(self.participants)(chat)
            raise ConfigurationError(
                "speaker_selection_method",
                f"the v0.2 function returned {choice!r}.",
                "Return an agent, None, or one of 'auto', 'manual', 'random', 'round_robin'.",
            )
        picked = getattr(choice, "name", None)
        if not isinstance(picked, str) or picked not in view.agent_names:
            raise ConfigurationError(
                "speaker_selection_method", f"the v0.2 function returned {choice!r}, not a participant.", ""
            )
        return picked


class _SelectionEnd(TerminationCondition):
    """Stops the team when the v0.2 selection function returns ``None`` (not serialisable: it holds code)."""

    def __init__(self, selection: _Selection) -> None:
        self._selection = selection
        self._thread: list[BaseAgentEvent | BaseChatMessage] = []
        self._terminated = False

    @property
    def terminated(self) -> bool:
        return self._terminated

    async def __call__(self, messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> StopMessage | None:
        if self._terminated:
            raise TerminatedException("Termination condition has already been reached")
        self._thread.extend(messages)
        if self._selection.decide(self._thread) is None:
            self._terminated = True
            return StopMessage(content=NO_ELIGIBLE_SPEAKER, source="V02SpeakerSelection")
        return None

    async def reset(self) -> None:
        self._thread = []
        self._terminated = False


def speaker_selection_from_v02(
    func: V02Selector, participants: Sequence[Any], *, initiator: str | None = None
) -> tuple[Callable[[Thread], str | None], TerminationCondition]:
    """A v0.2 ``speaker_selection_method`` callable as a ``selector_func`` and the condition that ends the chat.

    v0.2 called ``func(last_speaker, groupchat)`` before every turn; it returned an agent, a method name
    (``"auto"``, ``"round_robin"``, ``"random"``, ``"manual"``) or ``None``, which **ended** the chat. v0.4's
    ``selector_func`` cannot end a chat (``None`` asks the model), so this returns both halves::

        select, selection_end = speaker_selection_from_v02(state_transition, agents, initiator="Init")
        team = SelectorGroupChat(agents, model_client=client, selector_func=select,
                                 termination_condition=selection_end | other_conditions)

    ``func`` gets the v0.4 agent objects (``last_speaker`` is the participant that spoke last; the task counts
    as ``initiator``'s when given) and a :class:`V02GroupChatView` with ``messages`` (v0.2 dicts), ``agents``,
    ``agent_by_name`` and ``next_agent``. It is called once per turn (the condition decides, the selector
    reuses the decision). ``"auto"`` asks the model; ``None`` stops the team with the reason
    ``"v0.2 speaker selection found no eligible speaker"``.

    Args:
        func: The v0.2 selection function.
        participants: The team's agents, in order (the objects ``func`` compares ``last_speaker`` with).
        initiator: Name of the participant that sent the task in v0.2.

    Returns:
        ``(selector_func, termination_condition)``.
    """
    selection = _Selection(func, participants, initiator)

    def selector_func(thread: Thread) -> str | None:
        decision = selection.decide(thread)
        return decision or None

    return selector_func, _SelectionEnd(selection)
