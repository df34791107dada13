"""AK008: ``sender.initiate_chat(recipient, message=...)`` -> a v0.4 team run.

v0.2 printed the conversation as it went, so the rewrite streams it through ``Console``:
``asyncio.run(Console(team.run_stream(task=message)))`` (``await Console(...)`` inside ``async def``, and
``team.run(task=...)`` when ``silent=True``).

* Recipient is a migrated group chat (AK007): the manager variable now holds the team.
* Two agents: ``team = RoundRobinGroupChat([recipient, sender], termination_condition=..., max_turns=N)``.
  The recipient answers first, as in v0.2. Termination is computed from the v0.2 stop settings (AK009): each
  agent's ``is_termination_msg`` (default: the message is exactly ``TERMINATE``) on the *other* agent's
  messages; a human ending with ``exit``; and ``max_turns`` = the fewest turns allowed by
  ``max_consecutive_auto_reply`` (default 100: the sender may answer K times, so ``2K + 1`` turns; the
  recipient K times, so ``2K``) and by ``initiate_chat(max_turns=T)`` (``2T - 1``).

TODO: an agent in more than one chat (v0.4 agents keep their history between runs, v0.2 cleared it),
non-literal limits, ``cache=``/``carryover``/other keyword arguments, no ``message``, agents that do not convert,
and uses of the returned ``ChatResult`` (v0.4 returns a ``TaskResult``).
"""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

import libcst as cst

from ._base import (
    SIGNATURES,
    TOP_LEVEL_AWAIT_KEY,
    AgentkitCodemod,
    bind_args,
    classify,
    code_of,
    format_call,
    literal_int,
)
from ._rules import Rule
from ._termination import from_predicate

__all__ = ("InitiateChatCodemod",)

PARAMS = (*SIGNATURES["initiate_chat"], "message")
ALLOWED = frozenset({"recipient", "message", "clear_history", "silent", "max_turns", "summary_method"})
V02_MAX_AUTO_REPLY = 100
EXIT = cst.parse_expression('lambda x: x.get("content") == "exit"')


class InitiateChatCodemod(AgentkitCodemod):
    """AK008 - see the module docstring."""

    RULE: ClassVar[Rule] = Rule.AK008
    DESCRIPTION: str = Rule.AK008.description
    TRIGGERS: ClassVar[tuple[str, ...]] = ("initiate_chat",)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._async: list[bool] = [bool(self.context.scratch.get(TOP_LEVEL_AWAIT_KEY, False))]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._async.append(node.asynchronous is not None)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self._async.pop()
        return updated_node

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if len(updated_node.body) != 1:
            return updated_node
        small = updated_node.body[0]
        target: str | None = None
        if isinstance(small, cst.Expr):
            value = small.value
        elif isinstance(small, cst.Assign) and len(small.targets) == 1:
            value = small.value
            target = code_of(small.targets[0].target)
        else:
            return updated_node
        awaited = isinstance(value, cst.Await)
        call = value.expression if isinstance(value, cst.Await) else value
        if not (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value in ("initiate_chat", "a_initiate_chat")
            and isinstance(call.func.value, cst.Name)
        ):
            return updated_node
        if call.func.attr.value == "a_initiate_chat" and not awaited:
            return updated_node
        result = self._rewrite(call.func.value.value, call, target)
        if isinstance(result, str):
            self.todo(result)
            return updated_node
        prelude, run = result
        in_async = self._async[-1]
        if in_async:
            run = f"await {run}"
        else:
            run = f"asyncio.run({run})"
            self.add_import("asyncio")
        if target is not None:
            run = f"{target} = {run}"
            self.todo(
                f"`{target}` is now a TaskResult (.messages, .stop_reason); v0.2's ChatResult had "
                ".chat_history, .summary and .cost"
            )
        statements: list[cst.BaseStatement] = [cst.parse_statement(line + "\n") for line in [*prelude, run]]
        statements[0] = statements[0].with_changes(leading_lines=updated_node.leading_lines)
        self.applied()
        return cst.FlattenSentinel(statements)

    def _rewrite(self, sender_var: str, call: cst.Call, target: str | None) -> tuple[list[str], str] | str:
        args = bind_args(call, PARAMS)
        if args is None or "recipient" not in args:
            return "initiate_chat(*args/**kwargs): run the v0.4 team by hand"
        extra = sorted(set(args) - ALLOWED)
        if extra:
            return f"initiate_chat `{extra[0]}` has no automatic mapping: run the v0.4 team by hand"
        if "message" not in args:
            return "initiate_chat without message= asked the human for the first message: pass task= to team.run()"
        if "summary_method" in args and target is not None:
            return "summary_method: v0.4 has no chat summary - summarise TaskResult.messages yourself"
        silent = "silent" in args and code_of(args["silent"].value) == "True"
        if "silent" in args and code_of(args["silent"].value) not in ("True", "False"):
            return "initiate_chat(silent=...) is not a literal: choose team.run() or Console(team.run_stream())"
        message = code_of(args["message"].value)
        recipient_node = args["recipient"].value
        if isinstance(recipient_node, cst.Name) and recipient_node.value in self.analysis.teams:
            if "max_turns" in args:
                return "initiate_chat(max_turns=...) on a group chat: set max_turns= on the team by hand"
            return [], self._run(recipient_node.value, message, silent)
        sender = self.analysis.agents.get(sender_var) if sender_var not in self.analysis.ambiguous else None
        recipient = self.analysis.agent(recipient_node)
        if sender is None or recipient is None:
            return "initiate_chat between agents that are not assigned once: build a v0.4 team by hand"
        chats = Counter(name for pair in self.analysis.chats for name in pair)
        if chats[sender.var] > 1 or chats[recipient.var] > 1:
            return (
                "this agent is in several chats; v0.4 agents keep their history between runs (v0.2 cleared it): "
                "reuse one team or call `await agent.on_reset(CancellationToken())` between runs"
            )
        kinds = {}
        for info in (sender, recipient):
            kind, reason = classify(info)
            if kind is None:
                return f"`{info.var}`: {reason}"
            kinds[info.var] = kind
        conditions: list[str] = []
        imports: list[tuple[str, str]] = []
        limits: list[int] = []
        # The sender may auto-reply K times after the first message: 2K + 1 turns; the recipient K times: 2K.
        for info, other, extra_turn in ((sender, recipient, 1), (recipient, sender, 0)):
            if kinds[info.var] == "human":
                condition = from_predicate(EXIT, [f"{info.var}.name"])
            else:
                predicate = info.value("is_termination_msg")
                condition = from_predicate(predicate, [f"{other.var}.name"])
                limit_node = info.value("max_consecutive_auto_reply")
                limit = V02_MAX_AUTO_REPLY if limit_node is None else literal_int(limit_node)
                if limit is None:
                    return f"`{info.var}`: max_consecutive_auto_reply is not a literal - set max_turns= on the team"
                limits.append(2 * limit + extra_turn)
            if condition is None:
                return f"`{info.var}`: is_termination_msg is not a simple content check - write a termination condition"
            conditions.append(condition.code)
            imports.extend(condition.imports)
        if "max_turns" in args:
            turns_given = literal_int(args["max_turns"].value)
            if turns_given is None:
                return "initiate_chat(max_turns=...) is not a literal: set max_turns= on the team by hand"
            limits.append(2 * turns_given - 1)
        for module, name in [*imports, ("autogen_agentchat.teams", "RoundRobinGroupChat")]:
            self.add_import(module, name)
        team = self.analysis.fresh("team")
        pieces = [f"[{recipient.var}, {sender.var}]"]
        if conditions:
            pieces.append(f"termination_condition={' | '.join(conditions)}")
        if limits:
            pieces.append(f"max_turns={min(limits)}")
        self.analysis.consumed.update({sender.var, recipient.var})
        return [f"{team} = {format_call('RoundRobinGroupChat', pieces)}"], self._run(team, message, silent)

    def _run(self, team: str, message: str, silent: bool) -> str:
        if silent:
            return f"{team}.run(task={message})"
        self.add_import("autogen_agentchat.ui", "Console")
        return f"Console({team}.run_stream(task={message}))"
