"""Test agentkit setups offline: a fault-injecting fake provider, a scripted client and a manual clock.

- :class:`FakeProvider` — a local OpenAI + Anthropic HTTP server on 127.0.0.1, scripted per model with
  :class:`Reply` and :class:`Fault` steps; also the pytest fixture ``fake_provider``.
- :class:`ScriptedChatCompletionClient` — an in-process fake ``ChatCompletionClient`` answering from a
  script of texts, results, exceptions and :class:`Scripted` steps (latency, chunks, mid-stream failures).
- :class:`ManualClock` — a clock that only moves when the test advances it.
"""

from __future__ import annotations

from ._clock import ManualClock
from ._fake_provider import FAKE_ANTHROPIC_KEY, FAKE_OPENAI_KEY, FakeProvider, RecordedRequest
from ._scripted import (
    Scripted,
    ScriptedCall,
    ScriptedChatCompletionClient,
    ScriptedChatCompletionClientConfig,
    ScriptExhaustedError,
    estimate_tokens,
)
from ._steps import Fault, Reply

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
    "estimate_tokens",
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
):
    _cls.__module__ = __name__
