"""Score ``agentkit migrate code`` on a directory of pyautogen v0.2 programs (``.py`` / ``.ipynb``).

Usage: ``python benchmarks/score_migrate_code.py DIR [--list]``. The directory is copied to a temporary
directory first (nothing under ``DIR`` is written). For every program it reports whether the migrated file is
free of v0.2 imports, whether a second run changes nothing (idempotency), the TODOs left, and whether the tool
crashed (an exception other than a reported parse error). Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

from agentkit.migrate.codemods import migrate_notebook, migrate_source

V02_IMPORT = re.compile(r"^[ \t]*(?:import|from)[ \t]+autogen\b(?![_\w])", re.M)
TODO = re.compile(r"# TODO\[agentkit AK\d{3}\]")


def _code_of(path: Path, text: str) -> str:
    if path.suffix != ".ipynb":
        return text
    cells = json.loads(text).get("cells", [])
    return "\n".join(
        "".join(c.get("source", "")) if isinstance(c.get("source"), list) else str(c.get("source", ""))
        for c in cells
        if isinstance(c, dict) and c.get("cell_type") == "code"
    )


def _migrate(path: Path, text: str) -> str:
    if path.suffix == ".ipynb":
        return migrate_notebook(text, filename=str(path)).code
    return migrate_source(text, filename=str(path)).code


def score(directory: Path) -> dict[str, object]:
    """Migrate a copy of ``directory`` twice and score every program (see the module docstring)."""
    rows: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "programs"
        shutil.copytree(directory, root)
        for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".ipynb")):
            name = str(path.relative_to(root))
            original = path.read_text(encoding="utf-8")
            if not V02_IMPORT.search(_code_of(path, original)):
                continue
            row: dict[str, object] = {}
            try:
                first = _migrate(path, original)
                second = _migrate(path, first)
            except Exception as error:  # a crash is what this script measures
                if type(error).__name__ == "MigrationError":
                    row["error"] = str(error)
                else:
                    row["crash"] = "".join(traceback.format_exception_only(type(error), error)).strip()
                rows[name] = row
                continue
            code = _code_of(path, first)
            row["free"] = not V02_IMPORT.search(code)
            row["idempotent"] = first == second
            row["todos"] = len(TODO.findall(code))
            rows[name] = row
    total = len(rows)
    return {
        "programs": total,
        "free_of_v02_imports": sum(1 for r in rows.values() if r.get("free")),
        "idempotent": sum(1 for r in rows.values() if r.get("idempotent")),
        "crashes": sum(1 for r in rows.values() if "crash" in r),
        "parse_errors": sum(1 for r in rows.values() if "error" in r),
        "todos": sum(int(r.get("todos", 0)) for r in rows.values()),  # type: ignore[call-overload]
        "files": rows,
    }


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--list", action="store_true", help="include the per-file rows")
    args = parser.parse_args(argv)
    if not args.directory.is_dir():
        sys.stderr.write(f"score_migrate_code: {args.directory} is not a directory\n")
        return 2
    result = score(args.directory)
    if not args.list:
        result.pop("files")
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
