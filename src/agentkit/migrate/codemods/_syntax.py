"""Syntax helpers shared by the rules: v0.2 signatures, name resolution through imports, literals, arguments.

Pure functions on LibCST nodes; no rule state. ``resolve_v02`` matches v0.2 names through the module's own
imports (``import autogen as ag``, ``from autogen.agentchat import X``), and v0.4 packages
(``autogen_agentchat`` ...) never match - which is what makes a second run a no-op.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import libcst as cst
from libcst.metadata import QualifiedName

_EMPTY = cst.Module(body=[])

SIGNATURES: dict[str, tuple[str, ...]] = {
    "ConversableAgent": (
        "name",
        "system_message",
        "is_termination_msg",
        "max_consecutive_auto_reply",
        "human_input_mode",
        "function_map",
        "code_execution_config",
        "llm_config",
        "default_auto_reply",
        "description",
        "chat_messages",
        "silent",
    ),
    "AssistantAgent": (
        "name",
        "system_message",
        "llm_config",
        "is_termination_msg",
        "max_consecutive_auto_reply",
        "human_input_mode",
        "description",
    ),
    "UserProxyAgent": (
        "name",
        "is_termination_msg",
        "max_consecutive_auto_reply",
        "human_input_mode",
        "function_map",
        "code_execution_config",
        "default_auto_reply",
        "llm_config",
        "system_message",
        "description",
    ),
    "GroupChat": (
        "agents",
        "messages",
        "max_round",
        "admin_name",
        "func_call_filter",
        "speaker_selection_method",
        "max_retries_for_selecting_speaker",
        "allow_repeat_speaker",
    ),
    "GroupChatManager": ("groupchat", "name", "max_consecutive_auto_reply", "human_input_mode", "system_message"),
    "initiate_chat": ("recipient", "clear_history", "silent", "cache", "max_turns", "summary_method", "summary_args"),
    "register_function": ("f",),
}

AGENT_CLASSES = frozenset({"ConversableAgent", "AssistantAgent", "UserProxyAgent"})


def code_of(node: cst.CSTNode) -> str:
    """Source code of a node."""
    return _EMPTY.code_for_node(node)


class _Aliases(cst.CSTVisitor):
    """Local names bound by ``import autogen...`` / ``from autogen... import ...`` anywhere in a module."""

    def __init__(self) -> None:
        super().__init__()
        self.aliases: dict[str, str] = {}
        self.star: list[str] = []
        self.names: set[str] = set()

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            dotted = code_of(alias.name)
            if dotted.partition(".")[0] == "autogen":
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.aliases[alias.asname.name.value] = dotted
                else:
                    self.aliases["autogen"] = "autogen"
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if node.relative or node.module is None:
            return False
        module = code_of(node.module)
        if isinstance(node.names, cst.ImportStar):
            if module in ("autogen", "autogen.agentchat"):
                self.star.append(module)
            return False
        if module.partition(".")[0] == "autogen":
            for alias in node.names:
                local = alias.asname.name if alias.asname is not None else alias.name
                if isinstance(local, cst.Name):
                    self.aliases[local.value] = f"{module}.{code_of(alias.name)}"
        return False


def import_aliases(module: cst.Module) -> dict[str, str]:
    """``{local name: dotted v0.2 name}`` for every ``autogen`` import in the module.

    Scope-insensitive by design (a local variable shadowing an imported v0.2 name is not considered): it
    spares the scope analysis that dominated the run time, and v0.2 scripts rarely shadow these names.
    """
    visitor = _Aliases()
    module.visit(visitor)
    if visitor.star:
        visitor.names = {n.value for n in _names(module)}
        for name in STAR_NAMES & visitor.names:
            visitor.aliases.setdefault(name, f"{visitor.star[0]}.{name}")
    return visitor.aliases


STAR_NAMES = frozenset(
    {
        "AssistantAgent",
        "UserProxyAgent",
        "ConversableAgent",
        "GroupChat",
        "GroupChatManager",
        "Agent",
        "ChatResult",
        "Cache",
        "register_function",
        "config_list_from_json",
        "config_list_from_dotenv",
        "config_list_openai_aoai",
        "config_list_from_models",
        "config_list_gpt4_gpt35",
        "get_config_list",
        "filter_config",
        "OpenAIWrapper",
        "runtime_logging",
    }
)
"""v0.2 names a ``from autogen import *`` is assumed to provide when the module reads them."""


def _names(module: cst.Module) -> list[cst.Name]:
    found: list[cst.Name] = []

    class _Collect(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.append(node)

    module.visit(_Collect())
    return found


def dotted_name(node: cst.CSTNode) -> str | None:
    """``a.b.c`` for a ``Name`` / ``Attribute`` chain, else ``None``."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        root = dotted_name(node.value)
        return None if root is None else f"{root}.{node.attr.value}"
    return None


def resolve_v02(aliases: dict[str, str], node: cst.CSTNode) -> str | None:
    """The dotted name below ``autogen`` that ``node`` refers to through the module's imports, or ``None``."""
    dotted = dotted_name(node)
    if dotted is None:
        return None
    head, _, rest = dotted.partition(".")
    target = aliases.get(head)
    if target is None:
        return None
    full = f"{target}.{rest}" if rest else target
    root, _, below = full.partition(".")
    return below if root == "autogen" and below else None


def v02_name(qualified_names: Collection[QualifiedName]) -> str | None:
    """The dotted name below ``autogen`` if a node refers to a pyautogen v0.2 object, else ``None``.

    ``autogen.agentchat.AssistantAgent`` -> ``"agentchat.AssistantAgent"``. v0.4 packages are named
    ``autogen_agentchat`` / ``autogen_core`` / ``autogen_ext`` and never match.
    """
    for qualified in qualified_names:
        head, _, rest = qualified.name.partition(".")
        if head == "autogen" and rest:
            return rest
    return None


def short(dotted: str | None) -> str | None:
    """Last component of a dotted v0.2 name, unless it lives in ``contrib`` (those are matched in full)."""
    if dotted is None or ".contrib." in f".{dotted}.":
        return None
    return dotted.rpartition(".")[2]


def literal_str(node: cst.BaseExpression | None) -> str | None:
    """The value of a simple string literal, else ``None``."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def literal_int(node: cst.BaseExpression | None) -> int | None:
    """The value of an integer literal (optionally negated), else ``None``."""
    if isinstance(node, cst.Integer):
        return int(node.evaluated_value)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = literal_int(node.expression)
        return None if inner is None else -inner
    return None


def is_false_or_none(node: cst.BaseExpression | None) -> bool:
    """``False`` or ``None`` literal."""
    return isinstance(node, cst.Name) and node.value in ("False", "None")


def bind_args(call: cst.Call, params: Sequence[str]) -> dict[str, cst.Arg] | None:
    """Bind a call's arguments to parameter names (positional by ``params`` order).

    Returns ``None`` when the call uses ``*args`` / ``**kwargs`` or more positionals than known - the
    arguments cannot be known statically, so no rule rewrites such a call.
    """
    bound: dict[str, cst.Arg] = {}
    position = 0
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None:
            if position >= len(params):
                return None
            bound[params[position]] = arg
            position += 1
        else:
            bound[arg.keyword.value] = arg
    return bound


def format_call(func: str, args: Sequence[str], width: int = 100) -> str:
    """``func(a, b)`` on one line when short, else one argument per line (``|`` chains split too)."""
    one_line = f"{func}({', '.join(args)})"
    if len(one_line) <= width:
        return one_line
    lines = [f"{func}("]
    for arg in args:
        if " | " in arg and len(arg) > width - 4:
            key, _, value = arg.partition("=")
            if value and key.isidentifier():
                parts = value.split(" | ")
                lines.append(f"    {key}=(")
                lines.extend(f"        {'| ' if i else ''}{part}" for i, part in enumerate(parts))
                lines.append("    ),")
                continue
        lines.append(f"    {arg},")
    lines.append(")")
    return "\n".join(lines)


def kwarg(name: str, value: cst.BaseExpression) -> cst.Arg:
    """A ``name=value`` argument formatted like hand-written code."""
    return cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )


def set_args(call: cst.Call, args: Sequence[cst.Arg]) -> cst.Call:
    """Replace a call's arguments, keeping its comma style (one line or one argument per line)."""
    template: cst.Comma | None = None
    for arg in call.args[:-1]:
        if isinstance(arg.comma, cst.Comma):
            template = arg.comma
            break
    if template is None:
        template = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    last_comma = call.args[-1].comma if call.args else cst.MaybeSentinel.DEFAULT
    fixed: list[cst.Arg] = []
    for index, arg in enumerate(args):
        if index == len(args) - 1:
            fixed.append(arg.with_changes(comma=last_comma))
        else:
            fixed.append(arg.with_changes(comma=template))
    return call.with_changes(args=fixed)


def without(call: cst.Call, names: Collection[str], params: Sequence[str]) -> cst.Call:
    """Drop the named (keyword or positionally bound) arguments of a call.

    Positional arguments after the first become keywords first, so that later ones keep their meaning.
    """
    call = keywordize(call, params, keep_positional=1)
    bound = bind_args(call, params) or {}
    drop = {id(bound[name]) for name in names if name in bound}
    return set_args(call, [arg for arg in call.args if id(arg) not in drop])


def keywordize(call: cst.Call, params: Sequence[str], keep_positional: int) -> cst.Call:
    """Turn positional arguments after the first ``keep_positional`` into keywords (v0.4 signatures differ)."""
    args: list[cst.Arg] = []
    position = 0
    for arg in call.args:
        if arg.keyword is None and not arg.star:
            if position >= keep_positional and position < len(params):
                arg = kwarg(params[position], arg.value).with_changes(comma=arg.comma)
            position += 1
        args.append(arg)
    return call.with_changes(args=args)


def replace_arg(call: cst.Call, old: cst.Arg, new: cst.Arg) -> cst.Call:
    """Replace one argument (by identity), keeping its comma."""
    return call.with_changes(args=[new.with_changes(comma=a.comma) if a is old else a for a in call.args])


def mapping_get(node: cst.BaseExpression, key: str) -> cst.BaseExpression | None:
    """The value of a string key in a dict literal, else ``None``."""
    if isinstance(node, cst.Dict):
        for element in node.elements:
            if isinstance(element, cst.DictElement) and literal_str(element.key) == key:
                return element.value
    return None


def mapping_keys(node: cst.Dict) -> list[str] | None:
    """The string keys of a dict literal (``None`` if a key is not a string literal or ``**`` is used)."""
    keys: list[str] = []
    for element in node.elements:
        if not isinstance(element, cst.DictElement):
            return None
        key = literal_str(element.key)
        if key is None:
            return None
        keys.append(key)
    return keys
