"""Translating v0.2 stop settings into v0.4 termination conditions (used by the team rules).

A v0.2 ``is_termination_msg`` is a predicate on a message *dict*; v0.4 conditions see message objects.
Only "simple" predicates are translated: a one-argument ``lambda`` that reads the message solely through
``x["content"]`` / ``x.get("content"[, default])`` (optionally wrapped in ``content_str(...)``). The
translation is exact - the same expression is evaluated on ``message.content`` of every text message from
the same senders - and the common ``"TERMINATE" in x["content"]`` form becomes a readable
``TextMentionTermination``. Anything else (named functions, other keys) is not simple: the caller keeps the
code and writes a TODO.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
import libcst.matchers as m

from ._base import code_of, literal_str

__all__ = ("DEFAULT_IS_TERMINATION", "Condition", "combine", "from_predicate")

DEFAULT_IS_TERMINATION = 'message.content == "TERMINATE"'
"""v0.2's default ``is_termination_msg``: ``content_str(x.get("content")) == "TERMINATE"``."""

_CONTENT = "message.content"


@dataclass(frozen=True)
class Condition:
    """Generated condition code and the names it needs imported (``(module, name)`` pairs)."""

    code: str
    imports: tuple[tuple[str, str], ...]


class _Content(cst.CSTTransformer):
    """Replace the message parameter's content accessors with ``message.content``."""

    def __init__(self, param: str) -> None:
        super().__init__()
        self.param = param

    def _is_content(self, node: cst.BaseExpression) -> bool:
        p = m.Name(self.param)
        content = m.SimpleString()
        if m.matches(node, m.Subscript(value=p, slice=[m.SubscriptElement(m.Index(content))])):
            assert isinstance(node, cst.Subscript)
            index = node.slice[0].slice
            assert isinstance(index, cst.Index)
            return literal_str(index.value) == "content"
        if m.matches(node, m.Call(func=m.Attribute(value=p, attr=m.Name("get")))):
            assert isinstance(node, cst.Call)
            return 1 <= len(node.args) <= 2 and literal_str(node.args[0].value) == "content"
        return False

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if self._is_content(original_node):
            return cst.parse_expression(_CONTENT)
        if (
            m.matches(updated_node.func, m.Name("content_str"))
            and len(updated_node.args) == 1
            and code_of(updated_node.args[0].value) == _CONTENT
        ):
            return updated_node.args[0].value
        return updated_node

    def leave_Subscript(self, original_node: cst.Subscript, updated_node: cst.Subscript) -> cst.BaseExpression:
        if self._is_content(original_node):
            return cst.parse_expression(_CONTENT)
        return updated_node


def from_predicate(predicate: cst.BaseExpression | None, sources: list[str] | None) -> Condition | None:
    """The v0.4 condition for a v0.2 ``is_termination_msg`` (``None`` predicate: v0.2's default).

    Args:
        predicate: The v0.2 ``is_termination_msg`` expression, or ``None`` for the default.
        sources: Code for the names of the agents whose messages the predicate saw (``None``: all).

    Returns:
        The condition, or ``None`` when the predicate is not simple.
    """
    if predicate is None:
        body = DEFAULT_IS_TERMINATION
    else:
        if not isinstance(predicate, cst.Lambda):
            return None
        params = predicate.params
        if len(params.params) != 1 or params.star_arg not in (cst.MaybeSentinel.DEFAULT, None) or params.kwonly_params:
            return None
        if params.posonly_params or params.star_kwarg is not None:
            return None
        param = params.params[0].name.value
        used = {n.value for n in m.findall(predicate.body, m.Name()) if isinstance(n, cst.Name)}
        if used & {"message", "messages", "BaseTextChatMessage"} - {param}:
            return None
        new_body = predicate.body.visit(_Content(param))
        if not isinstance(new_body, cst.BaseExpression) or m.findall(new_body, m.Name(param)):
            return None
        mention = _mention(new_body)
        if mention is not None:
            source_code = f", sources=[{', '.join(sources)}]" if sources else ""
            return Condition(
                f"TextMentionTermination({mention}{source_code})",
                (("autogen_agentchat.conditions", "TextMentionTermination"),),
            )
        body = code_of(new_body)
    source_check = ""
    if sources:
        source_check = (
            f" and message.source == {sources[0]}"
            if len(sources) == 1
            else f" and message.source in ({', '.join(sources)},)"
        )
    return Condition(
        "FunctionalTermination(lambda messages: any(isinstance(message, BaseTextChatMessage)"
        f"{source_check} and ({body}) for message in messages))",
        (
            ("autogen_agentchat.conditions", "FunctionalTermination"),
            ("autogen_agentchat.messages", "BaseTextChatMessage"),
        ),
    )


def _mention(body: cst.BaseExpression) -> str | None:
    """``"TEXT" in message.content`` -> the literal's code (TextMentionTermination is then exact)."""
    if (
        isinstance(body, cst.Comparison)
        and len(body.comparisons) == 1
        and isinstance(body.comparisons[0].operator, cst.In)
        and isinstance(body.left, cst.SimpleString)
        and code_of(body.comparisons[0].comparator) == _CONTENT
    ):
        return code_of(body.left)
    return None


def combine(conditions: list[str]) -> str:
    """``a | b | c``."""
    return " | ".join(conditions)
