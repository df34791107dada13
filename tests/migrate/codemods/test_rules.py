"""The rule set: stable codes, descriptions, fixed order, selection, lazy imports, parse errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from agentkit.exceptions import MigrationError
from agentkit.migrate.codemods import Rule, gather_codemods, migrate_source, parse_rules


def test_every_rule_has_a_module_a_description_and_one_codemod() -> None:
    codemods = gather_codemods()
    assert sorted(c.RULE for c in codemods) == list(Rule)
    for codemod in codemods:
        assert codemod.RULE.description
        assert codemod.RULE.description == codemod.DESCRIPTION
        assert codemod.__module__.startswith("agentkit.migrate.codemods._")
    assert [rule.value for rule in Rule] == [f"AK{n:03d}" for n in range(1, 11)]


def test_order_is_fixed_markers_first_imports_last() -> None:
    order = [c.RULE for c in gather_codemods()]
    assert order[0] is Rule.AK010
    assert order[-1] is Rule.AK001
    assert order.index(Rule.AK007) < order.index(Rule.AK008) < order.index(Rule.AK009)
    assert order.index(Rule.AK002) < order.index(Rule.AK003)


def test_only_and_disable_select_rules() -> None:
    assert [c.RULE for c in gather_codemods(only=["ak002", Rule.AK001])] == [Rule.AK002, Rule.AK001]
    assert Rule.AK006 not in [c.RULE for c in gather_codemods(["AK006"])]
    with pytest.raises(ValueError, match="unknown rule 'AK999'"):
        parse_rules(["AK999"])


def test_files_without_autogen_are_not_parsed() -> None:
    result = migrate_source("this is not python (")
    assert not result.changed


def test_parse_error_names_file_and_line() -> None:
    with pytest.raises(MigrationError, match=r"broken\.py:2: cannot parse"):
        migrate_source("import autogen\ndef f(:\n", filename="broken.py")


def test_importing_the_package_does_not_import_libcst() -> None:
    code = (
        "import sys, agentkit.migrate, agentkit.migrate.codemods, agentkit.migrate.codemods._cli\n"
        "print('libcst' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
