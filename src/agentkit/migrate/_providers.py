"""Provider tables for the v0.2 config translator: api_type dispatch, endpoints, key variables, create params."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .._redaction import redact_text
from ..exceptions import ConfigTranslationError
from ._entry import type_name

OPENAI = "autogen_ext.models.openai.OpenAIChatCompletionClient"
AZURE = "autogen_ext.models.openai.AzureOpenAIChatCompletionClient"
ANTHROPIC = "autogen_ext.models.anthropic.AnthropicChatCompletionClient"
BEDROCK = "autogen_ext.models.anthropic.AnthropicBedrockChatCompletionClient"

_SHORT = {
    "OpenAIChatCompletionClient": OPENAI,
    "openai_chat_completion_client": OPENAI,
    "AzureOpenAIChatCompletionClient": AZURE,
    "azure_openai_chat_completion_client": AZURE,
}

_REF = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")


def env_reference(value: Any) -> str | None:
    """The variable name if ``value`` is an environment reference ``"${NAME}"``, else ``None``."""
    if isinstance(value, str):
        match = _REF.match(value)
        if match:
            return match.group(1)
    return None


def canonical_provider(provider: str) -> str:
    """Expand AutoGen's well-known short provider names to full paths."""
    return _SHORT.get(provider, provider)


def implicit_key_env(provider: str, config: Mapping[str, Any]) -> str | None:
    """The environment variable the SDK reads when a client config has no ``api_key``, if any.

    OpenAI: ``OPENAI_API_KEY`` (AutoGen reads ``GEMINI_API_KEY`` / ``ANTHROPIC_API_KEY`` / ``LLAMA_API_KEY``
    for ``gemini-*`` / ``claude-*`` / ``Llama-*`` names); Azure: ``AZURE_OPENAI_API_KEY`` unless an AD token
    (provider) is configured; Anthropic: ``ANTHROPIC_API_KEY``.
    """
    if config.get("api_key") is not None:
        return None
    provider = canonical_provider(provider)
    if provider == OPENAI:
        model = str(config.get("model", ""))
        for prefix, var in (
            ("gemini-", "GEMINI_API_KEY"),
            ("claude-", "ANTHROPIC_API_KEY"),
            ("Llama-", "LLAMA_API_KEY"),
        ):
            if model.startswith(prefix):
                return var
        return "OPENAI_API_KEY"
    if provider == AZURE:
        if config.get("azure_ad_token") is not None or config.get("azure_ad_token_provider") is not None:
            return None
        return "AZURE_OPENAI_API_KEY"
    if provider == ANTHROPIC:
        return "ANTHROPIC_API_KEY"
    return None


@dataclass(frozen=True)
class ProviderSpec:
    """How one v0.2 ``api_type`` maps to v0.4.

    Attributes:
        name: Canonical api_type.
        key_env: Default environment variable for its API key.
        base_url: OpenAI-compatible endpoint (for providers reached through ``OpenAIChatCompletionClient``).
        label: Human name for the report.
    """

    name: str
    key_env: str
    base_url: str | None
    label: str


PROVIDERS: dict[str, ProviderSpec] = {
    spec.name: spec
    for spec in (
        ProviderSpec("openai", "OPENAI_API_KEY", None, "OpenAI"),
        ProviderSpec("azure", "AZURE_OPENAI_API_KEY", None, "Azure OpenAI"),
        ProviderSpec("anthropic", "ANTHROPIC_API_KEY", None, "Anthropic"),
        ProviderSpec("bedrock", "AWS_ACCESS_KEY_ID", None, "Amazon Bedrock"),
        ProviderSpec("google", "GEMINI_API_KEY", "https://generativelanguage.googleapis.com/v1beta/openai/", "Gemini"),
        ProviderSpec("mistral", "MISTRAL_API_KEY", "https://api.mistral.ai/v1", "Mistral AI"),
        ProviderSpec("groq", "GROQ_API_KEY", "https://api.groq.com/openai/v1", "Groq"),
        ProviderSpec("together", "TOGETHER_API_KEY", "https://api.together.xyz/v1", "Together AI"),
        ProviderSpec("deepseek", "DEEPSEEK_API_KEY", "https://api.deepseek.com/v1", "DeepSeek"),
        ProviderSpec("cerebras", "CEREBRAS_API_KEY", "https://api.cerebras.ai/v1", "Cerebras"),
        ProviderSpec("cohere", "COHERE_API_KEY", "https://api.cohere.ai/compatibility/v1", "Cohere"),
        ProviderSpec("ollama", "OLLAMA_API_KEY", "http://localhost:11434/v1", "Ollama"),
    )
}

# v0.2 dispatched on `api_type.startswith(...)` in this order; "gemini", "open_ai" and "deepseek" are accepted too.
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("azure", "azure"),
    ("cerebras", "cerebras"),
    ("google", "google"),
    ("gemini", "google"),
    ("anthropic", "anthropic"),
    ("mistral", "mistral"),
    ("together", "together"),
    ("groq", "groq"),
    ("cohere", "cohere"),
    ("ollama", "ollama"),
    ("bedrock", "bedrock"),
    ("deepseek", "deepseek"),
    ("openai", "openai"),
    ("open_ai", "openai"),
)

HOST_KEYS: dict[str, str] = {
    "api.openai.com": "OPENAI_API_KEY",
    "generativelanguage.googleapis.com": "GEMINI_API_KEY",
    "api.mistral.ai": "MISTRAL_API_KEY",
    "api.groq.com": "GROQ_API_KEY",
    "api.together.xyz": "TOGETHER_API_KEY",
    "api.together.ai": "TOGETHER_API_KEY",
    "api.deepseek.com": "DEEPSEEK_API_KEY",
    "api.cerebras.ai": "CEREBRAS_API_KEY",
    "api.cohere.ai": "COHERE_API_KEY",
    "api.cohere.com": "COHERE_API_KEY",
    "api.fireworks.ai": "FIREWORKS_API_KEY",
    "openrouter.ai": "OPENROUTER_API_KEY",
    "api.x.ai": "XAI_API_KEY",
    "api.perplexity.ai": "PERPLEXITY_API_KEY",
    "api.anthropic.com": "ANTHROPIC_API_KEY",
}

# Values local OpenAI-compatible servers accept as "no key"; not secrets, kept in clear.
PLACEHOLDER_KEYS = frozenset(
    {"", "null", "none", "empty", "not-needed", "not_needed", "notneeded", "no-key", "nokey", "dummy", "fake",
     "ollama", "lm-studio", "lmstudio", "sk-no-key-required", "x", "-", "na", "n/a"}
)  # fmt: skip

OPENAI_CREATE = (
    "temperature",
    "top_p",
    "max_tokens",
    "seed",
    "stop",
    "response_format",
    "frequency_penalty",
    "presence_penalty",
    "logit_bias",
    "user",
    "parallel_tool_calls",
    "reasoning_effort",
    "stream_options",
)
"""v0.2 create params that ``OpenAIClientConfigurationConfigModel`` stores."""

# Valid OpenAI create() params the v0.4 config model cannot store (pydantic drops them on dump).
OPENAI_CREATE_UNSTORABLE = frozenset(
    {"logprobs", "top_logprobs", "max_completion_tokens", "store", "metadata", "modalities", "prediction",
     "service_tier", "audio", "extra_body", "extra_headers", "extra_query", "web_search_options", "verbosity",
     "prompt_cache_key", "safety_identifier", "tool_choice"}
)  # fmt: skip

ANTHROPIC_CREATE = ("max_tokens", "temperature", "top_p", "top_k", "stop_sequences", "response_format", "metadata")


def resolve_api_type(value: Any, location: str) -> str:
    """Map a v0.2 ``api_type`` to a canonical provider name (v0.2's prefix match, case-insensitive)."""
    if value is None:
        return "openai"
    if not isinstance(value, str):
        raise ConfigTranslationError(
            f"{location}.api_type", f"must be a string, got {type_name(value)}.", 'Use e.g. "azure".'
        )
    lowered = value.strip().lower()
    for prefix, name in _PREFIXES:
        if lowered.startswith(prefix):
            return name
    supported = ", ".join(sorted({name for _, name in _PREFIXES}))
    raise ConfigTranslationError(
        f"{location}.api_type",
        f"unknown api_type {redact_text(value[:40])!r} (v0.2 silently used the OpenAI client for it).",
        f"Use one of: {supported}; for any OpenAI-compatible server drop api_type and keep base_url.",
    )


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
