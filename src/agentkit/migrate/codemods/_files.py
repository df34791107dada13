"""Migrating files and trees: ``.py`` files, ``.ipynb`` notebooks (code cells only), atomic writes."""

from __future__ import annotations

import ast
import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ...exceptions import MigrationError
from ._engine import MigrationResult, migrate_source
from ._rules import Rule

__all__ = ("FileResult", "PathsReport", "migrate_notebook", "migrate_paths")

_V02_IMPORT = re.compile(r"^[ \t]*(?:import|from)[ \t]+autogen\b(?![_\w])", re.M)
_V02_KEYWORD = re.compile(
    r"(?<![\w.])(?:llm_config|human_input_mode|code_execution_config|max_consecutive_auto_reply|is_termination_msg|"
    r"function_map|default_auto_reply)=(?!=)"
)
_TODO = re.compile(r"# TODO\[agentkit AK\d{3}\]")


def _code(path: Path, text: str) -> str:
    """The Python code of a file (a notebook's code cells)."""
    if path.suffix != ".ipynb":
        return text
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):
        return ""
    return "\n".join(_join(c.get("source", "")) for c in cells if isinstance(c, dict) and c.get("cell_type") == "code")


SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".venv", "venv", "__pycache__", "node_modules", ".tox", ".mypy_cache"})
_MAGIC = re.compile(r"^(\s*)([%!?]|\w+\?\s*$)")
# Magic placeholders and the first cell's marker are import statements, the other markers are not: the imports
# the rules add then go below the first cell's own imports and magics, and stay in that cell.
_FIRST_CELL = "import __agentkit_cell_0__"
_CELL = "__agentkit_cell_{}__"
_HIDDEN = "import __agentkit_magic_{}__"


@dataclass(frozen=True)
class FileResult:
    """The outcome for one file.

    Attributes:
        path: The file.
        result: The migration (``None`` when the file could not be read or parsed).
        error: Why the file was not migrated (``None`` on success).
    """

    path: Path
    result: MigrationResult | None
    error: str | None = None

    @property
    def changed(self) -> bool:
        """Whether the migration changes the file."""
        return self.result is not None and self.result.changed

    @property
    def todo_count(self) -> int:
        """``# TODO[agentkit ...]`` markers left in the migrated file."""
        return 0 if self.result is None else len(_TODO.findall(_code(self.path, self.result.code)))

    @property
    def depends_on_v02(self) -> bool:
        """Whether the migrated file still imports pyautogen v0.2, passes a v0.2-only keyword or has a TODO left."""
        if self.result is None:
            return False
        code = _code(self.path, self.result.code)
        return bool(_V02_IMPORT.search(code) or _V02_KEYWORD.search(code) or _TODO.search(code))

    @property
    def outcome(self) -> str:
        """``"runs on v0.4"``, ``"needs manual work (N TODOs)"``, ``"no v0.2 code"`` or ``"error: ..."``."""
        if self.error is not None:
            return f"error: {self.error}"
        assert self.result is not None
        if not _V02_IMPORT.search(_code(self.path, self.result.original)):
            return "no v0.2 code"
        if self.depends_on_v02:
            return f"needs manual work ({self.todo_count} TODOs)"
        return "runs on v0.4"


@dataclass(frozen=True)
class PathsReport:
    """The outcome of :func:`migrate_paths`.

    Attributes:
        files: One entry per file looked at, in path order.
        written: Whether changed files were written back.
    """

    files: tuple[FileResult, ...]
    written: bool
    applied: Mapping[Rule, int] = field(default_factory=lambda: MappingProxyType({}))
    todos: Mapping[Rule, int] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def changed(self) -> tuple[FileResult, ...]:
        """Files the migration changes (or changed)."""
        return tuple(f for f in self.files if f.changed)

    @property
    def errors(self) -> tuple[FileResult, ...]:
        """Files that could not be migrated."""
        return tuple(f for f in self.files if f.error is not None)

    @property
    def pending_v02(self) -> tuple[FileResult, ...]:
        """Files that still depend on pyautogen v0.2 after the migration (manual work left)."""
        return tuple(f for f in self.files if f.depends_on_v02)

    def summary(self) -> str:
        """A human-readable summary: files, rules applied and TODOs per rule."""
        verb = "changed" if self.written else "would change"
        lines = [
            f"{len(self.files)} file(s) scanned, {len(self.changed)} {verb}, {len(self.errors)} could not be migrated",
            f"{len(self.pending_v02)} file(s) need manual work (still depend on v0.2)",
        ]
        if self.applied:
            lines.append("rules applied: " + ", ".join(f"{rule.value} x{n}" for rule, n in self.applied.items()))
        if self.todos:
            lines.append("TODOs: " + ", ".join(f"{rule.value} x{n}" for rule, n in self.todos.items()))
        lines.extend(f"error: {f.error}" for f in self.errors)
        return "\n".join(lines)


def iter_python_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """``.py`` and ``.ipynb`` files under the given paths (files given directly are always included)."""
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found: list[Path] = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                found.extend(Path(root) / name for name in files if name.endswith((".py", ".ipynb")))
            candidates = sorted(found)
        elif not path.exists():
            raise FileNotFoundError(f"{path}: no such file or directory")
        else:
            candidates = [path]
        for candidate in candidates:
            if candidate not in seen:
                seen.add(candidate)
                yield candidate


def migrate_paths(
    paths: Iterable[str | os.PathLike[str]],
    *,
    only: Iterable[Rule | str] | None = None,
    disable: Iterable[Rule | str] | None = None,
    write: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> PathsReport:
    """Migrate ``.py`` files and notebooks under ``paths``; a file that fails never stops the others.

    Args:
        paths: Files or directories (searched recursively, skipping hidden and virtualenv directories).
        only: Run only these rules.
        disable: Do not run these rules.
        write: Write changed files back (atomically: a temp file, then ``os.replace``).
        progress: Called as ``progress(done, total)`` after each file.

    Returns:
        What happened to each file, with totals per rule.
    """
    only_list = list(only) if only is not None else None
    disable_list = list(disable or ())
    files = list(iter_python_files(paths))
    results: list[FileResult] = []
    applied: Counter[Rule] = Counter()
    todos: Counter[Rule] = Counter()
    for done, path in enumerate(files, start=1):
        if path.suffix not in (".py", ".ipynb"):
            results.append(
                FileResult(path, None, f"{path}: not a Python file or notebook (.py / .ipynb); not migrated")
            )
            continue
        try:
            with open(path, encoding="utf-8", newline="") as stream:  # keep \r\n line endings as they are
                text = stream.read()
            if path.suffix == ".ipynb":
                result = migrate_notebook(text, only=only_list, disable=disable_list, filename=str(path))
            else:
                result = migrate_source(text, only=only_list, disable=disable_list, filename=str(path))
        except (MigrationError, OSError, UnicodeDecodeError) as error:
            results.append(
                FileResult(path, None, str(error) if isinstance(error, MigrationError) else f"{path}: {error}")
            )
        else:
            if write and result.changed:
                write_atomic(path, result.code)
            applied.update(result.applied)
            todos.update(result.todos)
            results.append(FileResult(path, result))
        if progress is not None:
            progress(done, len(files))
    return PathsReport(
        files=tuple(results),
        written=write,
        applied=MappingProxyType(dict(sorted(applied.items()))),
        todos=MappingProxyType(dict(sorted(todos.items()))),
    )


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path``'s content in one step, keeping its permissions."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def migrate_notebook(
    text: str,
    *,
    only: Iterable[Rule | str] | None = None,
    disable: Iterable[Rule | str] | None = None,
    filename: str = "<notebook>",
) -> MigrationResult:
    """Migrate the code cells of a notebook; everything else in its JSON is kept as it was.

    The code cells are migrated together (an agent built in one cell and used in another is followed), with
    IPython magics and shell lines (``%...``, ``!...``, ``?``) protected. Cells that are not Python (cell
    magics such as ``%%bash``, syntax errors) are left alone. Chats are started with top-level ``await`` -
    ``asyncio.run`` fails inside Jupyter's running event loop. Imports the rules add land in the first cell.

    Raises:
        MigrationError: The notebook is not valid notebook JSON.
    """
    try:
        notebook = json.loads(text)
        cells = notebook["cells"]
        if not isinstance(cells, list):
            raise TypeError("cells is not a list")
    except (ValueError, KeyError, TypeError) as error:
        raise MigrationError(f"{filename}: not a notebook ({error})") from None
    hidden: dict[str, str] = {}
    chunks: list[str] = []
    indices: list[int] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = _join(cell.get("source", ""))
        protected = _protect(source, hidden)
        if protected is None:
            continue
        indices.append(index)
        marker = _FIRST_CELL if len(indices) == 1 else _CELL.format(len(indices) - 1)
        chunks.append(f"{marker}\n{protected}\n")
    if not chunks:
        return MigrationResult(original=text, code=text)
    combined = "".join(chunks)
    result = migrate_source(combined, only=only, disable=disable, filename=filename, top_level_await=True)
    if not result.changed:
        return MigrationResult(original=text, code=text, applied=result.applied, todos=result.todos)
    parts = re.split(r"^(?:import )?__agentkit_cell_(\d+)__\n", result.code, flags=re.M)
    new_sources: dict[int, str] = {}
    head = parts[0]  # imports the rules added above the first marker
    for number, body in zip(parts[1::2], parts[2::2], strict=True):
        new_sources[int(number)] = body
    if head.strip():
        new_sources[0] = head + new_sources.get(0, "")
    for number, index in enumerate(indices):
        cell = cells[index]
        original = _join(cell.get("source", ""))
        body = new_sources.get(number, "")
        new = _restore(body[:-1] if body.endswith("\n") else body, hidden)
        if not original.endswith("\n"):
            new = new.rstrip("\n")
        if new != original:
            cell["source"] = _split(new) if isinstance(cell.get("source"), list) else new
    new_text = json.dumps(notebook, indent=_indent(text), ensure_ascii=False) + ("\n" if text.endswith("\n") else "")
    return MigrationResult(original=text, code=new_text, applied=result.applied, todos=result.todos)


def _join(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def _split(source: str) -> list[str]:
    return source.splitlines(keepends=True)


def _indent(text: str) -> int:
    match = re.search(r"^\{\s*\n( +)\"", text)
    return len(match.group(1)) if match else 1


def _protect(source: str, hidden: dict[str, str]) -> str | None:
    """Replace magic / shell lines by placeholder statements; ``None`` if the cell is not Python."""
    if source.lstrip().startswith("%%"):
        return None
    lines = []
    for line in source.split("\n"):
        match = _MAGIC.match(line)
        if match:
            key = _HIDDEN.format(len(hidden))
            hidden[key] = line
            line = f"{match.group(1)}{key}"
        lines.append(line)
    protected = "\n".join(lines)
    try:
        compile(protected, "<cell>", "exec", flags=ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError:
        return None
    return protected


def _restore(source: str, hidden: dict[str, str]) -> str:
    if not hidden:
        return source
    lines = []
    for line in source.split("\n"):
        key = line.strip()
        lines.append(hidden.get(key, line))
    return "\n".join(lines)
