"""The before/after pairs on docs/migrate-code.md are what the tool really produces."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agentkit.migrate.codemods import Rule, migrate_source

PAGE = Path(__file__).resolve().parents[3] / "docs" / "migrate-code.md"
SECTION = re.compile(
    r"^### (AK\d{3}): .*?^Before:\n\n```py\n(.*?)^```\n\nAfter `agentkit migrate code --only \1`:\n\n```py\n(.*?)^```",
    re.S | re.M,
)


def _pairs() -> list[tuple[str, str, str]]:
    return SECTION.findall(PAGE.read_text(encoding="utf-8"))


def test_every_rule_has_a_pair() -> None:
    assert sorted(code for code, _, _ in _pairs()) == [rule.value for rule in Rule]


@pytest.mark.parametrize(("code", "before", "after"), _pairs(), ids=lambda value: value[:5])
def test_pair_matches_the_tool(code: str, before: str, after: str) -> None:
    assert migrate_source(before, only=[code]).code == after
