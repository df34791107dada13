"""Reading OAI_CONFIG_LIST like ``config_list_from_json``: files, environment variables, filter_dict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agentkit.exceptions import ConfigTranslationError
from agentkit.migrate import translate_config

CONFIG_LIST: list[dict[str, Any]] = [
    {"model": "gpt-4o", "tags": ["gpt4", "fast"], "cache_seed": None},
    {"model": "gpt-4o-mini", "tags": ["cheap"], "cache_seed": None},
    {"model": "claude-3-5-haiku-20241022", "api_type": "anthropic", "cache_seed": None},
]


def models(component: dict[str, Any] | None) -> list[str]:
    assert component is not None
    if component["provider"] == "agentkit.models.FailoverChatCompletionClient":
        return [m["client"]["config"]["model"] for m in component["config"]["members"]]
    return [component["config"]["model"]]


def test_file_path(tmp_path: Path) -> None:
    path = tmp_path / "OAI_CONFIG_LIST"
    path.write_text(json.dumps(CONFIG_LIST))
    t = translate_config(str(path))
    assert models(t.component) == ["gpt-4o", "gpt-4o-mini", "claude-3-5-haiku-20241022"]
    assert t.report.source == str(path)
    assert translate_config(path).component == t.component  # PathLike


def test_file_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OAI_CONFIG_LIST", raising=False)
    (tmp_path / "OAI_CONFIG_LIST").write_text(json.dumps(CONFIG_LIST[:1]))
    t = translate_config("OAI_CONFIG_LIST", file_location=str(tmp_path))
    assert models(t.component) == ["gpt-4o"]


def test_env_var_holding_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAI_CONFIG_LIST", json.dumps(CONFIG_LIST[1:2]))
    t = translate_config("OAI_CONFIG_LIST")
    assert models(t.component) == ["gpt-4o-mini"]
    assert t.report.source == "$OAI_CONFIG_LIST"


def test_env_var_holding_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "configs.json"
    path.write_text(json.dumps(CONFIG_LIST[2:]))
    monkeypatch.setenv("MY_CONFIGS", str(path))
    assert models(translate_config("MY_CONFIGS").component) == ["claude-3-5-haiku-20241022"]


def test_env_var_wins_over_a_file_of_the_same_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "OAI_CONFIG_LIST").write_text(json.dumps(CONFIG_LIST[:1]))
    monkeypatch.setenv("OAI_CONFIG_LIST", json.dumps(CONFIG_LIST[1:2]))
    assert models(translate_config("OAI_CONFIG_LIST").component) == ["gpt-4o-mini"]


@pytest.mark.parametrize(
    ("filter_dict", "expected"),
    [
        ({"tags": ["gpt4"]}, ["gpt-4o"]),
        ({"tags": ["fast", "cheap"]}, ["gpt-4o", "gpt-4o-mini"]),
        ({"model": ["gpt-4o-mini", "nope"]}, ["gpt-4o-mini"]),
        ({"model": "gpt-4o"}, ["gpt-4o"]),  # quirk fixed: v0.2 did substring matching on a bare string
        ({"api_type": ["anthropic"]}, ["claude-3-5-haiku-20241022"]),
        ({"model": {"gpt-4o", "gpt-4o-mini"}, "tags": ["cheap"]}, ["gpt-4o-mini"]),
        ({}, ["gpt-4o", "gpt-4o-mini", "claude-3-5-haiku-20241022"]),
    ],
)
def test_filter_dict(filter_dict: dict[str, Any], expected: list[str]) -> None:
    t = translate_config(CONFIG_LIST, filter_dict=filter_dict)
    assert models(t.component) == expected
    dropped = [i for i in t.report.items if i.key == "(entry)"]
    assert len(dropped) == len(CONFIG_LIST) - len(expected)


def test_missing_key_never_matches_even_with_none_accepted() -> None:
    # Kept v0.2 quirk: `_satisfies_criteria(None, ...)` is False.
    with pytest.raises(ConfigTranslationError, match="no entry left after filtering"):
        translate_config(CONFIG_LIST[:2], filter_dict={"api_type": [None]})


def test_exclude() -> None:
    t = translate_config(CONFIG_LIST, filter_dict={"tags": ["gpt4"]}, exclude=True)
    assert models(t.component) == ["gpt-4o-mini", "claude-3-5-haiku-20241022"]


def test_filter_keeps_original_indices_in_locations() -> None:
    t = translate_config(CONFIG_LIST, filter_dict={"tags": ["cheap"]})
    model_items = [i for i in t.report.items if i.key == "model"]
    assert model_items[0].location == "config_list[1].model"


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ('[{"model": "gpt-4o",}]', "not valid JSON"),
        ('{"config_list": 3}', "must be a list"),
        ("[1, 2]", r"\[0\]: must be an object"),
        ('"text"', "must be an llm_config"),
        ("[]", "empty"),
    ],
)
def test_bad_files_raise_with_location(tmp_path: Path, content: str, match: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ConfigTranslationError, match=match) as info:
        translate_config(str(path))
    assert str(path) in info.value.location


def test_json_error_reports_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[\n  {"model": "gpt-4o"\n]')
    with pytest.raises(ConfigTranslationError) as info:
        translate_config(str(path))
    assert "line 3" in info.value.location


def test_missing_file_and_empty_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOPE_CONFIG", raising=False)
    with pytest.raises(ConfigTranslationError, match="no such file"):
        translate_config("NOPE_CONFIG")
    with pytest.raises(ConfigTranslationError, match="empty string"):
        translate_config("")


@pytest.mark.parametrize("bad", [{"tags": {"a": 1}}, {"tags": [["a"]]}, "tags"])
def test_bad_filter_dict(bad: Any) -> None:
    with pytest.raises(ConfigTranslationError, match="filter_dict"):
        translate_config(CONFIG_LIST, filter_dict=bad)


def test_wrong_top_level_type() -> None:
    with pytest.raises(ConfigTranslationError, match="must be an llm_config"):
        translate_config(42)
