"""The threat model in docs/tools.md backs every claim with named tests: each named test must exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOC = HERE.parent.parent / "docs" / "tools.md"
REFERENCE = re.compile(r"`(test_\w+\.py)::(test_\w+)`")


def _threat_model() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text[text.index("## Threat model") : text.index("## Cost")]


def test_every_test_the_threat_model_names_exists() -> None:
    references = REFERENCE.findall(_threat_model())
    assert len(references) >= 30, references
    missing = []
    for file, name in references:
        tree = ast.parse((HERE / file).read_text(encoding="utf-8"))
        defined = {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        if name not in defined:
            missing.append(f"{file}::{name}")
    assert missing == []


def test_every_protection_names_at_least_one_test() -> None:
    protections = _threat_model().split("**What we do not defend against**")[0]
    bullets = [b for b in re.split(r"\n- ", protections)[1:] if b.strip()]
    assert len(bullets) >= 10
    for bullet in bullets:
        assert REFERENCE.search(bullet), bullet[:80]


def test_the_limits_are_stated_plainly() -> None:
    limits = _threat_model().split("**What we do not defend against**")[1]
    for topic in ("Check-then-use races", "DNS", "decode arguments differently from FastMCP"):
        assert topic in limits
