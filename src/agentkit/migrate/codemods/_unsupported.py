"""AK010: v0.2 features with no safe rewrite get a ``# TODO[agentkit AK010]`` and stay as they are.

Handled (marked): nested chats (``register_nested_chats``), custom reply functions (``register_reply``),
hooks (``register_hook``), sequential chats (``initiate_chats``), ``generate_reply``, custom model clients
(``register_model_client``), ``ConversableAgent``, ``OpenAIWrapper``, ``Cache``, teachability and the other
``autogen.agentchat.contrib`` agents, ``filter_func``. The markers name the v0.4 construct to use instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import libcst as cst

from ._base import AgentkitCodemod, literal_str
from ._rules import Rule

__all__ = ("UnsupportedCodemod",)

#: agent methods -> the manual step.
METHODS: dict[str, str] = {
    "register_nested_chats": "nested chats have no v0.4 equivalent - run the inner team from a tool, or wrap it "
    "in SocietyOfMindAgent",
    "register_reply": "custom reply functions have no v0.4 equivalent - subclass BaseChatAgent and implement "
    "on_messages()",
    "register_hook": "hooks have no v0.4 equivalent - subclass the agent, or use model_context= / memory=",
    "generate_reply": "use `await agent.on_messages([...], CancellationToken())` (v0.4 agents are async)",
    "register_model_client": "custom model clients: implement autogen_core.models.ChatCompletionClient and pass "
    "model_client=",
    "update_system_message": "v0.4 agents take system_message= at construction; build a new agent instead",
}

#: v0.2 classes / functions (short or ``contrib`` dotted name) -> the manual step.
NAMES: dict[str, str] = {
    "OpenAIWrapper": "use a v0.4 ChatCompletionClient: agentkit.migrate.compat.client_from_llm_config(llm_config)",
    "agentchat.contrib.capabilities.teachability.Teachability": "teachability has no v0.4 equivalent - give the "
    "AssistantAgent memory=[...] (autogen_core.memory / autogen_ext.memory)",
    "agentchat.contrib.gpt_assistant_agent.GPTAssistantAgent": "use autogen_ext.agents.openai.OpenAIAssistantAgent",
    "agentchat.contrib.web_surfer.WebSurferAgent": "use autogen_ext.agents.web_surfer.MultimodalWebSurfer",
    "agentchat.contrib.society_of_mind_agent.SocietyOfMindAgent": "use autogen_agentchat.agents.SocietyOfMindAgent "
    "(it wraps a v0.4 team)",
    "agentchat.contrib.multimodal_conversable_agent.MultimodalConversableAgent": "use AssistantAgent with a "
    "vision-capable model client and MultiModalMessage",
}
#: agent methods v0.4 agents lack, called for their side effect: a plain ``agent.method(...)`` statement is
#: commented out under its TODO (the code stays visible), since v0.4 raises AttributeError on it and the rest of the
#: program can run without the behaviour it added - the TODO keeps the file "needs manual work".
COMMENTED_OUT = frozenset({"register_nested_chats", "register_reply", "register_hook"})
COMMENTED_NOTE = "commented out below, v0.4 agents have no such method; "
CONTRIB = "the contrib agent `{name}` has no drop-in v0.4 equivalent - see autogen_ext.agents / autogen_ext.memory"
FILTER_FUNC = "filter_func (reply filtering) has no v0.4 equivalent - validate the model's reply in your own code"


class UnsupportedCodemod(AgentkitCodemod):
    """AK010 - see the module docstring."""

    RULE: ClassVar[Rule] = Rule.AK010
    DESCRIPTION: str = Rule.AK010.description
    TRIGGERS: ClassVar[tuple[str, ...]] = (
        "register_",
        "generate_reply",
        "update_system_message",
        "OpenAIWrapper",
        "contrib",
        "filter_func",
        "runtime_logging",
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in METHODS and self._agentish(func.value):
            method = func.attr.value
            done = COMMENTED_NOTE if method in COMMENTED_OUT and self._statement_call is node else ""
            self.todo(f"`{method}`: {done}{METHODS[method]}")
        full = self.v02_full(func)
        if full is not None:
            message = NAMES.get(full) or NAMES.get(full.rpartition(".")[2] if ".contrib." not in f".{full}" else "")
            if message is not None:
                self.todo(message)
            elif ".contrib." in f".{full}.":
                self.todo(CONTRIB.format(name=full.rpartition(".")[2]))
        if any(arg.keyword is not None and arg.keyword.value == "filter_func" for arg in node.args):
            self.todo(FILTER_FUNC)

    _statement_call: cst.Call | None = None

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        """Remember the call a statement consists of (``agent.register_reply(...)``), if it is nothing else."""
        self._statement_call = _commented_call(node)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        """Comment out the :data:`COMMENTED_OUT` calls of the module's top level (see :func:`_comment_out`)."""
        body, footer = _comment_out(updated_node.body, updated_node.footer, indented=False)
        return updated_node.with_changes(body=body, footer=footer)

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        """Comment out the :data:`COMMENTED_OUT` calls of a block (see :func:`_comment_out`)."""
        body, footer = _comment_out(updated_node.body, updated_node.footer, indented=True)
        return updated_node.with_changes(body=body, footer=footer)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.RemovalSentinel:
        """``autogen.runtime_logging.start(...)`` / ``.stop()``: v0.4 logs through ``autogen_core``'s loggers."""
        small = updated_node.body[0] if len(updated_node.body) == 1 else None
        value = small.value if isinstance(small, (cst.Expr, cst.Assign)) else None
        if not isinstance(value, cst.Call):
            return updated_node
        full = self.v02_full(value.func) or ""
        if full not in ("runtime_logging.start", "runtime_logging.stop"):
            return updated_node
        self.applied()
        if isinstance(small, cst.Assign):
            return updated_node.with_changes(body=[small.with_changes(value=cst.Name("None"))])
        return cst.RemoveFromParent()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        for base in node.bases:
            name = self.v02(base.value)
            if name is not None:
                self.todo(f"subclassing v0.2 `{name}`: subclass autogen_agentchat.agents.BaseChatAgent instead")

    def visit_DictElement(self, node: cst.DictElement) -> None:
        if literal_str(node.key) == "filter_func":
            self.todo(FILTER_FUNC)

    def _agentish(self, node: cst.BaseExpression) -> bool:
        # Only files that import pyautogen reach the rules, so `name.register_reply(...)` there is a v0.2 agent's.
        return isinstance(node, (cst.Name, cst.Attribute))


def _commented_call(statement: cst.BaseStatement) -> cst.Call | None:
    """The ``agent.<COMMENTED_OUT method>(...)`` call a statement consists of, or ``None``."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    expr = statement.body[0]
    call = expr.value if isinstance(expr, cst.Expr) else None
    if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
        return None
    if call.func.attr.value not in COMMENTED_OUT or not isinstance(call.func.value, (cst.Name, cst.Attribute)):
        return None
    return call


def _comment_out(
    body: Sequence[cst.BaseStatement], footer: Sequence[cst.EmptyLine], *, indented: bool
) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
    """Turn each :data:`COMMENTED_OUT` call statement into comment lines above the next statement.

    The statement's own comments (its TODO) come first, then its code, one ``# `` line per source line. After the
    last statement they go to the block's footer; a block left empty gets ``pass``.
    """
    if not any(_commented_call(statement) is not None for statement in body):
        return list(body), list(footer)
    kept: list[cst.BaseStatement] = []
    carried: list[cst.EmptyLine] = []
    for statement in body:
        if _commented_call(statement) is None:
            if carried and isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                statement = statement.with_changes(leading_lines=[*carried, *statement.leading_lines])
                carried = []
            kept.append(statement)
            continue
        assert isinstance(statement, cst.SimpleStatementLine)
        source = cst.Module(body=[]).code_for_node(statement.with_changes(leading_lines=[]))
        carried.extend(statement.leading_lines)
        carried.extend(
            cst.EmptyLine(indent=indented, comment=cst.Comment(f"# {line}".rstrip() if line.strip() else "#"))
            for line in source.rstrip("\n").splitlines()
        )
    if carried and not kept:
        return [cst.SimpleStatementLine([cst.Pass()], leading_lines=carried)], list(footer)
    return kept, [*carried, *footer]
