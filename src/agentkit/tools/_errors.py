"""One-line policy errors: pydantic's multi-line validation dumps become ``file: key: problem. Fix.``."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ..exceptions import ConfigurationError

__all__ = ("one_line", "policy_error")

_FIXES: dict[str, str] = {
    "extra_forbidden": "Remove the key or correct its spelling (see the ToolPolicy reference in docs/tools.md).",
    "missing": "Add the key.",
    "literal_error": "Use one of the values listed.",
    "bool_type": "Use true or false.",
    "bool_parsing": "Use true or false.",
    "int_type": "Use a whole number.",
    "int_parsing": "Use a whole number.",
    "int_from_float": "Use a whole number.",
    "float_type": "Use a number.",
    "float_parsing": "Use a number.",
    "finite_number": "Use a finite number.",
    "string_type": "Use a string.",
    "list_type": "Use a list, e.g. [a, b].",
    "dict_type": "Use a mapping of names to rules.",
    "model_type": "Use a mapping of rule names to values.",
    "model_attributes_type": "Use a mapping of rule names to values.",
    "greater_than": "Use a larger value.",
    "greater_than_equal": "Use a larger value.",
    "less_than": "Use a smaller value.",
    "less_than_equal": "Use a smaller value.",
    "too_short": "Add at least one item.",
    "json_invalid": "Fix the JSON syntax.",
}


def one_line(text: str) -> str:
    """Collapse whitespace (newlines included) so a message stays on one line."""
    return " ".join(text.split())


def _key(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "policy"


def policy_error(error: ValidationError, source: str | None = None) -> ConfigurationError:
    """A one-line :class:`ConfigurationError` naming ``source`` (the file, if any), the key and the fix."""
    details = error.errors(include_url=False, include_input=False)
    if not details:  # pragma: no cover - pydantic always reports at least one error
        return ConfigurationError(source or "policy", "is invalid.", "Check it against docs/tools.md.")
    first = details[0]
    key = _key(tuple(first.get("loc", ())))
    inner = (first.get("ctx") or {}).get("error")
    if isinstance(inner, ConfigurationError):  # a nested rule's own one-line error: re-anchor its key here
        if first.get("loc"):
            key = f"{key}.{inner.field.split(': ')[-1]}" if inner.field != "policy" else key
        else:
            key = inner.field
        more = len(details) - 1
        problem = inner.problem + (f" ({more} more problem{'s' if more > 1 else ''} after this one.)" if more else "")
        return ConfigurationError(f"{source}: {key}" if source else key, problem, inner.fix)
    loc = tuple(first.get("loc", ()))
    branches = [d for d in details if tuple(d.get("loc", ()))[:-1] == loc[:-1]] if loc else []
    if len(branches) > 1 and all(
        isinstance(tuple(d["loc"])[-1], str) and str(d.get("type", "")).endswith(("_type", "_parsing"))
        for d in branches
    ):
        # a union (e.g. allowed_values items): pydantic reports one error per accepted type, tagged by type
        tags = ", ".join(str(tuple(d["loc"])[-1]).replace("none", "null") for d in branches)
        key = _key(loc[:-1])
        more = len(details) - len(branches)
        problem = f"matches none of the accepted types ({tags})."
        if more:
            problem += f" ({more} more problem{'s' if more > 1 else ''} after this one.)"
        return ConfigurationError(f"{source}: {key}" if source else key, problem, "Use a value of one of those types.")
    kind = str(first.get("type", ""))
    message = str(first.get("msg", "is invalid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if kind == "extra_forbidden":
        message = "is not a known key"
    fix = _FIXES.get(kind, "")
    if "Fix:" in message:  # our own validators carry their fix after "Fix:"
        message, _, fix = message.partition("Fix:")
    more = len(details) - 1
    problem = one_line(message).rstrip(".") + "."
    if more:
        problem += f" ({more} more problem{'s' if more > 1 else ''} after this one.)"
    field = f"{source}: {key}" if source else key
    fix = one_line(fix) or "Check the value against the ToolPolicy reference in docs/tools.md."
    return ConfigurationError(field, problem, fix[:1].upper() + fix[1:])
