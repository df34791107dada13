"""Notebooks: code cells only, magics protected, the rest of the JSON kept, idempotent."""

from __future__ import annotations

import json

import pytest

from agentkit.exceptions import MigrationError
from agentkit.migrate.codemods import migrate_notebook

from ._project import notebook_json


def _sources(text: str) -> list[str]:
    return ["".join(cell["source"]) for cell in json.loads(text)["cells"]]


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
