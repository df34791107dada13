"""Applying the import changes the rules scheduled: add ``from m import n``, drop unused v0.2 imports.

A small replacement for LibCST's ``AddImportsVisitor`` / ``RemoveImportsVisitor`` (which resolve scope
metadata and cost most of the run time on small files). Only top-level imports are edited. An added name goes
into an existing ``from module import ...`` statement when there is one, else into a new statement after the
last top-level import. A scheduled removal happens only when the bound name is no longer read anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from ._base import code_of

__all__ = ("ImportEdits", "apply_import_edits")


@dataclass
class ImportEdits:
    """Scheduled import changes: ``(module, name | None, asname | None)`` triples."""

    add: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    remove: list[tuple[str, str | None]] = field(default_factory=list)
    comments: dict[tuple[str, str | None], str] = field(default_factory=dict)
    prelude: list[str] = field(default_factory=list)
    """Statements to put right after the module's leading imports (e.g. a shared event loop)."""
    """A comment line to put above a *new* import statement (a TODO marker)."""

    def __bool__(self) -> bool:
        return bool(self.add or self.remove or self.prelude)


class _Reads(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)


def _local(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return code_of(alias.name).partition(".")[0]


def apply_import_edits(module: cst.Module, edits: ImportEdits) -> cst.Module:
    """Apply ``edits`` to the module's top-level imports (see the module docstring)."""
    if not edits:
        return module
    reads = _Reads()
    module.visit(reads)
    body = list(module.body)
    # Removals.
    for index, statement in enumerate(body):
        if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
            continue
        small = statement.body[0]
        if isinstance(small, cst.ImportFrom) and small.module is not None and not small.relative:
            if isinstance(small.names, cst.ImportStar):
                continue
            module_name = code_of(small.module)
            drop = {
                id(alias)
                for alias in small.names
                if (
                    (module_name, code_of(alias.name)) in edits.remove
                    or (
                        module_name.partition(".")[0] == "autogen"
                        and ("autogen.*", code_of(alias.name)) in edits.remove
                    )
                )
                and _local(alias) not in reads.names
            }
            if drop:
                kept = [alias for alias in small.names if id(alias) not in drop]
                if kept:
                    kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                    body[index] = statement.with_changes(body=[small.with_changes(names=kept)])
                else:
                    body[index] = cst.RemovalSentinel.REMOVE  # type: ignore[call-overload]
        elif isinstance(small, cst.Import):
            kept_aliases = [
                alias
                for alias in small.names
                if not ((code_of(alias.name), None) in edits.remove and _local(alias) not in reads.names)
            ]
            if len(kept_aliases) != len(small.names):
                if kept_aliases:
                    kept_aliases[-1] = kept_aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                    body[index] = statement.with_changes(body=[small.with_changes(names=kept_aliases)])
                else:
                    body[index] = cst.RemovalSentinel.REMOVE  # type: ignore[call-overload]
    statements: list[cst.BaseStatement] = []
    for index, statement in enumerate(body):
        if isinstance(statement, cst.RemovalSentinel):
            original = module.body[index]
            # Keep comments that sat above a removed import (they may be TODO markers).
            comments = [line for line in original.leading_lines if line.comment is not None]
            if comments and index + 1 < len(body) and not isinstance(body[index + 1], cst.RemovalSentinel):
                following = body[index + 1]
                assert isinstance(following, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
                body[index + 1] = following.with_changes(leading_lines=[*comments, *following.leading_lines])
            continue
        assert isinstance(statement, cst.BaseStatement)
        statements.append(statement)
    # Additions.
    bound = _bound_names(statements)
    for module_name, name, asname in sorted(edits.add, key=lambda e: (e[1] is not None, e[0], e[1] or "")):
        if (module_name, name, asname) in bound:
            continue
        statements = _add(statements, module_name, name, asname, edits.comments.get((module_name, name)))
        bound.add((module_name, name, asname))
    if edits.prelude:
        position = 0
        for index, existing in enumerate(statements):
            if _is_import(existing) or (index == 0 and _is_docstring(existing)):
                position = index + 1
            else:
                break
        new = [cst.parse_statement(line + "\n") for line in edits.prelude]
        new[0] = new[0].with_changes(leading_lines=[cst.EmptyLine(indent=False)])
        statements = [*statements[:position], *new, *statements[position:]]
    return module.with_changes(body=_separate(statements))


def _separate(statements: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
    """One blank line between the leading imports and the code after them (edits may have removed it)."""
    for index, statement in enumerate(statements):
        if _is_import(statement) or (index == 0 and _is_docstring(statement)):
            continue
        if not isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            return statements
        if index == 0 or (statement.leading_lines and statement.leading_lines[0].comment is None):
            return statements
        fixed = statement.with_changes(leading_lines=[cst.EmptyLine(indent=False), *statement.leading_lines])
        return [*statements[:index], fixed, *statements[index + 1 :]]
    return statements


def _bound_names(statements: list[cst.BaseStatement]) -> set[tuple[str, str | None, str | None]]:
    bound: set[tuple[str, str | None, str | None]] = set()
    for statement in statements:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.ImportFrom) and small.module is not None and not small.relative:
                if isinstance(small.names, cst.ImportStar):
                    continue
                for alias in small.names:
                    asname = _local(alias) if alias.asname is not None else None
                    bound.add((code_of(small.module), code_of(alias.name), asname))
            elif isinstance(small, cst.Import):
                for alias in small.names:
                    bound.add((code_of(alias.name), None, _local(alias) if alias.asname is not None else None))
    return bound


def _is_import(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
    )


def _add(
    statements: list[cst.BaseStatement],
    module_name: str,
    name: str | None,
    asname: str | None,
    comment: str | None = None,
) -> list[cst.BaseStatement]:
    if name is not None:
        for index, statement in enumerate(statements):
            if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
                continue
            small = statement.body[0]
            if (
                comment is None
                and isinstance(small, cst.ImportFrom)
                and small.module is not None
                and not small.relative
                and code_of(small.module) == module_name
                and not isinstance(small.names, cst.ImportStar)
                and small.lpar is None
            ):
                new_alias = cst.ImportAlias(
                    name=cst.Name(name), asname=cst.AsName(cst.Name(asname)) if asname else None
                )
                names = [
                    *small.names[:-1],
                    small.names[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                    new_alias,
                ]
                statements = list(statements)
                statements[index] = statement.with_changes(body=[small.with_changes(names=names)])
                return statements
    alias = f" as {asname}" if asname else ""
    text = f"from {module_name} import {name}{alias}\n" if name is not None else f"import {module_name}{alias}\n"
    new = cst.parse_statement(text)
    if comment is not None:
        new = new.with_changes(leading_lines=[cst.EmptyLine(comment=cst.Comment(comment))])
    position = 0
    for index, statement in enumerate(statements):
        if _is_import(statement) or (index == 0 and _is_docstring(statement)):
            position = index + 1
        elif index > position:
            break
        else:
            break
    return [*statements[:position], new, *statements[position:]]


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )
