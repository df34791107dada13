"""Arguments as the tool will receive them: FastMCP's JSON pre-parsing, and every string inside a value.

FastMCP (the ``mcp`` package's server, ``FuncMetadata.pre_parse_json``) JSON-decodes a top-level string
argument whose parameter is not annotated exactly ``str`` (``str | list[str]``, ``list[str]``, untyped ...):
``'["../secret.txt"]'`` reaches the function as ``["../secret.txt"]``. The policy judges a string argument in
every form the tool may receive it:

- if FastMCP would decode it (it is JSON for an array, an object or ``null`` - ``json.loads`` succeeds and the
  result is not a ``str``, ``int``, ``float`` or ``bool``), the decoded value is judged;
- the raw string is judged too, unless the tool's JSON schema says the parameter cannot be a string (then a
  server that keeps it a string refuses the call itself).

A client cannot see whether a parameter typed ``"string"`` in the schema is annotated ``str`` (kept) or left
unannotated (decoded), so both readings must pass. :func:`fastmcp_decode` is a port of ``pre_parse_json`` for
one value; ``tests/tools/test_decoding.py`` checks it against the installed ``mcp`` package.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ("delivered_forms", "fastmcp_decode", "non_string_parameters", "strings_in")

_NOT_DECODED = object()
_JSON_SPACE = " \t\n\r"


def fastmcp_decode(value: Any) -> Any:
    """What FastMCP's pre-parsing turns ``value`` into for a parameter not annotated ``str``.

    Returns the decoded value, or the module's ``_NOT_DECODED`` marker when FastMCP would pass ``value`` on
    unchanged. Like FastMCP, only ``json.JSONDecodeError`` means "not JSON"; a ``RecursionError`` from a
    deeply nested document propagates (the policy then refuses the call, fail closed).
    """
    if not isinstance(value, str):
        return _NOT_DECODED
    # only an array, object or null can survive the filter below; skip json.loads for anything else (cheap)
    first = value[:1]
    if first in _JSON_SPACE:  # also "" (empty value): then lstrip finds nothing either
        first = value.lstrip(_JSON_SPACE)[:1]
    if first not in ("[", "{", "n"):
        return _NOT_DECODED
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        return _NOT_DECODED
    if isinstance(parsed, (str, int, float)):  # FastMCP: `isinstance(pre_parsed, str | int | float)`; bool is int
        return _NOT_DECODED
    return parsed


def is_decoded(value: Any) -> bool:
    """Whether :func:`fastmcp_decode` changed something (its result is not the "unchanged" marker)."""
    return value is not _NOT_DECODED


def delivered_forms(value: Any, string_possible: bool) -> tuple[Any, ...]:
    """Every form in which a tool may receive ``value`` (see the module docstring)."""
    decoded = fastmcp_decode(value)
    if decoded is _NOT_DECODED:
        return (value,)
    return (value, decoded) if string_possible else (decoded,)


def _accepts_string(schema: Any, depth: int = 0) -> bool:
    """Whether a JSON schema may accept a string; unknown or unreadable schemas may (fail closed)."""
    if depth > 16 or not isinstance(schema, Mapping):
        return True
    if "$ref" in schema or "not" in schema:
        return True
    if "const" in schema:
        return isinstance(schema["const"], str)
    if "enum" in schema and isinstance(schema["enum"], list):
        return any(isinstance(item, str) for item in schema["enum"])
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list):
            return any(_accepts_string(option, depth + 1) for option in options)
    options = schema.get("allOf")
    if isinstance(options, list) and not all(_accepts_string(option, depth + 1) for option in options):
        return False
    kind = schema.get("type")
    if kind is None:
        return True
    if isinstance(kind, str):
        return kind == "string"
    if isinstance(kind, list):
        return "string" in kind
    return True


def non_string_parameters(parameters: Any) -> frozenset[str]:
    """Names of the parameters whose schema (a tool's ``parameters`` JSON schema) rules out a string."""
    if not isinstance(parameters, Mapping):
        return frozenset()
    properties = parameters.get("properties")
    if not isinstance(properties, Mapping):
        return frozenset()
    return frozenset(str(name) for name, schema in properties.items() if not _accepts_string(schema))


def strings_in(value: Any, max_depth: int) -> Iterator[str | None]:
    """Every string inside ``value`` (list items, object keys and values, at any depth).

    Yields ``None`` for anything that is neither a string nor a container (a number where a path is expected)
    and for containers nested deeper than ``max_depth``; the caller refuses those.
    """
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            yield item
        elif depth >= max_depth:
            yield None
        elif isinstance(item, Mapping):
            for key, inner in item.items():
                stack.append((key, depth + 1))
                stack.append((inner, depth + 1))
        elif isinstance(item, (list, tuple)):
            stack.extend((inner, depth + 1) for inner in item)
        else:
            yield None
