"""agentkit.migrate.compat config loaders: every v0.2 quirk (pyautogen 0.2.35 ``autogen/oai/openai_utils.py``)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from agentkit.exceptions import ConfigurationError, MissingExtraError
from agentkit.migrate.compat import (
    DEFAULT_AZURE_API_VERSION,
    config_list_from_dotenv,
    config_list_from_json,
    config_list_from_models,
    config_list_gpt4_gpt35,
    config_list_openai_aoai,
    filter_config,
    get_config_list,
)

ENTRIES: list[dict[str, Any]] = [
    {"model": "gpt-4", "api_key": "sk-a", "tags": ["gpt4", "big"]},
    {"model": "gpt-4o", "api_key": "sk-b", "tags": ["gpt4o"]},
    {"model": "gpt-4o-mini", "api_key": "sk-c", "tags": ["small"]},
    {"model": None, "api_key": "sk-d"},
    {"api_key": "sk-e"},
]

KEY_ENV = ("OPENAI_API_KEY", "OPENAI_API_BASE", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_API_BASE")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in (*KEY_ENV, "OAI_CONFIG_LIST"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


# --- filter_config -----------------------------------------------------------------------------------------


def test_a_str_criterion_matches_by_substring() -> None:
    kept = filter_config(ENTRIES, {"model": "gpt-4o"})
    assert [e["model"] for e in kept] == ["gpt-4", "gpt-4o"]  # "gpt-4" in "gpt-4o"; "gpt-4o-mini" is not


def test_a_list_criterion_matches_exactly_and_list_values_by_overlap() -> None:
    assert [e["model"] for e in filter_config(ENTRIES, {"model": ["gpt-4o"]})] == ["gpt-4o"]
    assert [e["model"] for e in filter_config(ENTRIES, {"tags": ["big", "small"]})] == ["gpt-4", "gpt-4o-mini"]


def test_none_and_missing_keys_never_match_even_with_none_accepted() -> None:
    assert filter_config(ENTRIES, {"model": [None]}) == []
    assert filter_config(ENTRIES, {"model": [None, "gpt-4"]}) == [ENTRIES[0]]


def test_every_key_must_match() -> None:
    assert filter_config(ENTRIES, {"model": ["gpt-4", "gpt-4o"], "tags": ["gpt4o"]}) == [ENTRIES[1]]


def test_exclude_drops_an_entry_when_any_key_matches_and_keeps_entries_lacking_the_key() -> None:
    kept = filter_config(ENTRIES, {"model": ["gpt-4"], "tags": ["small"]}, exclude=True)
    # gpt-4 (model matches) and gpt-4o-mini (tags match) are dropped; None / missing model never match -> kept
    assert kept == [ENTRIES[1], ENTRIES[3], ENTRIES[4]]


def test_an_empty_filter_returns_the_same_list() -> None:
    assert filter_config(ENTRIES, {}) is ENTRIES
    assert filter_config(ENTRIES, None) is ENTRIES


# --- config_list_from_json ---------------------------------------------------------------------------------


def test_a_non_empty_environment_variable_wins_over_the_file(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "OAI_CONFIG_LIST").write_text(json.dumps([{"model": "from-file"}]))
    clean_env.chdir(tmp_path)
    clean_env.setenv("OAI_CONFIG_LIST", json.dumps([{"model": "from-env"}]))
    assert config_list_from_json("OAI_CONFIG_LIST") == [{"model": "from-env"}]
    clean_env.setenv("OAI_CONFIG_LIST", "")  # empty: the file is read
    assert config_list_from_json("OAI_CONFIG_LIST") == [{"model": "from-file"}]


def test_an_environment_variable_naming_a_file_reads_that_file(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere.json"
    other.write_text(json.dumps(ENTRIES))
    clean_env.setenv("OAI_CONFIG_LIST", str(other))
    assert config_list_from_json("OAI_CONFIG_LIST", filter_dict={"tags": ["gpt4"]}) == [ENTRIES[0]]


def test_file_location_is_joined_and_a_missing_file_raises(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "OAI_CONFIG_LIST").write_text(json.dumps([{"model": "m"}]))
    assert config_list_from_json("OAI_CONFIG_LIST", file_location=str(tmp_path / "conf")) == [{"model": "m"}]
    with pytest.raises(FileNotFoundError):
        config_list_from_json("OAI_CONFIG_LIST", file_location=str(tmp_path))


def test_malformed_json_never_echoes_the_keys(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("OAI_CONFIG_LIST", '[{"model": "gpt-4o", "api_key": "sk-live-abcdef1234567890abcdef"')
    with pytest.raises(ConfigurationError, match="environment variable OAI_CONFIG_LIST: is not valid JSON") as info:
        config_list_from_json("OAI_CONFIG_LIST")
    assert "sk-live" not in str(info.value)
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__


def test_json_that_is_not_a_list_is_rejected(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("OAI_CONFIG_LIST", json.dumps({"model": "gpt-4o"}))
    with pytest.raises(ConfigurationError, match="must hold a JSON list"):
        config_list_from_json("OAI_CONFIG_LIST")


# --- get_config_list -----------------------------------------------------------------------------------------


def test_blank_keys_are_skipped_but_base_urls_keep_their_index() -> None:
    configs = get_config_list(["k1", " ", "k3"], base_urls=["u1", "u2", "u3"], api_type="azure", api_version="v")
    assert configs == [
        {"api_key": "k1", "base_url": "u1", "api_type": "azure", "api_version": "v"},
        {"api_key": "k3", "base_url": "u3", "api_type": "azure", "api_version": "v"},
    ]
    assert get_config_list(["k"]) == [{"api_key": "k"}]


def test_a_length_mismatch_is_an_assertion_error() -> None:
    with pytest.raises(AssertionError, match="length of api_keys"):
        get_config_list(["k1", "k2"], base_urls=["u1"])


# --- key files ------------------------------------------------------------------------------------------------


def test_openai_aoai_writes_the_environment_and_lists_openai_first(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "key_openai.txt").write_text("sk-o1\nsk-o2\n")
    (tmp_path / "base_openai.txt").write_text("http://o1\nhttp://o2")
    (tmp_path / "key_aoai.txt").write_text("az-1")
    (tmp_path / "base_aoai.txt").write_text("https://az")
    configs = config_list_openai_aoai(key_file_path=str(tmp_path))
    assert os.environ["OPENAI_API_KEY"] == "sk-o1\nsk-o2"
    assert os.environ["AZURE_OPENAI_API_BASE"] == "https://az"
    assert configs == [
        {"api_key": "sk-o1", "base_url": "http://o1"},
        {"api_key": "sk-o2", "base_url": "http://o2"},
        {"api_key": "az-1", "base_url": "https://az", "api_type": "azure", "api_version": DEFAULT_AZURE_API_VERSION},
    ]


def test_openai_aoai_exclude_and_missing_files(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("AZURE_OPENAI_API_KEY", "az-env")
    clean_env.setenv("AZURE_OPENAI_API_BASE", "https://env")
    (tmp_path / "key_openai.txt").write_text("sk-o")
    assert config_list_openai_aoai(key_file_path=str(tmp_path), exclude="aoai") == [{"api_key": "sk-o"}]
    assert config_list_openai_aoai(key_file_path=str(tmp_path), exclude="openai") == [
        {"api_key": "az-env", "base_url": "https://env", "api_type": "azure", "api_version": "2024-02-01"}
    ]


def test_from_models_is_model_major(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("OPENAI_API_KEY", "k1\nk2")
    configs = config_list_from_models(key_file_path=str(tmp_path), exclude="aoai", model_list=["m1", "m2"])
    assert [(c["model"], c["api_key"]) for c in configs] == [("m1", "k1"), ("m1", "k2"), ("m2", "k1"), ("m2", "k2")]
    assert [c["model"] for c in config_list_gpt4_gpt35(key_file_path=str(tmp_path), exclude="aoai")] == [
        "gpt-4",
        "gpt-4",
        "gpt-3.5-turbo",
        "gpt-3.5-turbo",
    ]
    assert "model" not in config_list_from_models(key_file_path=str(tmp_path), exclude="aoai")[0]


# --- dotenv -------------------------------------------------------------------------------------------------


def test_dotenv_loads_the_file_resolves_settings_and_adds_the_default_models(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_env.delenv("MY_KEY", raising=False)
    clean_env.delenv("MY_BASE", raising=False)
    (tmp_path / "my.env").write_text("MY_KEY=sk-from-dotenv\nMY_BASE=http://127.0.0.1:9/v1\nOPENAI_API_KEY=sk-openai\n")
    key_map: dict[str, object] = {
        "gpt-4o": {"api_key_env_var": "MY_KEY", "base_url": "MY_BASE", "api_type": "openai"},
        "llama": "NOT_SET_ANYWHERE",
    }
    try:
        configs = config_list_from_dotenv(dotenv_file_path=tmp_path / "my.env", model_api_key_map=key_map)
    finally:
        for name in ("MY_KEY", "MY_BASE"):
            os.environ.pop(name, None)
    assert configs == [
        {"api_key": "sk-from-dotenv", "base_url": "http://127.0.0.1:9/v1", "api_type": "openai", "model": "gpt-4o"},
        {"api_key": "sk-openai", "model": "gpt-4"},
        {"api_key": "sk-openai", "model": "gpt-3.5-turbo"},
    ]  # the keyless "llama" entry is skipped
    assert set(key_map) == {"gpt-4o", "llama", "gpt-4", "gpt-3.5-turbo"}  # v0.2 updated the caller's dict


def test_dotenv_filter_and_missing_file(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("OPENAI_API_KEY", "sk-x")
    configs = config_list_from_dotenv(dotenv_file_path=tmp_path / "absent.env", filter_dict={"model": {"gpt-4"}})
    assert configs == [{"api_key": "sk-x", "model": "gpt-4"}]


def test_dotenv_without_python_dotenv_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dotenv", None)
    with pytest.raises(MissingExtraError, match=r"autogen-agentkit\[migrate\]"):
        config_list_from_dotenv()


def test_importing_compat_imports_no_provider_sdk_nor_libcst() -> None:
    import subprocess

    code = (
        "import sys, agentkit.migrate.compat\n"
        "heavy = ('openai', 'anthropic', 'libcst', 'autogen_ext.models.openai', 'dotenv')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
