"""Notebooks: code cells only, magics protected, the rest of the JSON kept, idempotent."""

from __future__ import annotations

import json

import pytest

from agentkit.exceptions import MigrationError
from agentkit.migrate.codemods import Rule, migrate_notebook

from ._project import notebook_json


def _sources(text: str) -> list[str]:
    return ["".join(cell["source"]) for cell in json.loads(text)["cells"]]


def test_code_cells_are_migrated_across_cells_and_magics_survive() -> None:
    original = notebook_json()
    result = migrate_notebook(original)
    assert result.changed
    before, after = json.loads(original), json.loads(result.code)
    # Everything but the code cells' sources is untouched.
    for old, new in zip(before["cells"], after["cells"], strict=True):
        assert {k: v for k, v in old.items() if k != "source"} == {k: v for k, v in new.items() if k != "source"}
    assert before["metadata"] == after["metadata"]
    markdown, imports, agents, bash, chat = _sources(result.code)
    assert markdown == "".join(before["cells"][0]["source"])
    assert bash == "%%bash\necho not python"
    assert imports.startswith("%pip install pyautogen\n!ls\n")
    assert "from autogen_agentchat.agents import " in imports
    assert "import autogen\n" not in imports
    assert 'CodeExecutorAgent("user"' in agents
    assert "model_client=translate_config(" in agents
    assert chat.startswith("if True:\n    %time x = 1\n")
    # Jupyter already runs an event loop: top-level await, not asyncio.run.
    assert 'await Console(team.run_stream(task="Hello."))' in chat
    assert "asyncio.run" not in result.code
    assert result.applied[Rule.AK008] == 1
    assert result.code.endswith("\n")
    assert result.code.startswith('{\n "cells": [')  # nbformat's one-space indent kept


def test_second_run_changes_nothing() -> None:
    once = migrate_notebook(notebook_json())
    twice = migrate_notebook(once.code)
    assert not twice.changed


def test_notebook_without_v02_code_is_byte_identical() -> None:
    text = json.dumps({"cells": [{"cell_type": "code", "source": ["print(1)"], "metadata": {}, "outputs": []}]})
    assert migrate_notebook(text).code == text


def test_invalid_notebook_is_an_error() -> None:
    with pytest.raises(MigrationError, match="not a notebook"):
        migrate_notebook("{not json", filename="x.ipynb")
