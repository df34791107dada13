"""AK006: v0.2 tool registration -> ``tools=[...]`` on the v0.4 ``AssistantAgent``.

v0.2 split a tool between a caller (the LLM agent that proposes the call) and an executor (the agent that
runs it). A v0.4 ``AssistantAgent`` does both. Handled, for top-level functions and agents:

* ``register_function(f, caller=assistant, executor=proxy, name=..., description=...)`` -> the statement is
  removed and ``f`` (or ``FunctionTool(f, description=..., name=...)``) is added to ``assistant``'s ``tools``;
* ``@assistant.register_for_llm(name=..., description=...)`` and ``@proxy.register_for_execution()`` on a
  function -> the decorators are removed and the function is added the same way.

``reflect_on_tool_use=True`` is set, because in v0.2 the tool result went back to the model, which then
answered. When the agent was built before its tools were defined, its assignment moves below the last of them
- only if nothing reads the agent in between.

TODO: ``function_map=`` and ``agent.register_function(function_map=...)``, registrations inside functions or
classes, tools of agents that do not convert, and agents read between their construction and their tools.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst
import libcst.matchers as m

from ._agents import kind_of
from ._base import (
    AGENT_CLASSES,
    AgentkitCodemod,
    _attach,
    bind_args,
    code_of,
    kwarg,
    literal_int,
    literal_str,
    set_args,
)
from ._rules import Rule

__all__ = ("ToolsCodemod",)

V02_MAX_AUTO_REPLY = 100
FUNCTION_MAP_TODO = (
    "function_map: register each function as a tool instead - AssistantAgent(tools=[...]) runs them in v0.4"
)


@dataclass
class _Plan:
    tools: list[str] = field(default_factory=list)
    last_index: int = -1
    registrations: set[int] = field(default_factory=set)
    executors: set[str] = field(default_factory=set)


class ToolsCodemod(AgentkitCodemod):
    """AK006 - see the module docstring."""

    RULE: ClassVar[Rule] = Rule.AK006
    DESCRIPTION: str = Rule.AK006.description
    TRIGGERS: ClassVar[tuple[str, ...]] = ("register_f", "function_map")

    def visit_Module(self, node: cst.Module) -> None:
        self._maps: dict[str, list[tuple[int, cst.BaseExpression]]] = {}  # executor var -> (index, function_map)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        has_map = any(a.keyword is not None and a.keyword.value == "function_map" for a in node.args)
        method = isinstance(func, cst.Attribute) and func.attr.value == "register_function"
        if has_map and (method or self.v02(func) is not None):
            owner = func.value if isinstance(func, cst.Attribute) and method else None
            if not (isinstance(owner, cst.Name) or self.v02(func) in AGENT_CLASSES):
                self.todo(FUNCTION_MAP_TODO)

    def _function_maps(
        self, body: list[cst.BaseStatement], plans: dict[str, _Plan], todos: dict[int, list[str]]
    ) -> None:
        """``function_map=`` (constructor or ``register_function``) -> tools of the agent whose model calls it."""
        found: list[tuple[str, int, cst.BaseExpression, bool]] = []  # (executor, index, mapping, is_statement)
        for index, statement in enumerate(body):
            var = _assigned_call_target(statement)
            info = self.analysis.agents.get(var) if var is not None else None
            if info is not None and info.value("function_map") is not None:
                found.append((info.var, index, info.value("function_map"), False))  # type: ignore[arg-type]
            if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
                small = statement.body[0]
                call = small.value if isinstance(small, cst.Expr) else None
                if (
                    isinstance(call, cst.Call)
                    and isinstance(call.func, cst.Attribute)
                    and call.func.attr.value == "register_function"
                    and isinstance(call.func.value, cst.Name)
                    and self.v02(call.func) is None  # not autogen.register_function(...)
                ):
                    mapping = next(
                        (a.value for a in call.args if a.keyword is None or a.keyword.value == "function_map"), None
                    )
                    if mapping is not None:
                        found.append((call.func.value.value, index, mapping, True))
        for executor, index, mapping, is_statement in found:
            if isinstance(mapping, cst.Name):
                mapping = self.analysis.values.get(mapping.value, mapping)
            if not isinstance(mapping, cst.Dict):
                todos.setdefault(index, []).append(FUNCTION_MAP_TODO)
                continue
            caller = self._caller_of(executor)
            if caller is None:
                todos.setdefault(index, []).append(_map_todo(executor))
                continue
            plan = plans.setdefault(caller, _Plan())
            for element in mapping.elements:
                if not isinstance(element, cst.DictElement):
                    continue
                function = element.value
                key = literal_str(element.key)
                name_arg = cst.Arg(element.key, keyword=cst.Name("name")) if key != code_of(function) else None
                plan.tools.append(_tool_code(function, name_arg, None))
                plan.executors.add(executor)
                if isinstance(function, cst.Name) and function.value in self._defs:
                    plan.last_index = max(plan.last_index, self._defs[function.value])
            if is_statement:
                self._map_statements[index] = executor
                plan.registrations.add(index)
                plan.last_index = max(plan.last_index, index)
            self.analysis.moved_maps.add(executor)

    def _unmovable(self, index: int, var: str) -> str:
        if index in self._map_statements:  # the same text whether or not a caller was found (idempotent)
            return _map_todo(self._map_statements[index])
        return f"`{var}`: its tools could not be moved to its constructor - pass tools=[...] to it by hand"

    def _caller_of(self, executor: str) -> str | None:
        info = self.analysis.agents.get(executor)
        if info is not None and kind_of(info.cls, info.args) == "assistant":
            return executor
        partners = {b if a == executor else a for a, b in self.analysis.chats if executor in (a, b)}
        callers = [
            p
            for p in partners
            if p in self.analysis.agents
            and kind_of(self.analysis.agents[p].cls, self.analysis.agents[p].args) == "assistant"
        ]
        return callers[0] if len(callers) == 1 else None

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return updated_node.with_changes(body=self._rewrite_body(list(updated_node.body)))

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        """Registrations inside a function (``def main(): ...``) are moved the same way, within its body."""
        if not isinstance(updated_node.body, cst.IndentedBlock):
            return updated_node
        text = code_of(updated_node.body)
        if "register_f" not in text and "function_map" not in text:
            return updated_node
        body = self._rewrite_body(list(updated_node.body.body))
        return updated_node.with_changes(body=updated_node.body.with_changes(body=body))

    def _rewrite_body(self, body: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
        self._map_statements: dict[int, str] = {}
        self._executions: dict[int, str] = {}  # `proxy.register_for_execution(...)(f)` statements
        self._defs = {s.name.value: i for i, s in enumerate(body) if isinstance(s, cst.FunctionDef)}
        plans: dict[str, _Plan] = {}
        agent_index: dict[str, int] = {}
        strip: dict[int, set[int]] = {}  # statement index -> ids of decorators to remove
        todos: dict[int, list[str]] = {}
        for index, statement in enumerate(body):
            var = _assigned_call_target(statement)
            if var is not None and var in self.analysis.agents and var not in self.analysis.ambiguous:
                agent_index[var] = index
            if isinstance(statement, cst.FunctionDef):
                self._decorated(index, statement, plans, strip, todos)
            elif isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
                small = statement.body[0]
                if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                    call = small.value
                    if self.v02(call.func) == "register_function":
                        problem = self._registration(index, call, plans)
                        if problem:
                            todos.setdefault(index, []).append(problem)
                    else:
                        self._direct_registration(index, call, plans)
        self._function_maps(body, plans, todos)
        moves: dict[int, int] = {}
        rewritten: dict[int, cst.BaseStatement] = {}
        for var, plan in plans.items():
            info = self.analysis.agents.get(var)
            if var not in agent_index or info is None or kind_of(info.cls, info.args) != "assistant":
                for index in sorted(plan.registrations):
                    todos.setdefault(index, []).append(self._unmovable(index, var))
                plan.registrations.clear()
                continue
            start = agent_index[var]
            if start < plan.last_index:
                between = [i for i in range(start + 1, plan.last_index + 1) if i not in plan.registrations]
                if any(_reads(body[i], var, strip.get(i, set())) for i in between):
                    for index in sorted(plan.registrations):
                        todos.setdefault(index, []).append(self._unmovable(index, var))
                    plan.registrations.clear()
                    continue
                moves[start] = plan.last_index
            rewritten[start] = self._with_tools(body[start], plan)
        # Build the new body: strip decorators, drop registrations, apply tool lists and moves.
        removed = {index for plan in plans.values() for index in plan.registrations}
        if rewritten:
            removed.update(self._executions)  # the executor half goes with the caller's tools
        decorated_ok = {index for plan in plans.values() for index in plan.registrations}
        new_body: list[cst.BaseStatement] = []
        pending_after: dict[int, list[cst.BaseStatement]] = {}
        for start, after in moves.items():
            moved = rewritten[start]
            assert isinstance(moved, cst.SimpleStatementLine)
            if isinstance(body[after], cst.FunctionDef):
                blank = [cst.EmptyLine(indent=False), cst.EmptyLine(indent=False)]
            else:  # the registration it replaces
                replaced = body[after]
                assert isinstance(replaced, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
                blank = [line for line in replaced.leading_lines if line.comment is None]
            lines = [line for line in moved.leading_lines if line.comment is not None]
            pending_after.setdefault(after, []).append(moved.with_changes(leading_lines=[*blank, *lines]))
        tool_functions = {
            tool.partition("(")[2].partition(",")[0] if tool.startswith("FunctionTool(") else tool
            for var, plan in plans.items()
            if plan.registrations or var in rewritten_vars(rewritten, body)
            for tool in plan.tools
        }
        for index, statement in enumerate(body):
            if isinstance(statement, cst.FunctionDef) and statement.name.value in tool_functions:
                statement = self._annotated(statement)
            if index in strip and index in decorated_ok and isinstance(statement, cst.FunctionDef):
                statement = statement.with_changes(
                    decorators=[d for d in statement.decorators if id(d) not in strip[index]]
                )
            if index in todos:
                statement = _attach(statement, [f"# TODO[agentkit {self.RULE.value}]: {t}" for t in todos[index]])
                self.stats.todos[self.RULE] += len(todos[index])
            if index in moves:
                pass  # emitted after its last tool
            elif index in rewritten:
                new_body.append(rewritten[index])
            elif index in removed and not isinstance(statement, cst.FunctionDef):
                pass
            else:
                new_body.append(statement)
            new_body.extend(pending_after.get(index, []))
        if rewritten:
            self.remove_v02_import("register_function")
            if any("FunctionTool(" in tool for plan in plans.values() for tool in plan.tools):
                self.add_import("autogen_core.tools", "FunctionTool")
        return new_body

    def _direct_registration(self, index: int, call: cst.Call, plans: dict[str, _Plan]) -> None:
        """``agent.register_for_llm(...)(f)`` / ``agent.register_for_execution(...)(f)`` written as calls."""
        inner = call.func
        if not (
            isinstance(inner, cst.Call)
            and isinstance(inner.func, cst.Attribute)
            and isinstance(inner.func.value, cst.Name)
            and inner.func.value.value in self.analysis.agents
            and inner.func.attr.value in ("register_for_llm", "register_for_execution")
            and len(call.args) == 1
            and call.args[0].keyword is None
        ):
            return
        owner = inner.func.value.value
        if inner.func.attr.value == "register_for_execution":
            self._executions[index] = owner
            return
        args = {a.keyword.value: a for a in inner.args if a.keyword is not None}
        plan = plans.setdefault(owner, _Plan())
        plan.tools.append(_tool_code(call.args[0].value, args.get("name"), args.get("description")))
        plan.last_index = max(plan.last_index, index)
        plan.registrations.add(index)

    def _annotated(self, function: cst.FunctionDef) -> cst.FunctionDef:
        """v0.4's FunctionTool needs a type hint on every parameter (v0.2 took any function): ``Any`` where none."""
        params = function.params
        missing = [p for p in params.params if p.annotation is None and p.name.value not in ("self", "cls")]
        if not missing:
            return function
        self.add_import("typing", "Any")
        annotation = cst.Annotation(cst.Name("Any"))
        fixed = [p.with_changes(annotation=annotation) if p in missing else p for p in params.params]
        self.note(f"v0.4 tools need typed parameters: `{function.name.value}` got `Any` where it had no hint")
        return function.with_changes(params=params.with_changes(params=fixed))

    def _registration(self, index: int, call: cst.Call, plans: dict[str, _Plan]) -> str | None:
        args = bind_args(call, ("f",))
        if args is None or "f" not in args or "caller" not in args:
            return "register_function(...): pass the function to the caller's AssistantAgent(tools=[...]) by hand"
        caller = args["caller"].value
        if not isinstance(caller, cst.Name):
            return "register_function(caller=...) is not a variable: pass tools=[...] by hand"
        plan = plans.setdefault(caller.value, _Plan())
        plan.tools.append(_tool_code(args["f"].value, args.get("name"), args.get("description")))
        executor = args.get("executor")
        if executor is not None and isinstance(executor.value, cst.Name):
            plan.executors.add(executor.value.value)
        plan.last_index = max(plan.last_index, index)
        plan.registrations.add(index)
        return None

    def _decorated(
        self,
        index: int,
        function: cst.FunctionDef,
        plans: dict[str, _Plan],
        strip: dict[int, set[int]],
        todos: dict[int, list[str]],
    ) -> None:
        llm: tuple[str, cst.Call] | None = None
        execution: list[cst.Decorator] = []
        for decorator in function.decorators:
            target = decorator.decorator
            if not (isinstance(target, cst.Call) and isinstance(target.func, cst.Attribute)):
                continue
            owner = target.func.value
            attr = target.func.attr.value
            if not isinstance(owner, cst.Name) or owner.value not in self.analysis.agents:
                continue
            if attr == "register_for_llm":
                llm = (owner.value, target)
                strip.setdefault(index, set()).add(id(decorator))
            elif attr == "register_for_execution":
                execution.append(decorator)
                strip.setdefault(index, set()).add(id(decorator))
        if llm is None:
            if execution:
                todos.setdefault(index, []).append(
                    "register_for_execution without register_for_llm: add the function to the calling "
                    "AssistantAgent(tools=[...])"
                )
                strip.pop(index, None)
            return
        var, call = llm
        args = {a.keyword.value: a for a in call.args if a.keyword is not None}
        plan = plans.setdefault(var, _Plan())
        plan.tools.append(_tool_code(function.name, args.get("name"), args.get("description")))
        for decorator in execution:
            target = decorator.decorator
            if isinstance(target, cst.Call) and isinstance(target.func, cst.Attribute):
                owner = target.func.value
                if isinstance(owner, cst.Name):
                    plan.executors.add(owner.value)
        plan.last_index = max(plan.last_index, index)
        plan.registrations.add(index)

    def _with_tools(self, statement: cst.BaseStatement, plan: _Plan) -> cst.BaseStatement:
        assert isinstance(statement, cst.SimpleStatementLine)
        assign = statement.body[0]
        assert isinstance(assign, cst.Assign)
        assert isinstance(assign.value, cst.Call)
        call = assign.value
        tools = cst.parse_expression(f"[{', '.join(plan.tools)}]")
        keywords = {a.keyword.value for a in call.args if a.keyword is not None}
        new_args = list(call.args)
        if "tools" not in keywords:
            new_args.append(kwarg("tools", tools))
        var = _assigned_call_target(statement) or ""
        in_group = var in self.analysis.group_members
        if "reflect_on_tool_use" not in keywords:
            new_args.append(kwarg("reflect_on_tool_use", cst.Name("False" if in_group else "True")))
        if "max_tool_iterations" not in keywords and not in_group:
            # v0.2's caller called tools again after every result, until its executor's reply limit (default 100).
            limits = [V02_MAX_AUTO_REPLY]
            for executor in plan.executors:
                info = self.analysis.agents.get(executor)
                limit = literal_int(info.value("max_consecutive_auto_reply")) if info is not None else None
                if limit is not None:
                    limits.append(limit)
            new_args.append(kwarg("max_tool_iterations", cst.Integer(str(max(1, min(limits))))))
        self.applied()
        if in_group:
            why = (
                "reflect_on_tool_use=False: in a v0.2 group chat the tool result was a message of its own and the "
                "caller answered only if picked again"
            )
        else:
            why = "reflect_on_tool_use=True lets the model answer from the results as in v0.2"
        comment = (
            f"# NOTE[agentkit {self.RULE.value}]: v0.4 AssistantAgent runs its own tools (v0.2 sent them to an "
            f"executor agent); {why}"
        )
        new_statement = statement.with_changes(body=[assign.with_changes(value=set_args(call, new_args))])
        attached: cst.BaseStatement = _attach(new_statement, [comment])
        return attached


def _map_todo(executor: str) -> str:
    return (
        f"function_map of `{executor}`: pass its functions as tools=[...] to the AssistantAgent whose model calls "
        "them (v0.4 agents run their own tools)"
    )


def rewritten_vars(rewritten: dict[int, cst.BaseStatement], body: list[cst.BaseStatement]) -> set[str]:
    """Variables of the agent statements that got a tool list."""
    return {name for name in (_assigned_call_target(body[i]) for i in rewritten) if name is not None}


def _tool_code(function: cst.BaseExpression, name: cst.Arg | None, description: cst.Arg | None) -> str:
    extras = []
    if description is not None:
        extras.append(f"description={code_of(description.value)}")
    if name is not None and literal_str(name.value) != code_of(function):
        extras.append(f"name={code_of(name.value)}")
    if not extras:
        return code_of(function)
    if description is None:
        extras.insert(0, f'description={code_of(function)}.__doc__ or ""')
    return f"FunctionTool({code_of(function)}, {', '.join(extras)})"


def _assigned_call_target(statement: cst.BaseStatement) -> str | None:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
            return small.targets[0].target.value
    return None


def _reads(statement: cst.BaseStatement, var: str, skip_decorators: set[int]) -> bool:
    if isinstance(statement, cst.FunctionDef):
        decorators = [d for d in statement.decorators if id(d) not in skip_decorators]
        statement = statement.with_changes(decorators=decorators)
    return bool(m.findall(statement, m.Name(var)))
