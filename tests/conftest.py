"""Shared fixtures. The ``fake_provider`` fixture comes from agentkit's own pytest plugin."""

from __future__ import annotations

import os

# Nothing in the test suite may reach the internet. tiktoken downloads encodings on first use; make that
# fail fast and loudly instead of hanging, should any path still call a real client's count_tokens.
os.environ.setdefault("TIKTOKEN_CACHE_DIR", os.path.join(os.path.dirname(__file__), ".tiktoken-cache-unused"))
for _var in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "AZURE_OPENAI_API_KEY", "GEMINI_API_KEY"):
    os.environ.pop(_var, None)

# Property tests explore at random on developer machines; CI replays a fixed, reproducible sequence.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, print_blob=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")
