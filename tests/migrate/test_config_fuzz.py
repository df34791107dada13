"""Property-based fuzzing: arbitrary JSON-like configs never crash outside the documented error types and
never leak a secret into any output."""

from __future__ import annotations

import importlib.util
import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentkit.exceptions import ConfigTranslationError, ConfigurationError
from agentkit.migrate import translate_config

SECRET_MARK = "ZZSECRET"

secrets = st.uuids().map(lambda u: f"{SECRET_MARK}{u.hex}")

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=12).filter(lambda s: SECRET_MARK not in s),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)

KNOWN_KEYS = [
    "model", "api_type", "base_url", "api_version", "azure_endpoint", "azure_deployment", "azure_ad_token_provider",
    "temperature", "top_p", "max_tokens", "seed", "stop", "response_format", "timeout", "max_retries", "cache_seed",
    "price", "tags", "stream", "functions", "n", "client_host", "num_ctx", "max_output_tokens", "aws_region",
    "model_client_cls", "organization", "default_headers", "top_k", "p", "k", "random_seed",
]  # fmt: skip
API_TYPES = st.sampled_from(
    [None, "openai", "azure", "anthropic", "bedrock", "google", "gemini", "mistral", "groq", "together",
     "deepseek", "cerebras", "cohere", "ollama", "unknown-type"]
)  # fmt: skip
MODELS = st.sampled_from(
    ["gpt-4o", "gpt-3.5-turbo", "claude-3-5-sonnet-20241022", "anthropic.claude-3-haiku-20240307-v1:0",
     "gemini-1.5-pro", "llama3.1", "mistral-large-latest", "deepseek-chat", "my-model"]
)  # fmt: skip
PLAUSIBLE: dict[str, st.SearchStrategy[Any]] = {
    "temperature": st.floats(0, 2),
    "top_p": st.floats(0, 1),
    "max_tokens": st.integers(1, 4096),
    "seed": st.integers(0, 100),
    "stop": st.lists(st.text(max_size=5), max_size=2),
    "timeout": st.floats(0.1, 600),
    "max_retries": st.integers(0, 5),
    "cache_seed": st.one_of(st.none(), st.integers(0, 100)),
    "price": st.lists(st.floats(0, 1), min_size=2, max_size=2),
    "tags": st.lists(st.sampled_from(["a", "b"]), max_size=2),
    "stream": st.booleans(),
    "base_url": st.sampled_from(["http://127.0.0.1:8000/v1", "https://api.groq.com/openai/v1", "https://x.example"]),
    "api_version": st.just("2024-06-01"),
    "aws_region": st.just("us-east-1"),
    "client_host": st.just("http://127.0.0.1:11434"),
    "num_ctx": st.integers(512, 8192),
    "azure_ad_token_provider": st.just("DEFAULT"),
}


def value_for(key: str) -> st.SearchStrategy[Any]:
    plausible = PLAUSIBLE.get(key)
    return json_values if plausible is None else st.one_of(plausible, plausible, json_values)


SECRET_KEYS = ["api_key", "azure_ad_token", "aws_access_key", "aws_secret_key", "aws_session_token"]


@st.composite
def entries(draw: st.DrawFn) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if draw(st.integers(0, 9)) > 0:
        entry["model"] = draw(MODELS)
    api_type = draw(API_TYPES)
    if api_type is not None:
        entry["api_type"] = api_type
    for key in draw(st.lists(st.sampled_from(KNOWN_KEYS), max_size=5, unique=True)):
        if key != "model":
            entry[key] = draw(value_for(key))
    for key in draw(st.lists(st.sampled_from(SECRET_KEYS), max_size=3, unique=True)):
        entry[key] = draw(secrets)
    if draw(st.booleans()):
        entry["default_headers"] = {"Authorization": "Bearer " + draw(secrets), "X-Plain": "v"}
    if draw(st.integers(0, 3)) == 0:
        for key in draw(st.lists(st.text(max_size=10), max_size=2)):
            entry.setdefault(key, draw(json_values))
    return entry


@st.composite
def sources(draw: st.DrawFn) -> Any:
    config_list = draw(st.lists(entries(), min_size=0, max_size=3))
    shape = draw(st.sampled_from(["list", "list", "llm_config", "single", "junk"]))
    if shape == "list":
        return config_list
    if shape == "llm_config":
        top = {k: draw(value_for(k)) for k in draw(st.lists(st.sampled_from(KNOWN_KEYS), max_size=3, unique=True))}
        if draw(st.booleans()):
            top["api_key"] = draw(secrets)
        return {**top, "config_list": config_list}
    if shape == "single":
        return config_list[0] if config_list else False
    return draw(json_values)


def _all_secrets(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, str) and SECRET_MARK in value:
        found.add(value.split(" ")[-1])
    elif isinstance(value, dict):
        for item in value.values():
            found |= _all_secrets(item)
    elif isinstance(value, list):
        for item in value:
            found |= _all_secrets(item)
    return found


def _entries_of(source: Any) -> list[dict[str, Any]]:
    if isinstance(source, dict):
        listed = source.get("config_list")
        return [source] + [e for e in listed if isinstance(e, dict)] if isinstance(listed, list) else [source]
    if isinstance(source, list):
        return [e for e in source if isinstance(e, dict)]
    return []


def _assert_clean(text: str, planted: set[str]) -> None:
    for secret in planted:
        assert secret not in text
    assert SECRET_MARK not in text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=sources(), filter_tags=st.one_of(st.none(), st.just({"tags": ["a"]})))
def test_translate_never_crashes_and_never_leaks(source: Any, filter_tags: dict[str, Any] | None) -> None:
    planted = _all_secrets(source)
    try:
        t = translate_config(source, filter_dict=filter_tags)
    except ConfigTranslationError as error:
        _assert_clean(str(error), planted)
        _assert_clean(repr(error), planted)
        _assert_clean(f"{error.location} {error.problem} {error.fix}", planted)
        return
    # Nothing is dropped silently: every input key has a report item.
    reported = {item.key for item in t.report.items}
    expected = {key for entry in _entries_of(source) for key in entry} - {"config_list"}
    if filter_tags is None and source is not False:
        assert expected <= reported, expected - reported
    _assert_clean(json.dumps(t.component), planted)
    _assert_clean(t.to_json(), planted)
    _assert_clean(t.report.to_text(), planted)
    _assert_clean(json.dumps(t.report.to_dict()), planted)
    _assert_clean(repr(t), planted)
    _assert_clean(repr(t.report), planted)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=sources())
def test_live_client_errors_are_documented(source: Any) -> None:
    try:
        t = translate_config(source, default_cache=False)
    except ConfigTranslationError:
        return
    planted = _all_secrets(source)
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.endswith(("_API_KEY", "_API_KEY_2"))}
    try:
        client = t.client
    except ConfigurationError as error:  # MissingEnvironmentVariableError and ConfigTranslationError
        _assert_clean(str(error), planted)
        return
    finally:
        os.environ.update(saved)
    if client is not None:
        _assert_clean(repr(client), planted)
        # AutoGen keeps default_headers in clear in a live client's own dump (it does not mark them secret);
        # API keys and AWS keys are SecretStr there. The translated JSON (checked above) never has either.
        header_secrets = _all_secrets([e.get("default_headers") for e in _entries_of(source)])
        if type(client).__name__ == "AzureOpenAIChatCompletionClient" and importlib.util.find_spec("azure") is None:
            return  # AutoGen's Azure client needs autogen-ext[azure] to dump itself
        dumped = client.dump_component().model_dump_json()
        for secret in planted - header_secrets:
            assert secret not in dumped


def test_fuzz_strategy_reaches_both_outcomes() -> None:
    """Guard against a strategy that only ever produces errors (the properties would then be vacuous)."""
    ok = translate_config([{"model": "gpt-4o", "api_key": f"{SECRET_MARK}x", "cache_seed": None}])
    assert ok.component is not None
    with pytest.raises(ConfigTranslationError):
        translate_config([{"api_key": f"{SECRET_MARK}x"}])
