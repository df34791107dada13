"""Offline by default: tiktoken downloads are blocked on request and agentkit never needs them."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from autogen_core.models import UserMessage

from agentkit.exceptions import ConfigurationError
from agentkit.testing import (
    FakeProvider,
    ScriptedChatCompletionClient,
    TiktokenDownloadBlockedError,
    tiktoken_cache_file,
    tiktoken_offline,
)

MESSAGES = [UserMessage(content="hello", source="user")]


def test_real_clients_count_tokens_fail_fast_when_offline(
    fake_provider: FakeProvider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    openai_client = fake_provider.openai_client("gpt-4o-mini")
    anthropic_client = fake_provider.anthropic_client("claude-haiku-4-5")
    with tiktoken_offline():
        with pytest.raises(TiktokenDownloadBlockedError, match="o200k_base"):
            openai_client.count_tokens(MESSAGES)
        # the Anthropic client swallows the first failure and falls back to gpt2, which downloads too
        with pytest.raises(TiktokenDownloadBlockedError, match="TIKTOKEN_CACHE_DIR"):
            anthropic_client.count_tokens(MESSAGES)
    import tiktoken.load

    assert tiktoken.load.read_file.__name__ == "read_file"  # restored


def test_cached_encodings_still_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tiktoken.load

    url = "https://openaipublic.blob.core.windows.net/encodings/r50k_base.tiktoken"
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    Path(tiktoken_cache_file("r50k_base")).write_bytes(b"cached-bytes")
    assert Path(tiktoken_cache_file("r50k_base")).name == hashlib.sha1(url.encode()).hexdigest()
    with tiktoken_offline():
        assert tiktoken.load.read_file_cached(url) == b"cached-bytes"


def test_tiktoken_cache_file_refuses_unknown_encodings() -> None:
    with pytest.raises(ConfigurationError, match="encoding"):
        tiktoken_cache_file("nope")


def test_scripted_client_counts_tokens_offline() -> None:
    with tiktoken_offline():
        assert ScriptedChatCompletionClient([]).count_tokens(MESSAGES) == 3 + 2


def test_importing_agentkit_testing_pulls_in_no_provider_sdk() -> None:
    code = (
        "import sys, agentkit.testing\n"
        "print(','.join(sorted(m for m in ('openai', 'anthropic', 'tiktoken', 'autogen_ext.models.openai',"
        " 'autogen_ext.models.anthropic') if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
