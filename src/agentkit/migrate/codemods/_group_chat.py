"""AK007: ``GroupChat`` + ``GroupChatManager`` -> ``SelectorGroupChat`` / ``RoundRobinGroupChat``.

The manager expression becomes the team (AK008 runs it) and the ``GroupChat`` assignment goes.

* ``"auto"`` (v0.2's default) -> ``SelectorGroupChat(members, model_client=client_from_llm_config(<manager's
  llm_config>), allow_repeated_speaker=True, max_selector_attempts=<retries + 1>)``, v0.2's selector templates
  carried over (``{agentlist}`` -> ``{participants}``, ``{history}`` added). A manager without a model fell back
  to round robin in v0.2: so does the rewrite.
* ``"round_robin"`` -> ``RoundRobinGroupChat``; v0.2 started with the agent after the initiator, so a member
  initiator's list is rotated.
* ``"random"`` / ``"manual"`` -> ``SelectorGroupChat(selector_func=random_speaker_selector(...) /
  manual_speaker_selector(...))`` (compat), with a NOTE.
* ``allowed_or_disallowed_speaker_transitions`` -> ``candidate_func=transition_candidate_func(...)`` (compat).
* ``max_round=N`` (default 10, counting the task) -> ``max_turns=N - 1``; the manager's ``is_termination_msg``
  (default: exactly ``TERMINATE``) and members' own predicates -> ``termination_from_v02`` conditions.

TODO: a callable ``speaker_selection_method`` (v0.2's ``None`` ended the chat; v0.4's asks the model), a
``GroupChat`` built from something other than a list of agents.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from ._agents import COMPAT
from ._base import SIGNATURES, AgentkitCodemod, bind_args, code_of, format_call, literal_int, literal_str
from ._model_client import HELPER
from ._rules import Rule

__all__ = ("GroupChatCodemod",)

DROPPED = frozenset(
    {
        "admin_name",
        "func_call_filter",
        "send_introductions",
        "enable_clear_history",
        "role_for_select_speaker_messages",
        "select_speaker_auto_verbose",
        "select_speaker_auto_multiple_template",
        "select_speaker_auto_none_template",
        "select_speaker_transform_messages",
        "select_speaker_auto_llm_config",
        "speaker_transitions_type",
        "messages",
    }
)
V02_GROUP_PARAMS = (*SIGNATURES["GroupChat"], "speaker_transitions_type", "allowed_or_disallowed_speaker_transitions")
MANAGER_IGNORED = frozenset({"name", "system_message", "description", "human_input_mode", "max_consecutive_auto_reply"})


class GroupChatCodemod(AgentkitCodemod):
    """AK007 - see the module docstring."""

    RULE: ClassVar[Rule] = Rule.AK007
    DESCRIPTION: str = Rule.AK007.description
    TRIGGERS: ClassVar[tuple[str, ...]] = ("GroupChatManager",)

    def visit_Module(self, node: cst.Module) -> None:
        self._remove: set[tuple[str, str]] = set()  # (variable, GroupChat call code) assignments to drop
        self._latest: dict[str, cst.Call] = {}  # the GroupChat each variable holds at this point of the file
        self._prelude: list[str] = []  # statements the next enclosing statement needs before it
        self._targets: dict[int, str] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1:
            self._targets[id(node.value)] = code_of(node.targets[0].target)
            target = node.targets[0].target
            if isinstance(target, cst.Name):
                if isinstance(node.value, cst.Call) and self.v02(node.value.func) == "GroupChat":
                    self._latest[target.value] = node.value
                else:
                    self._latest.pop(target.value, None)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if self.v02(original_node.func) != "GroupChatManager":
            return updated_node
        target = self._targets.get(id(original_node))
        result = self._team(target, original_node)
        if isinstance(result, str):
            self.todo(result)
            return updated_node
        code, notes = result
        for note in notes:
            self.note(note)
        for name in ("GroupChat", "GroupChatManager"):
            self.remove_v02_import(name)
        self.applied()
        return cst.parse_expression(code)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.RemovalSentinel | cst.FlattenSentinel[cst.BaseStatement]:
        small = updated_node.body[0] if len(updated_node.body) == 1 else None
        if (
            isinstance(small, cst.Assign)
            and len(small.targets) == 1
            and isinstance(small.targets[0].target, cst.Name)
            and (small.targets[0].target.value, code_of(small.value)) in self._remove
        ):
            return cst.RemoveFromParent()
        if self._prelude:
            lines, self._prelude = self._prelude, []
            statements: list[cst.BaseStatement] = [cst.parse_statement(line + "\n") for line in lines]
            statements[0] = statements[0].with_changes(leading_lines=updated_node.leading_lines)
            return cst.FlattenSentinel([*statements, updated_node.with_changes(leading_lines=[])])
        return updated_node

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        # GroupChat assignments that come *after* their manager (rare) are removed here too.
        if not self._remove:
            return updated_node
        return updated_node.visit(_RemoveGroupChats(self, self._remove))

    def _team(self, target: str | None, manager: cst.Call) -> tuple[str, list[str]] | str:
        margs = bind_args(manager, SIGNATURES["GroupChatManager"])
        if margs is None or "groupchat" not in margs:
            return "GroupChatManager(*args / **kwargs): build the v0.4 team by hand"
        notes: list[str] = []
        removed: tuple[str, str] | None = None
        group_node = margs["groupchat"].value
        if isinstance(group_node, cst.Name):
            group = self._latest.get(group_node.value) or self.analysis.values.get(group_node.value)
            if not (isinstance(group, cst.Call) and self.v02(group.func) == "GroupChat"):
                return f"`{group_node.value}` is not a GroupChat assigned once: build the v0.4 team by hand"
            if self.analysis.loads[group_node.value] > 1:
                notes.append(
                    f"`{group_node.value}` (the v0.2 GroupChat) is gone: its messages are the run's "
                    "TaskResult.messages / chat_result(...).chat_history"
                )
            removed = (group_node.value, code_of(group))
        elif isinstance(group_node, cst.Call) and self.v02(group_node.func) == "GroupChat":
            group = group_node
        else:
            return "GroupChatManager(groupchat=...) is not a GroupChat: build the v0.4 team by hand"
        gargs = bind_args(group, V02_GROUP_PARAMS)
        if gargs is None or "agents" not in gargs:
            return "GroupChat(*args / **kwargs): build the v0.4 team by hand"
        agents = gargs["agents"].value
        if isinstance(agents, cst.List) and not any(
            e.value is None or isinstance(e, cst.StarredElement) for e in agents.elements
        ):
            members = [code_of(e.value) for e in agents.elements]
            members_code = f"[{', '.join(members)}]"
        else:
            members = []
            members_code = code_of(agents)
        for key in sorted(set(gargs) & DROPPED - {"messages", "speaker_transitions_type"}):
            notes.append(f"GroupChat `{key}` has no v0.4 equivalent and was dropped")
        if "messages" in gargs and code_of(gargs["messages"].value) != "[]":
            notes.append("GroupChat(messages=...) seeded a history: pass it in the task of the run")
        for key in sorted(set(margs) - MANAGER_IGNORED - {"groupchat", "llm_config", "is_termination_msg"}):
            notes.append(f"GroupChatManager `{key}` has no v0.4 equivalent and was dropped")
        names = members_code
        # Stopping: max_round counts the task; v0.2 default 10.
        max_round = gargs["max_round"].value if "max_round" in gargs else None
        if max_round is None:
            turns = "9"
        elif literal_int(max_round) is not None:
            turns = str(literal_int(max_round) - 1)  # type: ignore[operator]
        else:
            turns = f"{code_of(max_round)} - 1"
        manager_name = code_of(margs["name"].value) if "name" in margs else '"chat_manager"'
        predicate = code_of(margs["is_termination_msg"].value) if "is_termination_msg" in margs else "None"
        conditions = [f"termination_from_v02({predicate}, receiver={manager_name})"]
        self.add_import(COMPAT, "termination_from_v02")
        for member in members:
            info = self.analysis.agent(cst.parse_expression(member)) if member.isidentifier() else None
            if info is None:
                continue
            own = info.value("is_termination_msg")
            if own is not None:
                conditions.append(f"termination_from_v02({code_of(own)}, receiver={member}.name)")
            if info.value("max_consecutive_auto_reply") is not None:
                notes.append(
                    f"`{member}`'s max_consecutive_auto_reply ended the v0.2 chat when reached; v0.4 limits the "
                    "whole team (max_turns)"
                )
            self.analysis.consumed.add(member)
        termination = " | ".join(conditions)
        method_node = gargs.get("speaker_selection_method")
        method = "auto" if method_node is None else literal_str(method_node.value)
        transitions = gargs.get("allowed_or_disallowed_speaker_transitions")
        selection: str | None = None
        starters = [sender for sender, recipient in self.analysis.chats if recipient == target]
        if method is None:
            assert method_node is not None
            select, end = self.analysis.fresh("select_speaker"), self.analysis.fresh("selection_end")
            initiator = f", initiator={starters[0]}.name" if len(starters) == 1 else ""
            self.add_import(COMPAT, "speaker_selection_from_v02")
            selection = (
                f"{select}, {end} = speaker_selection_from_v02({code_of(method_node.value)}, {members_code}{initiator})"
            )
            termination = f"{end} | {termination}"
            notes.append(
                "the v0.2 speaker selection function gets v0.4 agents and a view of the chat (.messages as v0.2 "
                "dicts); its None still ends the chat"
            )
            method = "auto"
        model = margs["llm_config"].value if "llm_config" in margs else None
        if model is not None and code_of(model) in ("False", "None"):
            model = None
        if method == "auto" and model is None and transitions is None and selection is None:
            notes.append("the manager had no model: v0.2 fell back to round robin, so does the team")
            method = "round_robin"
        pieces = [members_code]
        if method == "round_robin":
            if transitions is not None:
                notes.append("speaker transitions with round_robin: v0.4 RoundRobinGroupChat ignores them")
            if len(starters) == 1 and starters[0] in members:
                index = members.index(starters[0]) + 1
                pieces[0] = f"[{', '.join(members[index:] + members[:index])}]"
            elif len(starters) == 1 and _leading_list(agents) is not None:
                # `[user] + agents`: v0.2 started after the initiator, so it moves to the end.
                head, rest = _leading_list(agents)  # type: ignore[misc]
                if starters[0] in head:
                    index = head.index(starters[0]) + 1
                    parts = [
                        f"[{', '.join(head[index:])}]" if head[index:] else "",
                        rest,
                        f"[{', '.join(head[:index])}]",
                    ]
                    pieces[0] = " + ".join(part for part in parts if part)
            elif len(starters) == 1 and not members:
                self.add_import(COMPAT, "round_robin_order")
                pieces[0] = f"round_robin_order({members_code}, after={starters[0]})"
            self.add_import("autogen_agentchat.teams", "RoundRobinGroupChat")
            pieces += [f"termination_condition={termination}", f"max_turns={turns}"]
            code = format_call("RoundRobinGroupChat", pieces)
        else:
            if model is None:
                client = "None"
                notes.append("no manager llm_config: the selector never asks a model (selector_func decides)")
            else:
                self.add_import(*HELPER)
                client = f"client_from_llm_config({code_of(model)})"
            pieces += [f"model_client={client}", f"termination_condition={termination}", f"max_turns={turns}"]
            repeat = gargs.get("allow_repeat_speaker")
            if repeat is None or code_of(repeat.value) in ("True", "None"):
                if transitions is None:
                    pieces.append("allow_repeated_speaker=True")  # v0.2's default; v0.4's is False
            elif code_of(repeat.value) != "False":
                notes.append(f"allow_repeat_speaker={code_of(repeat.value)}: v0.4 allows every agent to repeat or none")
                pieces.append("allow_repeated_speaker=True")
            retries = gargs.get("max_retries_for_selecting_speaker")
            if retries is None:
                pieces.append("max_selector_attempts=3")
            elif literal_int(retries.value) is not None:
                pieces.append(f"max_selector_attempts={literal_int(retries.value) + 1}")  # type: ignore[operator]
            else:
                pieces.append(f"max_selector_attempts={code_of(retries.value)} + 1")
            prompt = self._selector_prompt(gargs)
            if prompt is not None:
                pieces.append(f"selector_prompt={prompt}")
            if selection is not None:
                self._prelude.append(selection)
                pieces.append(f"selector_func={selection.partition(',')[0]}")
            elif method in ("random", "manual"):
                helper = f"{method}_speaker_selector"
                self.add_import(COMPAT, helper)
                pieces.append(f"selector_func={helper}({names})")
                notes.append(
                    f"speaker_selection_method={method!r}: {helper} picks the speaker "
                    + ("at random as v0.2 did" if method == "random" else "by asking on the console as v0.2 did")
                )
            elif method != "auto":
                return f"speaker_selection_method={method!r} is unknown: build the v0.4 team by hand"
            if transitions is not None:
                kind_node = gargs.get("speaker_transitions_type")
                kind = code_of(kind_node.value) if kind_node is not None else '"allowed"'
                mapping = code_of(transitions.value)
                self.add_import(COMPAT, "transition_candidate_func")
                pieces.append(f"candidate_func=transition_candidate_func({mapping}, kind={kind}, participants={names})")
            notes.append("the failed-pick fallback differs: v0.2 took the next agent, v0.4 the previous speaker")
            self.add_import("autogen_agentchat.teams", "SelectorGroupChat")
            code = format_call("SelectorGroupChat", pieces)
            self.analysis.described.update(m for m in members if m.isidentifier())
        if target is not None:
            self.analysis.teams[target] = code.partition("(")[0]
        if removed is not None:
            self._remove.add(removed)
        self.analysis.group_members.update(m for m in members if m.isidentifier())
        return code, notes

    def _selector_prompt(self, gargs: dict[str, cst.Arg]) -> str | None:
        template = gargs.get("select_speaker_message_template")
        prompt = gargs.get("select_speaker_prompt_template")
        if template is None and prompt is None:
            return None  # v0.4's default selector prompt is v0.2's two templates in one
        parts: list[str] = []
        for arg in (template, prompt):
            if arg is None:
                continue
            text = literal_str(arg.value)
            if text is None:
                parts.append(f"{code_of(arg.value)}.replace('{{agentlist}}', '{{participants}}')")
            else:
                parts.append(repr(text.replace("{agentlist}", "{participants}")))
        return " + '\\n\\n{history}\\n\\n' + ".join(parts) if len(parts) == 2 else f"{parts[0]} + '\\n\\n{{history}}'"


def _leading_list(node: cst.BaseExpression) -> tuple[list[str], str] | None:
    """``[a, b] + rest`` -> (``["a", "b"]``, ``"rest"``)."""
    if (
        isinstance(node, cst.BinaryOperation)
        and isinstance(node.operator, cst.Add)
        and isinstance(node.left, cst.List)
        and not any(isinstance(e, cst.StarredElement) for e in node.left.elements)
    ):
        return [code_of(e.value) for e in node.left.elements], code_of(node.right)
    return None


class _RemoveGroupChats(cst.CSTTransformer):
    def __init__(self, codemod: GroupChatCodemod, names: set[tuple[str, str]]) -> None:
        super().__init__()
        self.codemod = codemod
        self.names = names

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.RemovalSentinel:
        small = updated_node.body[0] if len(updated_node.body) == 1 else None
        if (
            isinstance(small, cst.Assign)
            and len(small.targets) == 1
            and isinstance(small.targets[0].target, cst.Name)
            and (small.targets[0].target.value, code_of(small.value)) in self.names
        ):
            return cst.RemoveFromParent()
        return updated_node
