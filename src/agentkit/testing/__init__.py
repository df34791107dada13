"""Test agentkit setups offline: a fault-injecting fake provider, a scripted client and a manual clock.

- :class:`FakeProvider` — a local OpenAI + Anthropic HTTP server on 127.0.0.1, scripted per model with
  :class:`Reply` and :class:`Fault` steps; also the pytest fixture ``fake_provider``.
- :class:`ScriptedChatCompletionClient` — an in-process fake ``ChatCompletionClient`` answering from a
  script of texts, results, exceptions and :class:`Scripted` steps (latency, chunks, mid-stream failures).
- :class:`ManualClock` — a clock that only moves when the test advances it.
- :func:`tiktoken_offline` — make tiktoken fail fast instead of downloading encodings.
- :func:`capture_events` — collect the agentkit events a block of code emits.
"""

from __future__ import annotations

from ._clock import ManualClock
from ._events import capture_events
from ._fake_provider import FAKE_ANTHROPIC_KEY, FAKE_OPENAI_KEY, FakeProvider, RecordedRequest
from ._offline import TiktokenDownloadBlockedError, tiktoken_cache_file, tiktoken_offline
from ._scripted import ScriptedCall, ScriptedChatCompletionClient, ScriptExhaustedError
from ._scripted_config import ScriptedChatCompletionClientConfig
from ._scripted_step import Scripted
from ._steps import Fault, Reply
from ._token_estimate import estimate_tokens

__all__ = (
    "FAKE_ANTHROPIC_KEY",
    "FAKE_OPENAI_KEY",
    "FakeProvider",
    "Fault",
    "ManualClock",
    "RecordedRequest",
    "Reply",
    "ScriptExhaustedError",
    "Scripted",
    "ScriptedCall",
    "ScriptedChatCompletionClient",
    "ScriptedChatCompletionClientConfig",
    "TiktokenDownloadBlockedError",
    "capture_events",
    "estimate_tokens",
    "tiktoken_cache_file",
    "tiktoken_offline",
)

for _cls in (
    FakeProvider,
    Fault,
    ManualClock,
    RecordedRequest,
    Reply,
    ScriptExhaustedError,
    Scripted,
    ScriptedCall,
    ScriptedChatCompletionClient,
    ScriptedChatCompletionClientConfig,
    TiktokenDownloadBlockedError,
):
    _cls.__module__ = __name__
for _func in (capture_events, estimate_tokens, tiktoken_cache_file, tiktoken_offline):
    _func.__module__ = __name__
