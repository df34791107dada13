"""AK008: ``sender.initiate_chat(recipient, message=...)`` (and ``a_initiate_chat``, ``initiate_chats``) -> a v0.4 run.

* Two agents: ``RoundRobinGroupChat([recipient, sender], termination_condition=..., max_turns=N)`` - the recipient
  answers first, as in v0.2. Each agent's ``is_termination_msg`` (v0.2's default when absent: exactly
  ``"TERMINATE"``) becomes ``termination_from_v02(pred, receiver=agent.name)``, which checks the messages that
  agent *receives*, task included, as v0.2 did; a human's ``exit`` ends the chat. ``max_turns`` is the fewest
  turns the agents' ``max_consecutive_auto_reply`` (default 100; counted twice per reply in async chats) and
  ``initiate_chat(max_turns=T)`` (``2T - 1``: the task is not a turn) allowed.
* A group chat (AK007 turned the manager into a team): the team runs the task.
* The run is ``asyncio.run(Console(team.run_stream(task=...)))`` in sync code, ``await ...`` in ``async def`` and
  notebooks, ``team.run(task=...)`` when ``silent=True``. ``carryover`` -> ``with_carryover(message, carryover)``.
* The returned ``ChatResult`` (when the value is used) -> ``chat_result(result, sender=..., recipient=...)``
  (``.summary``, ``.chat_history``, ``.cost`` as in v0.2).
* An agent in several chats: v0.4 agents keep their history between runs, v0.2 cleared it (``clear_history=True``,
  the default) -> ``team.reset()`` (which resets the participants) before the run.
* ``initiate_chats([...])`` -> one run per chat, in order, each task carrying the earlier summaries.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst

from ._agents import COMPAT, kind_of
from ._analysis import AgentInfo
from ._base import (
    AGENT_CLASSES,
    IMPORTS_KEY,
    SIGNATURES,
    TOP_LEVEL_AWAIT_KEY,
    AgentkitCodemod,
    bind_args,
    code_of,
    format_call,
    literal_int,
    literal_str,
)
from ._rules import Rule

__all__ = ("InitiateChatCodemod",)

PARAMS = (*SIGNATURES["initiate_chat"], "message")
V02_MAX_AUTO_REPLY = 100
TEAMS = frozenset({"RoundRobinGroupChat", "SelectorGroupChat"})
EXIT = 'lambda msg: msg.get("content") == "exit"'


@dataclass
class _Run:
    prelude: list[str] = field(default_factory=list)
    expression: str = ""
    notes: list[str] = field(default_factory=list)


class InitiateChatCodemod(AgentkitCodemod):
    """AK008 - see the module docstring."""

    RULE: ClassVar[Rule] = Rule.AK008
    DESCRIPTION: str = Rule.AK008.description
    TRIGGERS: ClassVar[tuple[str, ...]] = ("initiate_chat",)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._async: list[bool] = [bool(self.context.scratch.get(TOP_LEVEL_AWAIT_KEY, False))]
        self._direct: set[int] = set()
        self._latest: dict[str, AgentInfo] = {}
        self._chats = Counter(name for pair in self.analysis.chats for name in pair)

    # -- scopes -----------------------------------------------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._async.append(node.asynchronous is not None)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self._async.pop()
        return updated_node

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._async.append(False)

    def leave_Lambda(self, original_node: cst.Lambda, updated_node: cst.Lambda) -> cst.BaseExpression:
        self._async.pop()
        return updated_node

    # -- statements: `[x =] [await] a.initiate_chat(...)` get a readable prelude --------------------------------

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        if len(node.body) == 1:
            call, _, _ = _direct_call(node.body[0])
            if call is not None:
                self._direct.add(id(call))

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if len(original_node.body) != 1:
            return updated_node
        call, target, awaited = _direct_call(original_node.body[0])
        if call is None:
            return updated_node
        assert isinstance(call.func, cst.Attribute)
        method = call.func.attr.value
        if method.startswith("a_") and not awaited:
            return updated_node  # a coroutine handed on: the expression form (leave_Call) handled it
        if method in ("initiate_chats", "a_initiate_chats"):
            run = self._sequence(call, target)
        else:
            run = self._chat(call, used=target is not None, prelude=True, awaited=True)
        if isinstance(run, str):
            self.todo(run)
            return updated_node
        code = run.expression if target is None else f"{target} = {run.expression}"
        lines = [*run.prelude, code]
        statements: list[cst.BaseStatement] = [cst.parse_statement(line + "\n") for line in lines]
        statements[0] = statements[0].with_changes(leading_lines=updated_node.leading_lines)
        for note in run.notes:
            self.note(note)
        self.applied()
        return cst.FlattenSentinel(statements)

    # -- any other initiate_chat call: an expression --------------------------------------------------------------

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if id(original_node) in self._direct or not isinstance(func, cst.Attribute):
            return updated_node
        if func.attr.value not in ("initiate_chat", "a_initiate_chat"):
            return updated_node
        if not self._is_agent(func.value):
            return updated_node
        run = self._chat(original_node, used=True, prelude=False, awaited=func.attr.value == "initiate_chat")
        if isinstance(run, str):
            self.todo(run)
            return updated_node
        for note in run.notes:
            self.note(note)
        self.applied()
        return cst.parse_expression(run.expression)

    # -- building blocks ------------------------------------------------------------------------------------------

    def _is_agent(self, node: cst.BaseExpression) -> bool:
        # Only files importing pyautogen reach the rules, so `x.initiate_chat(...)` there is a v0.2 agent's.
        return isinstance(node, (cst.Name, cst.Attribute, cst.Subscript, cst.Call))

    def visit_Assign(self, node: cst.Assign) -> None:
        """Remember the latest v0.2 agent each name was bound to (notebooks re-define agents; factories return them)."""
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, (cst.Name, cst.Attribute)):
            return
        var = code_of(node.targets[0].target)  # `user_proxy` or `self.user_proxy`
        cls = self.v02(node.value.func) if isinstance(node.value, cst.Call) else None
        args = (
            bind_args(node.value, SIGNATURES[cls])
            if cls in AGENT_CLASSES and isinstance(node.value, cst.Call)
            else None
        )
        if cls in AGENT_CLASSES and args is not None:
            self._latest[var] = AgentInfo(var, cls, args, None)
        elif var in self._latest and not isinstance(node.value, cst.Call):
            del self._latest[var]

    def _info(self, node: cst.BaseExpression) -> AgentInfo | None:
        if isinstance(node, (cst.Name, cst.Attribute)) and code_of(node) in self._latest:
            return self._latest[code_of(node)]
        return self.analysis.agent(node)

    def _run_expression(self, team: str, task: str, silent: bool, awaited: bool) -> str:
        if silent:
            run = f"{team}.run(task={task})"
        else:
            console = self._helper("autogen_agentchat.ui", "Console")
            run = f"{console}({team}.run_stream(task={task}))"
        if not awaited:
            return run
        return self._sync(run)

    def _summary_client(self, *infos: AgentInfo | None) -> str | None:
        """``client_from_llm_config(<llm_config>)`` of the first agent with one (v0.2's summary client order)."""
        for info in infos:
            config = info.value("llm_config") if info is not None else None
            if config is not None and code_of(config) not in ("False", "None"):
                self.add_import(COMPAT, "client_from_llm_config")
                return f"client_from_llm_config({code_of(config)})"
        return None

    def _helper(self, module: str, name: str) -> str:
        """Import ``name`` for the emitted code; under ``<name>_v04`` when the file already uses ``name`` itself."""
        if name in self.analysis.names and name not in self._aliases:
            alias = f"{name}_v04"
            self.add_import(module, name, alias)
            return alias
        self.add_import(module, name)
        return name

    def _reset(self, team: str) -> str:
        return self._sync(f"{team}.reset()")

    def _sync(self, coroutine: str) -> str:
        """``await c`` in async code; else ``asyncio.run(c)``, or one shared loop when the file runs several chats.

        Several ``asyncio.run`` calls would each close their loop, and a model client shared by two chats keeps
        connections bound to the first loop ("Event loop is closed").
        """
        if self._async[-1]:
            return f"await {coroutine}"
        self.add_import("asyncio")
        if self.analysis.runs < 2:
            return f"asyncio.run({coroutine})"
        edits = self.context.scratch[IMPORTS_KEY]
        if not self.analysis.loop:
            self.analysis.loop = self.analysis.fresh("loop")
            edits.prelude.append(f"{self.analysis.loop} = asyncio.new_event_loop()  # one loop for every chat run")
        return f"{self.analysis.loop}.run_until_complete({coroutine})"

    def _chat(self, call: cst.Call, *, used: bool, prelude: bool, awaited: bool) -> _Run | str:
        assert isinstance(call.func, cst.Attribute)
        sender = call.func.value
        is_async = call.func.attr.value.startswith("a_")
        args = bind_args(call, PARAMS)
        if args is None or "recipient" not in args:
            return "initiate_chat(*args / **kwargs): the chat is not known statically - run a v0.4 team by hand"
        return self._one(sender, dict(args), used=used, prelude=prelude, awaited=awaited, is_async=is_async)

    def _one(
        self,
        sender: cst.BaseExpression,
        args: dict[str, cst.Arg],
        *,
        used: bool,
        prelude: bool,
        awaited: bool,
        is_async: bool,
        summaries: list[str] | None = None,
        reset: bool | None = None,
    ) -> _Run | str:
        run = _Run()
        recipient = args["recipient"].value
        sender_code, recipient_code = code_of(sender), code_of(recipient)
        task = self._task(args, run, sender_code, recipient_code, summaries or [])
        if isinstance(task, str) and task.startswith("!"):
            return task[1:]
        silent = "silent" in args and code_of(args["silent"].value) == "True"
        if "silent" in args and code_of(args["silent"].value) not in ("True", "False"):
            run.notes.append("initiate_chat(silent=...) is not a literal: the chat is printed (Console)")
        if "cache" in args:
            run.notes.append(
                "cache=: client_from_llm_config caches per llm_config's cache_seed (v0.2's default 41 included)"
            )
        for ignored in sorted(
            set(args)
            - {
                "recipient",
                "message",
                "silent",
                "cache",
                "max_turns",
                "clear_history",
                "summary_method",
                "summary_args",
                "carryover",
            }
        ):
            run.notes.append(f"initiate_chat `{ignored}` has no v0.4 equivalent and was dropped")
        clear = "clear_history" not in args or code_of(args["clear_history"].value) != "False"
        team_expr = self._team_of(recipient)
        sender_info = self._info(sender)
        recipient_info = self._info(recipient)
        if team_expr is not None:
            team = team_expr
            if "max_turns" in args and literal_int(args["max_turns"].value) not in (1, None):
                run.notes.append("initiate_chat(max_turns=...) on a group chat: each v0.2 turn was a whole group run")
            recipient_name = f"{team}.name"
        else:
            self.analysis.consumed.update(
                code
                for code, info in ((sender_code, sender_info), (recipient_code, recipient_info))
                if info is not None
            )
            conditions, limits = self._stops(sender, sender_info, recipient, recipient_info, args, is_async, run)
            pieces = [f"[{recipient_code}, {sender_code}]", f"termination_condition={' | '.join(conditions)}"]
            if limits:
                pieces.append(f"max_turns={limits}")
            self.add_import("autogen_agentchat.teams", "RoundRobinGroupChat")
            self.add_import(COMPAT, "termination_from_v02")
            constructor = format_call("RoundRobinGroupChat", pieces)
            if prelude:
                team = self.analysis.fresh("team")
                run.prelude.append(f"{team} = {constructor}")
            else:
                team = constructor
            recipient_name = f"{recipient_code}.name"
        several = any(self._chats[code] > 1 for code in (sender_code, recipient_code)) or bool(summaries)
        if (reset if reset is not None else several) and clear and prelude and awaited:
            run.prelude.append(self._reset(team))
        # v0.2: the sender sent the task - its own predicate never saw it, a member initiator was the last speaker.
        text_message = self._helper("autogen_agentchat.messages", "TextMessage")
        task = f"{text_message}(content={task}, source={sender_code}.name)"
        expression = self._run_expression(team, task, silent, awaited)
        if used and awaited:
            extra = ""
            reflect = None
            if "summary_method" in args:
                method = literal_str(args["summary_method"].value)
                if method == "last_msg":
                    extra = ', summary_method="last_msg"'
                elif method == "reflection_with_llm" and awaited:
                    reflect = self._summary_client(recipient_info, sender_info)
                if reflect is not None:
                    pass
                elif method != "last_msg":
                    run.notes.append(
                        f"summary_method={code_of(args['summary_method'].value)}: chat_result summarises with "
                        "v0.2's 'last_msg' - summarise result.chat_history yourself for other methods"
                    )
            if reflect is not None:
                # v0.2 made one more model call (the recipient's, else the sender's client) for the summary.
                to_result = self._helper(COMPAT, "a_chat_result")
                summary_args = f", summary_args={code_of(args['summary_args'].value)}" if "summary_args" in args else ""
                inner = expression.removeprefix("await ")
                if inner.startswith("asyncio.run(") or ".run_until_complete(" in inner:
                    inner = inner[inner.index("(") + 1 : -1]
                call = (
                    f"{to_result}(await {inner}, sender={sender_code}.name, recipient={recipient_name}, "
                    f'summary_method="reflection_with_llm"{summary_args}, model_client={reflect})'
                )
                if not self._async[-1]:
                    name = self.analysis.fresh("summarised_chat")
                    run.prelude.append(f"async def {name}():\n    return await {call}\n")
                    expression = self._sync(f"{name}()")
                else:
                    expression = f"await {call}"
            else:
                to_result = self._helper(COMPAT, "chat_result")
                expression = f"{to_result}({expression}, sender={sender_code}.name, recipient={recipient_name}{extra})"
        elif used:
            run.notes.append("the v0.2 ChatResult of this coroutine is now a v0.4 TaskResult (chat_result() converts)")
        run.expression = expression
        return run

    def _task(self, args: dict[str, cst.Arg], run: _Run, sender: str, recipient: str, summaries: list[str]) -> str:
        node = args["message"].value if "message" in args else None
        if node is None:
            run.notes.append("no message: v0.2 asked for the first message on the console")
            task = 'input("> ")'
        elif isinstance(node, cst.Dict):
            content = next(
                (e.value for e in node.elements if isinstance(e, cst.DictElement) and literal_str(e.key) == "content"),
                None,
            )
            if content is None:
                return '!initiate_chat(message={...}) without "content": pass task= to the v0.4 run by hand'
            task = code_of(content)
        elif isinstance(node, cst.Lambda) or (
            isinstance(node, cst.Name) and node.value in self.analysis.top_level_defs
        ):
            return_args = "{}" if "carryover" not in args else f'{{"carryover": {code_of(args["carryover"].value)}}}'
            func = f"({code_of(node)})" if isinstance(node, cst.Lambda) else code_of(node)
            return f"{func}({sender}, {recipient}, {return_args})"  # v0.2 called it once; no carryover added
        else:
            task = code_of(node)
        carry: list[str] = []
        if "carryover" in args:
            value = args["carryover"].value
            if isinstance(value, cst.List):
                carry.extend(code_of(e.value) for e in value.elements)
            elif summaries:
                carry.append(code_of(value))
            else:
                carry = [code_of(value)]
                carry_over = self._helper(COMPAT, "with_carryover")
                return f"{carry_over}({task}, {carry[0]})"
        carry.extend(summaries)
        if carry:
            carry_over = self._helper(COMPAT, "with_carryover")
            return f"{carry_over}({task}, [{', '.join(carry)}])"
        return task

    def _team_of(self, recipient: cst.BaseExpression) -> str | None:
        if isinstance(recipient, cst.Name) and recipient.value in self.analysis.teams:
            return recipient.value
        if isinstance(recipient, cst.Call) and isinstance(recipient.func, cst.Name) and recipient.func.value in TEAMS:
            return code_of(recipient)
        return None

    def _stops(
        self,
        sender: cst.BaseExpression,
        sender_info: AgentInfo | None,
        recipient: cst.BaseExpression,
        recipient_info: AgentInfo | None,
        args: dict[str, cst.Arg],
        is_async: bool,
        run: _Run,
    ) -> tuple[list[str], str]:
        conditions: list[str] = []
        limits: list[str] = []
        numbers: list[int] = []
        pairs = ((sender, sender_info, recipient, 1), (recipient, recipient_info, sender, 0))
        for agent, info, other, extra_turn in pairs:
            if info is None:
                run.notes.append(
                    f"`{code_of(agent)}` is not built once in this file: v0.2's default stop settings are assumed"
                )
            kind = kind_of(info.cls, info.args) if info is not None else "assistant"
            if kind == "human":
                conditions.append(f"termination_from_v02({EXIT}, receiver={code_of(other)}.name)")
                continue
            predicate = info.value("is_termination_msg") if info is not None else None
            predicate_code = "None" if predicate is None else code_of(predicate)
            conditions.append(f"termination_from_v02({predicate_code}, receiver={code_of(agent)}.name)")
            limit_node = info.value("max_consecutive_auto_reply") if info is not None else None
            limit = V02_MAX_AUTO_REPLY if limit_node is None else literal_int(limit_node)
            if limit is not None:
                if is_async:
                    limit = -(-limit // 2)  # v0.2's async chats counted every auto reply twice
                numbers.append(2 * limit + extra_turn)
            else:
                assert limit_node is not None
                limits.append(f"2 * {_paren(limit_node)} + {extra_turn}" if extra_turn else f"2 * {_paren(limit_node)}")
        if "max_turns" in args:
            value = args["max_turns"].value
            turns = literal_int(value)
            if turns is not None:
                numbers.append(2 * turns - 1)
            elif code_of(value) != "None":
                limits.append(f"2 * {_paren(value)} - 1")
                run.notes.append("max_turns=None meant no limit in v0.2; this expression must not be None")
        if numbers:
            limits.append(str(min(numbers)))
        if not limits:
            return conditions, ""
        return conditions, limits[0] if len(limits) == 1 else f"min({', '.join(limits)})"

    def _sequence(self, call: cst.Call, target: str | None) -> _Run | str:
        assert isinstance(call.func, cst.Attribute)
        sender = call.func.value
        is_async = call.func.attr.value.startswith("a_")
        queue = call.args[0].value if len(call.args) == 1 and call.args[0].keyword is None else None
        if queue is None and len(call.args) == 1 and call.args[0].keyword is not None:
            queue = call.args[0].value
        if isinstance(queue, cst.Name):
            queue = self.analysis.values.get(queue.value, queue)
        if not isinstance(queue, cst.List):
            return "initiate_chats(...) is not a list literal: run one v0.4 team per chat, in order, by hand"
        entries: list[dict[str, cst.Arg]] = []
        for element in queue.elements:
            entry = element.value
            if not isinstance(entry, cst.Dict):
                return "initiate_chats: an entry is not a dict literal - run one v0.4 team per chat by hand"
            bound: dict[str, cst.Arg] = {}
            for item in entry.elements:
                key = literal_str(item.key) if isinstance(item, cst.DictElement) else None
                if key is None:
                    return "initiate_chats: an entry has a non-literal key - run one v0.4 team per chat by hand"
                assert isinstance(item, cst.DictElement)
                bound[key] = cst.Arg(item.value, keyword=cst.Name(key))
            if "recipient" not in bound:
                return "initiate_chats: an entry has no recipient - run one v0.4 team per chat by hand"
            bound.pop("chat_id", None)
            bound.pop("prerequisites", None)
            entries.append(bound)
        total = _Run()
        results: list[str] = []
        for index, bound in enumerate(entries):
            chat_sender = bound.pop("sender").value if "sender" in bound else sender
            result = self.analysis.fresh("result")
            one = self._one(
                chat_sender,
                bound,
                used=True,
                prelude=True,
                awaited=True,
                is_async=is_async,
                summaries=[f"{r}.summary" for r in results] if not is_async else [],
                reset=index > 0 or None,
            )
            if isinstance(one, str):
                return one
            total.prelude.extend(one.prelude)
            total.prelude.append(f"{result} = {one.expression}")
            total.notes.extend(note for note in one.notes if note not in total.notes)
            results.append(result)
        if is_async:
            total.notes.append("a_initiate_chats: the chats run one after another (v0.2 ran independent ones at once)")
        total.expression = f"[{', '.join(results)}]" if target is not None else ""
        if target is None:
            last = total.prelude.pop()
            total.expression = last
        elif is_async:
            total.expression = "{" + ", ".join(f"{i}: {r}" for i, r in enumerate(results, start=1)) + "}"
            total.notes.append("a_initiate_chats returned {chat_id: ChatResult}; the keys are now 1, 2, ...")
        return total


def _paren(node: cst.BaseExpression) -> str:
    text = code_of(node)
    return text if isinstance(node, (cst.Name, cst.Attribute, cst.Integer, cst.Call, cst.Subscript)) else f"({text})"


def _direct_call(small: cst.BaseSmallStatement) -> tuple[cst.Call | None, str | None, bool]:
    """``(call, assigned target code, awaited)`` for ``[x =] [await] agent.initiate_chat(...)`` statements."""
    target: str | None = None
    if isinstance(small, cst.Expr):
        value = small.value
    elif isinstance(small, cst.Assign) and len(small.targets) == 1:
        value = small.value
        target = code_of(small.targets[0].target)
    elif isinstance(small, cst.AnnAssign) and small.value is not None:
        value = small.value
        target = code_of(small.target)
    else:
        return None, None, False
    awaited = isinstance(value, cst.Await)
    call = value.expression if isinstance(value, cst.Await) else value
    if (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value in ("initiate_chat", "a_initiate_chat", "initiate_chats", "a_initiate_chats")
    ):
        return call, target, awaited
    return None, None, False
