"""Table-driven mapping tests: every api_type and every key class of a v0.2 config entry."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from agentkit.exceptions import ConfigTranslationError
from agentkit.migrate import ConfigTranslation, translate_config


@pytest.fixture(autouse=True)
def _no_provider_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """The translation reuses or avoids variable names the environment holds: start from none (another test
    may have left one behind)."""
    for name in list(os.environ):
        if name.endswith(("_API_KEY", "_API_KEY_2", "_BASE_URL", "_ENDPOINT", "_AD_TOKEN")) or name.startswith("AWS_"):
            monkeypatch.delenv(name)


OPENAI = "autogen_ext.models.openai.OpenAIChatCompletionClient"
AZURE = "autogen_ext.models.openai.AzureOpenAIChatCompletionClient"
ANTHROPIC = "autogen_ext.models.anthropic.AnthropicChatCompletionClient"
BEDROCK = "autogen_ext.models.anthropic.AnthropicBedrockChatCompletionClient"


def leaf(t: ConfigTranslation) -> dict[str, Any]:
    """The single model-client component (no cache, no failover)."""
    assert t.component is not None
    assert t.component["provider"] not in ("autogen_ext.models.cache.ChatCompletionCache",)
    return t.component


def status(t: ConfigTranslation, key: str) -> str:
    found = [i.status for i in t.report.items if i.key == key]
    assert found, f"no report item for {key}: {[i.key for i in t.report.items]}"
    return found[0]


def one(entry: dict[str, Any], **kw: Any) -> ConfigTranslation:
    return translate_config([{"cache_seed": None, **entry}], **kw)


# (id, entry, provider, expected config subset, {key: status})
CASES: list[tuple[str, dict[str, Any], str, dict[str, Any], dict[str, str]]] = [
    (
        "openai-default",
        {"model": "gpt-4o", "api_key": "sk-test-aaaaaaaaaaaa", "temperature": 0.1, "top_p": 0.9, "seed": 7},
        OPENAI,
        {"model": "gpt-4o", "temperature": 0.1, "top_p": 0.9, "seed": 7},
        {"api_key": "changed", "temperature": "mapped", "top_p": "mapped", "seed": "mapped", "model": "mapped"},
    ),
    (
        "openai-explicit",
        {"model": "gpt-4o-mini", "api_type": "openai", "max_tokens": 100, "stop": ["END"], "timeout": 30},
        OPENAI,
        {"max_tokens": 100, "stop": ["END"], "timeout": 30},
        {"api_type": "mapped", "max_tokens": "mapped", "stop": "mapped", "timeout": "mapped", "api_key": "added"},
    ),
    (
        "openai-response-format",
        {"model": "gpt-4o", "response_format": {"type": "json_object"}, "max_retries": 4, "organization": "org-1"},
        OPENAI,
        {"response_format": {"type": "json_object"}, "max_retries": 4, "organization": "org-1"},
        {"response_format": "mapped", "max_retries": "mapped", "organization": "mapped"},
    ),
    (
        "openai-compatible-base-url",
        {"model": "my-llama", "base_url": "http://127.0.0.1:8080/v1", "api_key": "NULL"},
        OPENAI,
        {"base_url": "http://127.0.0.1:8080/v1", "api_key": "NULL"},
        {"base_url": "mapped", "api_key": "mapped", "model_info": "manual"},
    ),
    (
        "azure-base-url",
        {
            "model": "gpt-3.5-turbo",
            "api_type": "azure",
            "base_url": "https://r.openai.azure.com/",
            "api_version": "2024-06-01",
        },
        AZURE,
        {
            "azure_endpoint": "https://r.openai.azure.com/",
            "azure_deployment": "gpt-35-turbo",
            "api_version": "2024-06-01",
        },
        {"base_url": "changed", "azure_deployment": "added", "api_version": "mapped"},
    ),
    (
        "azure-endpoint-deployment",
        {
            "model": "gpt-4o",
            "api_type": "azure",
            "azure_endpoint": "https://r.openai.azure.com/",
            "azure_deployment": "my.gpt4o",
            "api_version": "2024-06-01",
            "azure_ad_token_provider": "DEFAULT",
        },
        AZURE,
        {
            "azure_deployment": "mygpt4o",
            "azure_ad_token_provider": {"provider": "autogen_ext.auth.azure.AzureTokenProvider"},
        },
        {"azure_deployment": "changed", "azure_ad_token_provider": "changed", "azure_endpoint": "mapped"},
    ),
    (
        "azure-no-endpoint-no-version",
        {"model": "gpt-4o", "api_type": "azure"},
        AZURE,
        {"azure_endpoint": "${AZURE_OPENAI_ENDPOINT}", "api_version": "${OPENAI_API_VERSION}"},
        {"azure_endpoint": "added", "api_version": "added"},
    ),
    (
        "anthropic",
        {
            "model": "claude-3-5-sonnet-20241022",
            "api_type": "anthropic",
            "api_key": "sk-ant-aaaaaaaaaaaa",
            "stop": "END",
            "top_k": 5,
            "max_tokens": 512,
        },
        ANTHROPIC,
        {"stop_sequences": ["END"], "top_k": 5, "max_tokens": 512},
        {"stop": "changed", "top_k": "mapped", "api_key": "changed"},
    ),
    (
        "anthropic-bedrock-keys",
        {
            "model": "anthropic.claude-3-5-sonnet-20240620-v1:0",
            "api_type": "anthropic",
            "aws_access_key": "AKIAAAAAAAAAAAAAAAAA",
            "aws_secret_key": "s3cr3t-s3cr3t",
            "aws_region": "us-east-1",
        },
        BEDROCK,
        {
            "bedrock_info": {
                "aws_access_key": "${AWS_ACCESS_KEY_ID}",
                "aws_secret_key": "${AWS_SECRET_ACCESS_KEY}",
                "aws_session_token": "",
                "aws_region": "us-east-1",
            }
        },
        {"aws_access_key": "changed", "aws_secret_key": "changed", "aws_region": "mapped", "model_info": "added"},
    ),
    (
        "bedrock-default-chain",
        {
            "model": "anthropic.claude-3-haiku-20240307-v1:0",
            "api_type": "bedrock",
            "aws_region": "eu-west-1",
            "aws_profile_name": "dev",
        },
        BEDROCK,
        {
            "bedrock_info": {
                "aws_access_key": "",
                "aws_secret_key": "",
                "aws_session_token": "",
                "aws_region": "eu-west-1",
            }
        },
        {"aws_profile_name": "manual", "bedrock_info": "added"},
    ),
    (
        "google",
        {
            "model": "gemini-1.5-pro",
            "api_type": "google",
            "api_key": "AIzaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "max_output_tokens": 64,
            "safety_settings": [],
        },
        OPENAI,
        {"base_url": "https://generativelanguage.googleapis.com/v1beta/openai/", "max_tokens": 64},
        {"max_output_tokens": "changed", "safety_settings": "manual", "base_url": "added", "api_key": "changed"},
    ),
    (
        "gemini-alias",
        {"model": "gemini-2.0-flash-001", "api_type": "gemini"},
        OPENAI,
        {"model_info": {"family": "gemini-2.0-flash", "multiple_system_messages": False}},
        {"model_info": "added"},
    ),
    (
        "mistral",
        {
            "model": "mistral-large-latest",
            "api_type": "mistral",
            "api_key": "mistral-key-aaaa",
            "random_seed": 3,
            "safe_prompt": True,
        },
        OPENAI,
        {
            "base_url": "https://api.mistral.ai/v1",
            "seed": 3,
            "api_key": "${MISTRAL_API_KEY}",
            "model_info": {"family": "mistral"},
        },
        {"random_seed": "changed", "safe_prompt": "manual"},
    ),
    (
        "groq",
        {"model": "llama-3.3-70b-versatile", "api_type": "groq", "frequency_penalty": 0.5},
        OPENAI,
        {
            "base_url": "https://api.groq.com/openai/v1",
            "api_key": "${GROQ_API_KEY}",
            "frequency_penalty": 0.5,
            "model_info": {"family": "llama-3.3-70b"},
        },
        {"frequency_penalty": "mapped"},
    ),
    (
        "together",
        {"model": "meta-llama/Llama-3.3-70B-Instruct-Turbo", "api_type": "together", "repetition_penalty": 1.1},
        OPENAI,
        {"base_url": "https://api.together.xyz/v1", "api_key": "${TOGETHER_API_KEY}"},
        {"repetition_penalty": "manual"},
    ),
    (
        "deepseek",
        {"model": "deepseek-reasoner", "api_type": "deepseek"},
        OPENAI,
        {"base_url": "https://api.deepseek.com/v1", "model_info": {"family": "r1", "function_calling": False}},
        {"model_info": "added"},
    ),
    (
        "deepseek-by-base-url",
        {"model": "deepseek-chat", "base_url": "https://api.deepseek.com/v1", "api_key": "sk-ds-aaaaaaaaaaaa"},
        OPENAI,
        {"api_key": "${DEEPSEEK_API_KEY}"},
        {"api_key": "changed"},
    ),
    (
        "cerebras",
        {"model": "llama3.1-8b", "api_type": "cerebras"},
        OPENAI,
        {"base_url": "https://api.cerebras.ai/v1", "api_key": "${CEREBRAS_API_KEY}"},
        {"api_type": "mapped"},
    ),
    (
        "cohere",
        {"model": "command-r-plus", "api_type": "cohere", "p": 0.5, "k": 10, "client_name": "x"},
        OPENAI,
        {"base_url": "https://api.cohere.ai/compatibility/v1", "top_p": 0.5},
        {"p": "changed", "k": "manual", "client_name": "dropped"},
    ),
    (
        "ollama",
        {
            "model": "llama3.1:8b",
            "api_type": "ollama",
            "client_host": "http://gpu:11434",
            "num_predict": 128,
            "num_ctx": 8192,
            "native_tool_calls": False,
        },
        OPENAI,
        {"base_url": "http://gpu:11434/v1", "api_key": "ollama", "max_tokens": 128},
        {"client_host": "changed", "num_predict": "changed", "num_ctx": "manual", "native_tool_calls": "dropped"},
    ),
    (
        "agent-level-keys",
        {
            "model": "gpt-4o",
            "stream": True,
            "functions": [{"name": "f"}],
            "n": 1,
            "filter_func": "f",
            "context": {"a": 1},
            "allow_format_str_template": False,
        },
        OPENAI,
        {},
        {
            "stream": "manual",
            "functions": "manual",
            "n": "dropped",
            "filter_func": "manual",
            "context": "manual",
            "allow_format_str_template": "dropped",
        },
    ),
    (
        "unstorable-create-params",
        {
            "model": "gpt-4o",
            "logprobs": True,
            "max_completion_tokens": 5,
            "project": "p",
            "made_up": 1,
            "api_version": "2024-01-01",
        },
        OPENAI,
        {},
        {
            "logprobs": "manual",
            "max_completion_tokens": "manual",
            "project": "manual",
            "made_up": "manual",
            "api_version": "dropped",
        },
    ),
]


def _subset(expected: dict[str, Any], actual: dict[str, Any], path: str = "config") -> None:
    for key, value in expected.items():
        assert key in actual, f"{path}.{key} missing from {sorted(actual)}"
        if isinstance(value, dict):
            _subset(value, actual[key], f"{path}.{key}")
        else:
            assert actual[key] == value, f"{path}.{key}: {actual[key]!r} != {value!r}"


@pytest.mark.parametrize(("entry", "provider", "config", "statuses"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_mapping_table(entry: dict[str, Any], provider: str, config: dict[str, Any], statuses: dict[str, str]) -> None:
    t = one(entry)
    component = leaf(t)
    assert component["provider"] == provider
    assert component["component_type"] == "model"
    _subset(config, component["config"])
    for key, expected in statuses.items():
        assert status(t, key) == expected, (key, [i for i in t.report.items if i.key == key])
    # every input key is reported
    reported = {i.key for i in t.report.items}
    assert set(entry) <= reported, set(entry) - reported
    json.dumps(t.component)  # JSON-ready


@pytest.mark.parametrize(("entry", "provider"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_config_validates_against_autogen_schema(entry: dict[str, Any], provider: str) -> None:
    from autogen_ext.models.anthropic.config import (
        AnthropicBedrockClientConfigurationConfigModel,
        AnthropicClientConfigurationConfigModel,
    )
    from autogen_ext.models.openai.config import (
        AzureOpenAIClientConfigurationConfigModel,
        OpenAIClientConfigurationConfigModel,
    )
    from pydantic import BaseModel

    schemas: dict[str, type[BaseModel]] = {
        OPENAI: OpenAIClientConfigurationConfigModel,
        AZURE: AzureOpenAIClientConfigurationConfigModel,
        ANTHROPIC: AnthropicClientConfigurationConfigModel,
        BEDROCK: AnthropicBedrockClientConfigurationConfigModel,
    }
    schema = schemas[provider]
    config = leaf(one(entry))["config"]
    validated = schema.model_validate(config)
    # Nothing the translation writes is silently dropped by AutoGen's config model.
    dumped = validated.model_dump(exclude_none=True)
    assert set(config) <= set(dumped) | {"api_key"}, set(config) - set(dumped)


def test_model_info_left_to_autogen_for_known_names() -> None:
    assert "model_info" not in leaf(one({"model": "gpt-4o"}))["config"]
    assert "model_info" not in leaf(one({"model": "claude-3-5-sonnet-20241022", "api_type": "anthropic"}))["config"]
    assert "model_info" in leaf(one({"model": "ft:gpt-4o-mini:org::abc"}))["config"]


def test_inferred_model_info_agrees_with_autogen_table() -> None:
    from autogen_ext.models.openai import _model_info

    from agentkit.migrate._model_info import infer_model_info

    for name, info in _model_info._MODEL_INFO.items():
        inferred = infer_model_info(name)
        assert inferred.confident, name
        for key in ("vision", "function_calling", "json_output", "family"):
            assert inferred.info[key] == info[key], (name, key)


def test_unknown_model_gets_conservative_model_info_marked_manual() -> None:
    t = one({"model": "totally-custom", "base_url": "http://127.0.0.1:9/v1"})
    info = leaf(t)["config"]["model_info"]
    assert info["family"] == "unknown"
    assert status(t, "model_info") == "manual"
    assert t.report.needs_manual_work


def test_model_client_cls_is_manual_and_others_translated() -> None:
    t = translate_config([{"model": "gpt-4o", "cache_seed": None}, {"model": "x", "model_client_cls": "MyClient"}])
    assert t.component is not None
    assert t.component["provider"] == OPENAI
    assert status(t, "model_client_cls") == "manual"


def test_only_custom_clients_give_no_component() -> None:
    t = translate_config([{"model": "x", "model_client_cls": "MyClient"}])
    assert t.component is None
    assert t.client is None
    assert t.report.needs_manual_work


def test_bedrock_non_anthropic_model_is_manual() -> None:
    t = translate_config([{"model": "meta.llama3-70b-instruct-v1:0", "api_type": "bedrock", "aws_region": "us-east-1"}])
    assert t.component is None
    assert status(t, "model") == "manual"


def test_llm_config_false() -> None:
    t = translate_config(False)
    assert t.component is None
    assert t.client is None
    assert t.report.items[0].key == "llm_config"
    assert not t.report.needs_manual_work


def test_top_level_params_merge_under_entries_entry_wins() -> None:
    t = translate_config(
        {
            "temperature": 0.5,
            "max_tokens": 10,
            "cache_seed": None,
            "config_list": [{"model": "gpt-4o", "temperature": 0.9}],
        }
    )
    config = leaf(t)["config"]
    assert config["temperature"] == 0.9
    assert config["max_tokens"] == 10
    inherited = [i for i in t.report.items if i.key == "max_tokens"]
    assert "inherited from llm_config.max_tokens" in inherited[0].location


def test_single_llm_config_without_config_list() -> None:
    t = translate_config({"model": "gpt-4o", "temperature": 0, "cache_seed": None})
    assert leaf(t)["config"] == {"model": "gpt-4o", "temperature": 0}


def test_null_values_are_dropped_not_written() -> None:
    t = one({"model": "gpt-4o", "temperature": None})
    assert "temperature" not in leaf(t)["config"]
    assert status(t, "temperature") == "dropped"


def test_api_type_prefix_match_and_case() -> None:
    assert leaf(one({"model": "gpt-4o", "api_type": "Azure_AD", "api_version": "v"}))["provider"] == AZURE
    assert leaf(one({"model": "gpt-4o", "api_type": "open_ai"}))["provider"] == OPENAI


@pytest.mark.parametrize(
    ("entry", "location_part"),
    [
        ({"model": "gpt-4o", "api_type": "fireworks"}, "api_type"),
        ({"model": "gpt-4o", "api_type": 3}, "api_type"),
        ({"api_key": "x"}, "model"),
        ({"model": ""}, "model"),
        ({"model": 5}, "model"),
        ({"model": "gpt-4o", "temperature": "hot"}, "temperature"),
        ({"model": "gpt-4o", "timeout": "slow"}, "timeout"),
        ({"model": "gpt-4o", "max_retries": 1.5}, "max_retries"),
        ({"model": "gpt-4o", "api_key": 12}, "api_key"),
        ({"model": "gpt-4o", "price": [1]}, "price"),
        ({"model": "gpt-4o", "price": "cheap"}, "price"),
        ({"model": "gpt-4o", "cache_seed": 1.5}, "cache_seed"),
        ({"model": "gpt-4o", "cache_seed": "../x"}, "cache_seed"),
        ({"model": "gpt-4o", "tags": "a"}, "tags"),
        ({"model": "gpt-4o", "default_headers": {"a": 1}}, "default_headers"),
    ],
)
def test_bad_entries_raise_with_location(entry: dict[str, Any], location_part: str) -> None:
    with pytest.raises(ConfigTranslationError) as info:
        translate_config([{"model": "ok"}, entry])
    assert info.value.location.startswith("config_list[1]")
    assert location_part in info.value.location


def test_duplicate_keys_for_one_provider_get_distinct_variables() -> None:
    t = translate_config(
        [
            {"model": "gpt-4o", "api_key": "sk-first-aaaaaaaa", "cache_seed": None},
            {"model": "gpt-4o-mini", "api_key": "sk-second-bbbbbbb", "cache_seed": None},
            {"model": "gpt-4.1", "api_key": "sk-first-aaaaaaaa", "cache_seed": None},
        ]
    )
    assert t.component is not None
    members = [m["client"]["config"] for m in t.component["config"]["members"]]
    assert "api_key" not in members[0]  # OPENAI_API_KEY, read by the SDK
    assert members[1]["api_key"] == "${OPENAI_API_KEY_2}"
    assert "api_key" not in members[2]  # the same key as the first entry
    assert set(t.report.env) == {"OPENAI_API_KEY", "OPENAI_API_KEY_2"}


def test_existing_environment_variable_with_the_same_key_is_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_GROQ_KEY", "gsk_the_same_key_123")
    t = one({"model": "llama-3.3-70b-versatile", "api_type": "groq", "api_key": "gsk_the_same_key_123"})
    assert leaf(t)["config"]["api_key"] == "${MY_GROQ_KEY}"


def test_environment_holding_a_different_key_is_not_shadowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-another-key-999")
    t = one({"model": "gpt-4o", "api_key": "sk-this-key-1234567"})
    assert leaf(t)["config"]["api_key"] == "${OPENAI_API_KEY_2}"


def test_secret_headers_become_references() -> None:
    t = one({"model": "gpt-4o", "default_headers": {"Authorization": "Bearer abcdefghijkl", "X-Trace": "1"}})
    headers = leaf(t)["config"]["default_headers"]
    assert headers["X-Trace"] == "1"
    assert headers["Authorization"].startswith("${")
    assert "abcdefghijkl" not in json.dumps(t.component)


def test_base_url_with_credentials_becomes_reference() -> None:
    t = one({"model": "m", "base_url": "https://user:pw-secret-1@proxy.example/v1", "model_info": None})
    text = json.dumps(t.component) + t.report.to_text() + json.dumps(t.report.to_dict())
    assert "pw-secret-1" not in text
    assert leaf(t)["config"]["base_url"].startswith("${")


def test_price_becomes_price_table_override() -> None:
    from decimal import Decimal

    t = one({"model": "my-model", "base_url": "http://127.0.0.1:1/v1", "price": [0.001, 0.002]})
    price = t.prices["my-model"]
    assert price.input_per_mtok == Decimal("1.000")
    assert price.output_per_mtok == Decimal("2.000")
    assert t.price_table().price_for("my-model") == price
    assert status(t, "price") == "changed"
    scalar = one({"model": "m2", "base_url": "http://127.0.0.1:1/v1", "price": 0.5})
    assert scalar.prices["m2"].input_per_mtok == scalar.prices["m2"].output_per_mtok


def test_repr_and_report_hold_no_secret() -> None:
    t = one({"model": "gpt-4o", "api_key": "sk-very-secret-value-1"})
    for text in (repr(t), t.report.to_text(), json.dumps(t.report.to_dict()), t.to_json(), repr(t.report)):
        assert "sk-very-secret-value-1" not in text


def test_azure_ad_token_needs_no_api_key() -> None:
    t = one({"model": "gpt-4o", "api_type": "azure", "api_version": "v", "azure_ad_token": "eyJ-token-aaaaaaaaaa"})
    config = leaf(t)["config"]
    assert "api_key" not in config
    assert config["azure_ad_token"] == "${AZURE_OPENAI_AD_TOKEN}"


def test_azure_loads_without_the_azure_extra() -> None:
    from autogen_ext.models.openai import AzureOpenAIChatCompletionClient

    from agentkit.exceptions import MissingEnvironmentVariableError
    from agentkit.migrate import load_client

    t = one({"model": "gpt-4o", "api_type": "azure", "base_url": "https://r.openai.azure.com/"})
    assert t.component is not None
    with pytest.raises(MissingEnvironmentVariableError) as info:
        load_client(t.component, env={"AZURE_OPENAI_API_KEY": "k"})
    assert info.value.variable == "OPENAI_API_VERSION"
    client = load_client(t.component, env={"AZURE_OPENAI_API_KEY": "k", "OPENAI_API_VERSION": "2024-06-01"})
    assert isinstance(client, AzureOpenAIChatCompletionClient)


def test_bedrock_client_builds_with_referenced_keys() -> None:
    from autogen_ext.models.anthropic import AnthropicBedrockChatCompletionClient

    t = one(
        {"model": "anthropic.claude-3-haiku-20240307-v1:0", "api_type": "bedrock", "aws_region": "us-east-1",
         "aws_access_key": "AKIAAAAAAAAAAAAAAAAA", "aws_secret_key": "secret-secret-1"}
    )  # fmt: skip
    assert isinstance(t.client, AnthropicBedrockChatCompletionClient)
    assert "secret-secret-1" not in t.to_json()


def test_ordinary_base_url_is_kept_and_credential_url_becomes_a_reference_for_anthropic() -> None:
    plain = translate_config(
        [{"model": "claude-3-5-haiku-20241022", "api_type": "anthropic", "base_url": "HTTPS://Proxy.Example.com/v1"}],
        default_cache=False,
    )
    assert plain.component is not None
    assert plain.component["config"]["base_url"] == "HTTPS://Proxy.Example.com/v1"
    secret = translate_config(
        [
            {
                "model": "claude-3-5-haiku-20241022",
                "api_type": "anthropic",
                "base_url": "https://p.example.com/v1?key=K9z",
            }
        ],
        default_cache=False,
    )
    assert secret.component is not None
    assert secret.component["config"]["base_url"] == "${ANTHROPIC_BASE_URL}"
    assert secret.report.env["ANTHROPIC_BASE_URL"].startswith("Anthropic base URL")
    assert "K9z" not in secret.to_json() + secret.report.to_text()


def test_azure_without_azure_core_says_which_extra_loads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from agentkit.migrate import _config

    entry = {"model": "gpt-4o", "api_type": "azure", "base_url": "https://x.openai.azure.com", "api_version": "v1"}
    monkeypatch.setattr(_config, "_installed", lambda module: False)
    notes = translate_config([entry], default_cache=False).report.notes
    assert any('pip install "autogen-agentkit[azure]"' in note for note in notes)
    monkeypatch.setattr(_config, "_installed", lambda module: True)
    assert not any("azure" in note for note in translate_config([entry], default_cache=False).report.notes)
