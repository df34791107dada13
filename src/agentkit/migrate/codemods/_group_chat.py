"""AK007: ``GroupChat`` + ``GroupChatManager`` -> ``RoundRobinGroupChat`` / ``SelectorGroupChat``.

Handled: ``manager = GroupChatManager(groupchat=GC, llm_config=...)`` where ``GC`` is a ``GroupChat(agents=[...],
messages=[], max_round=N, speaker_selection_method="auto" | "round_robin", allow_repeat_speaker=...)`` (inline
or a variable read nowhere else), whose participants all convert (AK003/AK004/AK005). The manager variable
then holds the team (AK008 runs it), and the ``GroupChat`` assignment is removed.

* ``"auto"`` (v0.2's default) -> ``SelectorGroupChat(..., model_client=<manager's llm_config, as AK002>)`` with
  ``allow_repeated_speaker=True`` (v0.2's default; v0.4's is ``False``);
* ``"round_robin"`` -> ``RoundRobinGroupChat``; when one known agent starts the chat and is a participant,
  the list is rotated so the agent after it speaks first, as in v0.2;
* ``max_round`` (default 10, counting the first message) -> ``MaxMessageTermination(N)`` (which also counts
  the task);
* the manager's simple ``is_termination_msg`` and the participants' default one (a message that is exactly
  ``TERMINATE``) -> termination conditions combined with ``|``.

TODO: other selection methods (``random``, ``manual``, callables), speaker transitions, a participant with its
own ``is_termination_msg`` / ``max_consecutive_auto_reply``, a ``GroupChat`` that is used elsewhere.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from ._base import SIGNATURES, AgentkitCodemod, bind_args, classify, code_of, format_call, literal_str
from ._model_client import HELPER, model_client_code
from ._rules import Rule
from ._termination import from_predicate

__all__ = ("GroupChatCodemod",)

GROUP_KEYS = frozenset({"agents", "messages", "max_round", "speaker_selection_method", "allow_repeat_speaker"})
MANAGER_KEYS = frozenset({"groupchat", "llm_config", "is_termination_msg", "name", "system_message", "description"})


class GroupChatCodemod(AgentkitCodemod):
    """AK007 - see the module docstring."""

    RULE: ClassVar[Rule] = Rule.AK007
    DESCRIPTION: str = Rule.AK007.description
    TRIGGERS: ClassVar[tuple[str, ...]] = ("GroupChatManager",)

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        self._groupchats: dict[str, cst.Call] = {}
        self._remove: set[str] = set()
        for assign in _assignments(node):
            target = assign.targets[0].target
            if (
                isinstance(target, cst.Name)
                and isinstance(assign.value, cst.Call)
                and self.v02(assign.value.func) == "GroupChat"
                and target.value not in self.analysis.ambiguous
            ):
                self._groupchats[target.value] = assign.value

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        value = original_node.value
        if not (isinstance(value, cst.Call) and self.v02(value.func) == "GroupChatManager"):
            return updated_node
        target = original_node.targets[0].target if len(original_node.targets) == 1 else None
        if not isinstance(target, cst.Name):
            self.todo("GroupChatManager: assign it to a variable to migrate it to a v0.4 team")
            return updated_node
        result = self._team(target.value, value)
        if isinstance(result, str):
            self.todo(result)
            return updated_node
        team_code, imports, removed = result
        for module, name in imports:
            self.add_import(module, name)
        for name in ("GroupChat", "GroupChatManager"):
            self.remove_v02_import(name)
        self._remove.update(removed)
        self.applied()
        return updated_node.with_changes(value=cst.parse_expression(team_code))

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self._remove:
            return updated_node
        body = []
        for statement in updated_node.body:
            small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
            if (
                isinstance(small, cst.Assign)
                and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name)
                and small.targets[0].target.value in self._remove
            ):
                continue
            body.append(statement)
        return updated_node.with_changes(body=body)

    def _team(self, manager_var: str, manager: cst.Call) -> tuple[str, list[tuple[str, str]], set[str]] | str:
        margs = bind_args(manager, SIGNATURES["GroupChatManager"])
        if margs is None or "groupchat" not in margs:
            return "GroupChatManager(*args/**kwargs): build the v0.4 team by hand"
        extra = sorted(set(margs) - MANAGER_KEYS)
        if extra:
            return f"GroupChatManager `{extra[0]}` has no automatic mapping: build the v0.4 team by hand"
        group_node = margs["groupchat"].value
        removed: set[str] = set()
        if isinstance(group_node, cst.Name):
            group = self._groupchats.get(group_node.value)
            if group is None:
                return "the GroupChat is not a single top-level assignment: build the v0.4 team by hand"
            if self.analysis.loads[group_node.value] > 1:
                return f"`{group_node.value}` (GroupChat) is used elsewhere: v0.4 teams expose messages via TaskResult"
            removed.add(group_node.value)
        elif isinstance(group_node, cst.Call) and self.v02(group_node.func) == "GroupChat":
            group = group_node
        else:
            return "GroupChatManager(groupchat=...) is not a GroupChat: build the v0.4 team by hand"
        gargs = bind_args(group, SIGNATURES["GroupChat"])
        if gargs is None:
            return "GroupChat(*args/**kwargs): build the v0.4 team by hand"
        extra = sorted(set(gargs) - GROUP_KEYS)
        if extra:
            return (
                f"GroupChat `{extra[0]}` has no automatic mapping (speaker transitions -> GraphFlow / candidate_func)"
            )
        if "messages" in gargs and code_of(gargs["messages"].value) != "[]":
            return "GroupChat(messages=[...]) seeded history: pass them as the task of team.run()"
        agents_node = gargs.get("agents")
        if agents_node is None or not isinstance(agents_node.value, cst.List):
            return "GroupChat(agents=...) is not a list literal: build the v0.4 team by hand"
        participants: list[str] = []
        for element in agents_node.value.elements:
            info = self.analysis.agent(element.value)
            if info is None:
                return (
                    f"participant `{code_of(element.value)}` is not a v0.2 agent assigned once: build the team by hand"
                )
            kind, reason = classify(info)
            if kind is None:
                return f"participant `{info.var}`: {reason}"
            if any(name in info.args for name in ("is_termination_msg", "max_consecutive_auto_reply")):
                return (
                    f"participant `{info.var}` has its own stop settings (in v0.2 a speaker ended the group chat "
                    "by not replying): express them as termination_condition= by hand"
                )
            participants.append(info.var)
        method_node = gargs.get("speaker_selection_method")
        method = "auto" if method_node is None else literal_str(method_node.value)
        if method not in ("auto", "round_robin"):
            shown = code_of(method_node.value) if method_node else "?"
            return f"speaker_selection_method={shown}: use SelectorGroupChat(selector_func=...) by hand"
        imports: list[tuple[str, str]] = [("autogen_agentchat.conditions", "MaxMessageTermination")]
        max_round = code_of(gargs["max_round"].value) if "max_round" in gargs else "10"
        conditions = [f"MaxMessageTermination({max_round})"]
        # The participants' (and the manager's) default is_termination_msg ended the chat on a message that is
        # exactly "TERMINATE"; a custom manager predicate is checked on every message too.
        predicates: list[cst.BaseExpression | None] = [None]
        if "is_termination_msg" in margs:
            predicates.append(margs["is_termination_msg"].value)
        for predicate in predicates:
            condition = from_predicate(predicate, None)
            if condition is None:
                return "the manager's is_termination_msg is not a simple content check: write a termination condition"
            if condition.code not in conditions:
                conditions.append(condition.code)
                imports.extend(condition.imports)
        termination = " | ".join(conditions)
        members = ", ".join(participants)
        if method == "round_robin":
            starters = [sender for sender, recipient in self.analysis.chats if recipient == manager_var]
            if len(starters) == 1 and starters[0] in participants:
                index = participants.index(starters[0]) + 1
                members = ", ".join(participants[index:] + participants[:index])
            imports.append(("autogen_agentchat.teams", "RoundRobinGroupChat"))
            code = format_call("RoundRobinGroupChat", [f"[{members}]", f"termination_condition={termination}"])
        else:
            if "llm_config" not in margs:
                return "speaker selection needs a model: the manager has no llm_config - give SelectorGroupChat one"
            client = model_client_code(self, margs["llm_config"].value, self._module)
            if client is None:
                return "the manager's llm_config could not be translated (see AK002): build the team by hand"
            imports.append(HELPER)
            imports.append(("autogen_agentchat.teams", "SelectorGroupChat"))
            repeat = gargs.get("allow_repeat_speaker")
            repeat_code = ", allow_repeated_speaker=True"
            if repeat is not None:
                if code_of(repeat.value) == "False":
                    repeat_code = ""
                elif code_of(repeat.value) not in ("True", "None"):
                    return "allow_repeat_speaker=[...] (a list): use SelectorGroupChat(candidate_func=...) by hand"
            self.note("v0.4's selector prompt differs from v0.2's; pass selector_prompt= to tune speaker selection")
            pieces = [f"[{members}]", f"model_client={client}", f"termination_condition={termination}"]
            if repeat_code:
                pieces.append("allow_repeated_speaker=True")
            code = format_call("SelectorGroupChat", pieces)
        self.analysis.teams[manager_var] = code.partition("(")[0]
        self.analysis.consumed.update(participants)
        return code, imports, removed


def _assignments(module: cst.Module) -> list[cst.Assign]:
    found: list[cst.Assign] = []
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign) and len(small.targets) == 1:
                    found.append(small)
    return found
