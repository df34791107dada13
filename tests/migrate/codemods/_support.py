"""Helpers for the codemod tests: before/after checks, idempotence, compile + import resolution."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import textwrap
from collections.abc import Sequence

from agentkit.migrate.codemods import MigrationResult, migrate_source

# Modules whose import needs an optional extra that is not installed here: their file must define the name.
NEEDS_EXTRA = {"autogen_ext.code_executors.docker": "docker"}


def dedent(code: str) -> str:
    return textwrap.dedent(code).lstrip("\n")


def check(before: str, after: str, rules: Sequence[str] | None) -> MigrationResult:
    """Migrate ``before`` with ``rules`` (None: all), compare with ``after``, and check a second run is a no-op."""
    result = migrate_source(dedent(before), only=rules)
    assert result.code == dedent(after), result.code
    again = migrate_source(result.code, only=rules)
    assert not again.changed, again.diff()
    return result


def assert_resolves(code: str) -> None:
    """The code compiles, and every name it imports exists in the installed v0.4 packages (and agentkit)."""
    tree = ast.parse(code)
    compile(tree, "<migrated>", "exec")
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                assert alias.name.partition(".")[0] != "autogen", f"v0.2 import left: {alias.name}"
                importlib.import_module(alias.name)
        elif isinstance(node, ast.ImportFrom):
            assert node.module is not None
            assert node.module.partition(".")[0] != "autogen", f"v0.2 import left: {node.module}"
            if node.module in NEEDS_EXTRA:
                spec = importlib.util.find_spec(node.module)
                assert spec is not None
                assert spec.submodule_search_locations is not None
                for alias in node.names:
                    source = "".join(
                        path.read_text()
                        for location in spec.submodule_search_locations
                        for path in __import__("pathlib").Path(location).glob("*.py")
                    )
                    assert f"class {alias.name}(" in source
                continue
            module = importlib.import_module(node.module)
            for alias in node.names:
                assert hasattr(module, alias.name), f"{node.module}.{alias.name} does not exist"
