"""Round-trip cases for ``FailoverChatCompletionClient``."""

from __future__ import annotations

from typing import Any, cast

from autogen_core.models import ChatCompletionClient, UserMessage

from agentkit.models import FailoverChatCompletionClient, FailoverMember
from agentkit.testing import ScriptedChatCompletionClient

from . import ComponentCase

_MESSAGES = [UserMessage(content="hello", source="user")]
_VLLM_ARGS = {"extra_body": {"continue_final_message": True, "add_generation_prompt": False}}


def _scripted_chain() -> FailoverChatCompletionClient:
    primary = ScriptedChatCompletionClient(
        [ConnectionRefusedError("primary down"), "primary again"], model="primary-model"
    )
    backup = ScriptedChatCompletionClient(["backup answer"], model="backup-model")
    return FailoverChatCompletionClient(
        [FailoverMember(primary, name="primary", max_attempts=1, attempt_timeout=5), backup],
        error_policy={"content_filter": "failover"},
        failure_threshold=3,
        cooldown=12.5,
        stream_idle_timeout=20,
        restart_incomplete_streams=True,
    )


async def _same_failover(original: Any, loaded: Any) -> None:
    for client in (original, loaded):
        assert isinstance(client, FailoverChatCompletionClient)
        assert client.member_names == ("primary", "backup-model")
        result = await client.create(_MESSAGES)
        assert result.content == "backup answer"  # primary refused -> backup answered
        assert client.error_policy == {"content_filter": "failover"}
        assert client.breaker("primary").cooldown_s == 12.5


def _openai_chain() -> FailoverChatCompletionClient:
    from autogen_ext.models.openai import OpenAIChatCompletionClient

    primary = OpenAIChatCompletionClient(
        model="gpt-4o-mini", api_key="sk-test-SECRET-0123456789", base_url="http://127.0.0.1:9/v1"
    )
    backup = OpenAIChatCompletionClient(
        model="gpt-4o", api_key="sk-test-OTHER-0123456789", base_url="http://127.0.0.1:9/v1", max_retries=4
    )
    return FailoverChatCompletionClient([primary, FailoverMember(backup, name="backup", context_window=128_000)])


async def _secrets_stay_secret(original: Any, loaded: Any) -> None:
    as_json = original.dump_component().model_dump_json()
    assert "SECRET" not in as_json
    assert "OTHER" not in as_json
    assert "**********" in as_json
    for client in (original, loaded):
        assert isinstance(client, FailoverChatCompletionClient)
        for member in client.members:
            assert cast(Any, member)._client.max_retries == 0  # SDK retries never multiply with the failover client's
    assert isinstance(loaded.members[0], ChatCompletionClient)
    await original.close()
    await loaded.close()


def _recovery_chain() -> FailoverChatCompletionClient:
    from autogen_ext.models.anthropic import AnthropicChatCompletionClient

    primary = ScriptedChatCompletionClient(["primary answer"], model="primary-model")
    vllm = ScriptedChatCompletionClient(["continued"], model="vllm-model")
    claude = AnthropicChatCompletionClient(
        model="claude-3-5-sonnet-20240620", api_key="sk-ant-SECRET-0123456789", base_url="http://127.0.0.1:9"
    )
    return FailoverChatCompletionClient(
        [primary, FailoverMember(vllm, name="vllm", prefill_create_args=_VLLM_ARGS), claude],
        stream_recovery="restart",
    )


async def _same_recovery(original: Any, loaded: Any) -> None:
    assert "SECRET" not in original.dump_component().model_dump_json()
    for client in (original, loaded):
        assert isinstance(client, FailoverChatCompletionClient)
        assert client.stream_recovery == "restart"
        specs = client.dump_component().config["members"]
        assert [m.get("prefill") for m in specs] == [None, True, None]
        assert [m.get("prefill_create_args") for m in specs] == [None, _VLLM_ARGS, None]
        assert (await client.create(_MESSAGES)).content == "primary answer"
    await original.close()
    await loaded.close()


CASES: list[ComponentCase] = [
    ComponentCase(
        id="FailoverChatCompletionClient-stream-recovery",
        build=_recovery_chain,
        interface=ChatCompletionClient,
        check=_same_recovery,
    ),
    ComponentCase(
        id="FailoverChatCompletionClient-scripted",
        build=_scripted_chain,
        interface=ChatCompletionClient,
        check=_same_failover,
    ),
    ComponentCase(
        id="FailoverChatCompletionClient-openai-secrets",
        build=_openai_chain,
        interface=ChatCompletionClient,
        check=_secrets_stay_secret,
    ),
]
