"""translate -> JSON -> load -> create() against FakeProvider, with the real OpenAI and Anthropic clients."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from autogen_core.models import ChatCompletionClient, UserMessage

from agentkit.exceptions import MissingEnvironmentVariableError
from agentkit.migrate import load_client, translate_config
from agentkit.testing import FakeProvider, Fault, Reply

MESSAGES = [UserMessage(content="hello", source="user")]
KEY = "sk-fake-migrate-000000000001"


@pytest.fixture
async def fake_provider() -> AsyncIterator[FakeProvider]:
    async with FakeProvider() as fp:
        yield fp


@pytest.fixture(autouse=True)
def _tmp_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # cache directories are relative, as in v0.2


def _roundtrip(component: dict[str, Any] | None, tmp_path: Path) -> Path:
    path = tmp_path / "client.json"
    path.write_text(json.dumps(component))
    return path


async def test_openai_entry_roundtrip_create(fake_provider: FakeProvider, tmp_path: Path) -> None:
    fake_provider.script("gpt-4o", Reply.text("translated hello"))
    t = translate_config(
        {
            "temperature": 0.3,
            "cache_seed": None,
            "config_list": [
                {
                    "model": "gpt-4o",
                    "base_url": fake_provider.openai_base_url,
                    "api_key": KEY,
                    "max_tokens": 33,
                    "seed": 5,
                    "stop": ["END"],
                    "max_retries": 0,
                }
            ],
        }
    )
    assert KEY not in t.to_json()
    path = _roundtrip(t.component, tmp_path)
    with pytest.raises(MissingEnvironmentVariableError) as info:
        load_client(path, env={})
    assert info.value.variable == "OPENAI_COMPATIBLE_API_KEY"
    client = load_client(path, env={"OPENAI_COMPATIBLE_API_KEY": KEY})
    result = await client.create(MESSAGES)
    assert result.content == "translated hello"
    body = fake_provider.requests_for("gpt-4o")[-1].body
    assert (body["temperature"], body["max_tokens"], body["seed"], body["stop"]) == (0.3, 33, 5, ["END"])
    await client.close()


async def test_live_client_uses_in_memory_key(fake_provider: FakeProvider) -> None:
    t = translate_config(
        [{"model": "gpt-4o", "base_url": fake_provider.openai_base_url, "api_key": KEY, "cache_seed": None}]
    )
    assert t.client is not None
    result = await t.client.create(MESSAGES)
    assert isinstance(result.content, str)
    assert t.client is t.client  # built once
    await t.client.close()


async def test_plain_load_component_with_sdk_default_variable(
    fake_provider: FakeProvider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = translate_config([{"model": "gpt-4o", "base_url": fake_provider.openai_base_url, "cache_seed": None}])
    assert t.component is not None
    assert "api_key" not in t.component["config"]
    assert "OPENAI_API_KEY" in t.report.env
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    client = ChatCompletionClient.load_component(json.loads(_roundtrip(t.component, tmp_path).read_text()))
    result = await client.create(MESSAGES)
    assert isinstance(result.content, str)
    await client.close()


async def test_anthropic_entry_roundtrip_create(fake_provider: FakeProvider, tmp_path: Path) -> None:
    fake_provider.script("claude-3-5-sonnet-20241022", Reply.text("bonjour"))
    t = translate_config(
        [
            {
                "model": "claude-3-5-sonnet-20241022",
                "api_type": "anthropic",
                "base_url": fake_provider.anthropic_base_url,
                "api_key": "sk-ant-fake-0000000001",
                "max_tokens": 50,
                "stop": "STOP",
                "cache_seed": None,
            }
        ]
    )
    client = load_client(_roundtrip(t.component, tmp_path), env={"ANTHROPIC_API_KEY": "sk-ant-fake-0000000001"})
    result = await client.create(MESSAGES)
    assert result.content == "bonjour"
    body = fake_provider.requests_for("claude-3-5-sonnet-20241022")[-1].body
    assert body["max_tokens"] == 50
    assert body["stop_sequences"] == ["STOP"]
    await client.close()


def _chain(fp: FakeProvider, *models: str) -> list[dict[str, Any]]:
    return [
        {"model": m, "base_url": fp.openai_base_url, "api_key": KEY, "cache_seed": None, "max_retries": 0}
        for m in models
    ]


async def test_multi_entry_list_fails_over_in_order(fake_provider: FakeProvider, tmp_path: Path) -> None:
    fake_provider.always("dead-model", Fault.status(503))
    fake_provider.script("gpt-4o", Reply.text("from the backup"))
    t = translate_config(_chain(fake_provider, "dead-model", "gpt-4o"))
    assert t.component is not None
    assert t.component["provider"] == "agentkit.models.FailoverChatCompletionClient"
    assert t.component["config"]["error_policy"] == {"content_filter": "raise"}
    client = load_client(_roundtrip(t.component, tmp_path), env={"OPENAI_COMPATIBLE_API_KEY": KEY})
    result = await client.create(MESSAGES)
    assert result.content == "from the backup"
    assert [r.model for r in fake_provider.requests] == ["dead-model", "gpt-4o"]  # max_retries 0 -> 1 attempt
    await client.close()


async def test_content_filter_raises_like_v02(fake_provider: FakeProvider, tmp_path: Path) -> None:
    fake_provider.script("gpt-4o", Fault.content_filter())
    t = translate_config(_chain(fake_provider, "gpt-4o", "gpt-4o-mini"))
    client = load_client(_roundtrip(t.component, tmp_path), env={"OPENAI_COMPATIBLE_API_KEY": KEY})
    import openai

    with pytest.raises(openai.BadRequestError) as info:  # the SDK's own error, raised, not failed over
        await client.create(MESSAGES)
    assert "content" in str(info.value).lower()
    assert fake_provider.requests_for("gpt-4o-mini") == []
    await client.close()


async def test_cache_seed_gives_a_disk_cache(fake_provider: FakeProvider, tmp_path: Path) -> None:
    entry = {"model": "gpt-4o", "base_url": fake_provider.openai_base_url, "api_key": KEY, "cache_seed": 42}
    t = translate_config([entry])
    assert t.component is not None
    assert t.component["provider"] == "autogen_ext.models.cache.ChatCompletionCache"
    directory = t.component["config"]["store"]["config"]["directory"]
    assert directory.startswith(".cache/autogen-v0.4/42/")
    client = load_client(_roundtrip(t.component, tmp_path), env={"OPENAI_COMPATIBLE_API_KEY": KEY})
    first = await client.create(MESSAGES)
    second = await client.create(MESSAGES)
    assert not first.cached
    assert second.cached
    assert len(fake_provider.requests_for("gpt-4o")) == 1
    assert (tmp_path / directory).is_dir()
    await client.close()
    # Same input -> same directory; a different model -> a different one (the v0.4 cache key has no model).
    assert translate_config([entry]).component == t.component
    other = translate_config([{**entry, "model": "gpt-4o-mini"}]).component
    assert other is not None
    assert other["config"]["store"]["config"]["directory"] != directory


async def test_default_cache_matches_v02_seed_41(fake_provider: FakeProvider) -> None:
    t = translate_config([{"model": "gpt-4o", "base_url": fake_provider.openai_base_url, "api_key": KEY}])
    assert t.component is not None
    assert t.component["config"]["store"]["config"]["directory"].startswith(".cache/autogen-v0.4/41/")
    assert any(i.key == "cache_seed" and i.status == "added" for i in t.report.items)
    off = translate_config([{"model": "gpt-4o", "api_key": KEY}], default_cache=False)
    assert off.component is not None
    assert off.component["provider"].endswith("OpenAIChatCompletionClient")


async def test_live_client_dump_and_reload(fake_provider: FakeProvider, monkeypatch: pytest.MonkeyPatch) -> None:
    """translate -> client.dump_component() -> JSON -> load_component -> create(), for a failover chain."""
    fake_provider.always("dead-model", Fault.status(503))
    t = translate_config(_chain(fake_provider, "dead-model", "gpt-4o"))
    assert t.client is not None
    dumped = t.client.dump_component().model_dump_json()
    assert KEY not in dumped  # SecretStr: AutoGen writes "**********"
    reloaded = ChatCompletionClient.load_component(json.loads(dumped))
    result = await reloaded.create(MESSAGES)
    assert isinstance(result.content, str)
    assert [r.model for r in fake_provider.requests] == ["dead-model", "gpt-4o"]
    await reloaded.close()
    await t.client.close()


def test_missing_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from agentkit.exceptions import ConfigTranslationError

    monkeypatch.setitem(sys.modules, "diskcache", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "autogen_ext.cache_store.diskcache", None)
    t = translate_config([{"model": "gpt-4o", "api_key": KEY, "cache_seed": 1}])
    with pytest.raises(ConfigTranslationError, match=r'pip install "autogen-agentkit\[migrate\]"'):
        _ = t.client
