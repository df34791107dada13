"""Mapping one merged pyautogen v0.2 config entry to a v0.4 model-client ``ComponentModel`` dict.

Every key of the entry ends up in the report: mapped, changed, added, dropped or manual. Secrets never enter
the component: they become ``${VAR}`` references (or the SDK's own default variable, left implicit) and are
kept in memory only, in :class:`EnvAllocator`, for the live client.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .._utils import redact_text
from ..exceptions import ConfigTranslationError
from ._model_info import autogen_knows, infer_model_info
from ._report import ItemStatus, ReportItem

__all__ = (
    "ANTHROPIC",
    "AZURE",
    "BEDROCK",
    "OPENAI",
    "PROVIDERS",
    "EntryResult",
    "EnvAllocator",
    "env_reference",
    "implicit_key_env",
    "translate_entry",
)

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

_HOST_KEYS: dict[str, str] = {
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
_OPENAI_CREATE_UNSTORABLE = frozenset(
    {"logprobs", "top_logprobs", "max_completion_tokens", "store", "metadata", "modalities", "prediction",
     "service_tier", "audio", "extra_body", "extra_headers", "extra_query", "web_search_options", "verbosity",
     "prompt_cache_key", "safety_identifier", "tool_choice"}
)  # fmt: skip

ANTHROPIC_CREATE = ("max_tokens", "temperature", "top_p", "top_k", "stop_sequences", "response_format", "metadata")

SECRET_KEYS = frozenset({"api_key", "azure_ad_token", "aws_access_key", "aws_secret_key", "aws_session_token"})
"""Entry keys whose values are secrets (never written, never reported)."""

_SECRET_HEADER = re.compile(r"(auth|key|token|secret|cookie|signature|credential|password)", re.I)


class EnvAllocator:
    """Chooses environment-variable names for secrets and keeps the secret values, in memory only.

    One name per distinct secret: two entries with the same key share a variable; a second, different key for
    the same provider gets ``NAME_2``. If a variable of the current environment already holds exactly that
    value, its name is used.
    """

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ
        self._secrets: dict[str, str] = {}
        self._implicit: set[str] = set()
        self.described: dict[str, str] = {}

    @property
    def secrets(self) -> dict[str, str]:
        """Variable name to secret value (for building the live client; never serialised)."""
        return dict(self._secrets)

    def __repr__(self) -> str:
        return f"EnvAllocator(variables={sorted(self.described)})"

    def _usable(self, name: str, value: str) -> bool:
        held = self._secrets.get(name)
        if held is not None:
            return held == value
        current = self._environ.get(name) or None
        if current is not None and current != value:
            return False  # the environment already holds a different secret under this name
        return not (name in self._implicit and current != value)  # an earlier entry relies on it

    def name_for(self, default: str, value: str | None, what: str) -> str:
        """Pick the variable for a secret (``value=None``: the input relied on ``default`` being set)."""
        if value is None:
            self._implicit.add(default)
            self.described.setdefault(default, what)
            return default
        name: str | None = None
        if self._environ.get(default) == value and self._usable(default, value):
            name = default
        else:
            for candidate, current in self._environ.items():
                if current == value and _SECRET_HEADER.search(candidate) and self._usable(candidate, value):
                    name = candidate
                    break
        if name is None:
            name, n = default, 1
            while not self._usable(name, value):
                n += 1
                name = f"{default}_{n}"
        self._secrets[name] = value
        self.described.setdefault(name, what)
        return name


@dataclass
class EntryResult:
    """One translated entry.

    Attributes:
        index: Index of the entry in the (unfiltered) input list.
        location: Location prefix for messages.
        component: The leaf ``ComponentModel`` dict, or ``None`` when the entry needs manual translation.
        cache_seed: The entry's effective v0.2 ``cache_seed`` (``41`` when absent, as in v0.2).
        cache_seed_explicit: Whether ``cache_seed`` was given.
        price: v0.2 ``price`` as ``(prompt_per_1k, completion_per_1k)``, if given.
        model: The model name.
        items: Report items for the entry's keys.
    """

    index: int
    location: str
    component: dict[str, Any] | None
    cache_seed: int | str | None
    cache_seed_explicit: bool
    price: tuple[Any, Any] | None
    model: str
    items: list[ReportItem] = field(default_factory=list)


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


NULL_DETAIL = "null: the same as not set."


class _Entry:
    """Working state for one entry: the remaining keys and the report items."""

    def __init__(self, entry: Mapping[str, Any], location: str, origins: Mapping[str, str]) -> None:
        self.entry = dict(entry)
        self.remaining = dict(entry)
        self.location = location
        self.origins = origins
        self.items: list[ReportItem] = []

    def where(self, key: str) -> str:
        origin = self.origins.get(key)
        if origin:
            return f"{self.location}.{key} (inherited from {origin})"
        return f"{self.location}.{key}"

    def take(self, key: str) -> Any:
        """Consume a key; a null value is reported as dropped here (``cache_seed``'s null has a meaning)."""
        if key != "cache_seed" and key in self.remaining and self.remaining[key] is None:
            self.report(key, "dropped", detail=NULL_DETAIL)
        return self.remaining.pop(key, None)

    def has(self, key: str) -> bool:
        return key in self.remaining

    def report(self, key: str, status: ItemStatus, target: str = "", detail: str = "", fix: str = "") -> None:
        self.items.append(ReportItem(self.where(key), key, status, target, detail, fix))

    def error(self, key: str, problem: str, fix: str) -> ConfigTranslationError:
        return ConfigTranslationError(self.where(key), problem, fix)

    def string(self, key: str, *, required: bool = False) -> str | None:
        value = self.take(key)
        if value is None:
            if required:
                raise self.error(key, "is required.", f'Add "{key}": "..." to the entry.')
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.error(key, f"must be a non-empty string, got {_type_name(value)}.", f'Use "{key}": "...".')
        return value


def _json_safe(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` is plain, finite JSON (callables such as ``filter_func`` are allowed: reported later)."""
    if depth > 50:
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_safe(v, depth + 1) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_json_safe(v, depth + 1) for v in value)
    return True


def resolve_api_type(value: Any, location: str) -> str:
    """Map a v0.2 ``api_type`` to a canonical provider name (v0.2's prefix match, case-insensitive)."""
    if value is None:
        return "openai"
    if not isinstance(value, str):
        raise ConfigTranslationError(
            f"{location}.api_type", f"must be a string, got {_type_name(value)}.", 'Use e.g. "azure".'
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


def _safe_url(url: str) -> str:
    """The URL without userinfo or query (for reports)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    host = parts.hostname or ""
    port = f":{parts.port}" if _port(parts) else ""
    return f"{parts.scheme}://{host}{port}{parts.path}" if parts.scheme else "<relative URL>"


def _port(parts: Any) -> int | None:
    try:
        return int(parts.port) if parts.port else None
    except ValueError:
        return None


def _url_has_credentials(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return bool(parts.password or parts.username or re.search(r"(key|token|secret|sig)=", parts.query, re.I))


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


# ----------------------------------------------------------------------------------------------------------
# Keys handled the same way for every provider.


def _generic_keys(e: _Entry, target: str, create_keys: tuple[str, ...], renames: Mapping[str, str]) -> dict[str, Any]:
    """Create params, renames and every leftover key. Returns config additions."""
    config: dict[str, Any] = {}
    for key in list(e.remaining):
        value = e.remaining[key]
        if key in renames:
            e.take(key)
            new = renames[key]
            if value is None:
                e.report(key, "dropped", detail=NULL_DETAIL)
            elif new in create_keys:
                if new in e.entry and new != key:
                    e.report(key, "dropped", detail=f"{new!r} is also set and wins.")
                else:
                    config[new] = value
                    e.report(key, "changed", f"{target}.{new}", f"v0.4 calls it {new!r}.")
            else:
                e.report(key, "manual", detail=f"no {new} in {target}.", fix=_extra_fix(key))
            continue
        if key in create_keys:
            e.take(key)
            if value is None:
                e.report(key, "dropped", detail=NULL_DETAIL)
            else:
                config[key] = value
                e.report(key, "mapped", f"{target}.{key}")
    return config


def _extra_fix(key: str) -> str:
    return (
        f"Pass it per call: create(..., extra_create_args={{'extra_body': {{'{key}': ...}}}}) "
        "(AssistantAgent has no per-agent extra args; subclass or wrap the client)."
    )


_WRAPPER_KEYS = ("api_type", "tags", "cache_seed", "price", "model_client_cls")


def _leftovers(e: _Entry, target: str, provider_label: str) -> None:
    """Report every key nobody consumed, with the reason and the fix."""
    for key in list(e.remaining):
        value = e.take(key)
        if value is None:
            continue  # reported by take()
        if key in ("stream",):
            if value:
                e.report(
                    key,
                    "manual",
                    detail="v0.4 streams per agent, not per client.",
                    fix="Pass model_client_stream=True to AssistantAgent (or call create_stream()).",
                )
            else:
                e.report(key, "dropped", detail="non-streaming is v0.4's default.")
        elif key in ("functions", "tools"):
            e.report(
                key,
                "manual",
                detail="v0.4 tools belong to the agent, not to the model client config.",
                fix="Pass the Python functions as AssistantAgent(tools=[...]) (`agentkit migrate code` does this).",
            )
        elif key == "n":
            if value in (None, 1):
                e.report(key, "dropped", detail="n=1 is the only mode v0.4 clients support.")
            else:
                e.report(key, "manual", detail="v0.4 clients return one choice.", fix="Call create() n times.")
        elif key in ("context", "allow_format_str_template"):
            status: ItemStatus = "manual" if value else "dropped"
            e.report(
                key,
                status,
                detail="v0.4 clients have no prompt templating.",
                fix="Format the messages yourself before sending them." if value else "",
            )
        elif key == "filter_func":
            e.report(
                key,
                "manual",
                detail="v0.4 has no response filter with retry on the next config.",
                fix="Check responses in your agent or wrap the client; FailoverChatCompletionClient's error_policy "
                "covers errors only.",
            )
        elif key == "cache":
            e.report(
                key,
                "manual",
                detail="a v0.2 Cache object cannot be translated.",
                fix="Wrap the client in autogen_ext.models.cache.ChatCompletionCache(client, store=...).",
            )
        elif key == "agent":
            e.report(key, "dropped", detail="v0.2-internal (set by the agent).")
        elif key in ("http_client", "_strict_response_validation", "websocket_base_url"):
            e.report(
                key,
                "manual",
                detail=f"{target} config cannot store {key}.",
                fix="Construct the client in code if you need it.",
            )
        elif key == "default_query":
            e.report(
                key,
                "manual",
                detail=f"{target} config cannot store default_query.",
                fix="Append the query to base_url, or construct the client in code.",
            )
        elif key == "api_version":
            e.report(key, "dropped", detail=f"only Azure uses api_version; {provider_label} ignores it (as in v0.2).")
        elif key in _OPENAI_CREATE_UNSTORABLE:
            e.report(key, "manual", detail=f"{target} config cannot store {key}.", fix=_extra_fix(key))
        elif key == "model_info" or key == "model_capabilities":
            e.report(key, "dropped", detail="superseded by the model_info the translation declares.")
        else:
            e.report(
                key,
                "manual",
                detail=f"not a known v0.2 key for {provider_label}: v0.2 passed it to the SDK's create(), and "
                "v0.4 has no place for it.",
                fix="Remove it if it was a typo, else pass it per call via extra_create_args.",
            )


def _model_info(e: _Entry, model: str, knows: bool, kind_note: str = "") -> dict[str, Any] | None:
    given = e.take("model_info")
    if isinstance(given, Mapping) and all(k in given for k in ("vision", "function_calling", "json_output", "family")):
        e.report("model_info", "mapped", "model_info")
        return dict(given)
    if given is not None:
        e.report("model_info", "dropped", detail="incomplete model_info replaced by the translation's.")
    if knows:
        return None
    inferred = infer_model_info(model)
    location_key = "model_info"
    caps = ", ".join(
        f"{k}={inferred.info[k]}" for k in ("vision", "function_calling", "json_output", "structured_output")
    )
    detail = (
        f"v0.4 needs model_info for {model!r}{kind_note}: {inferred.basis}; family={inferred.info['family']}, {caps}."
    )
    if inferred.confident:
        e.items.append(ReportItem(f"{e.location}.model_info", location_key, "added", "model_info", detail))
    else:
        e.items.append(
            ReportItem(
                f"{e.location}.model_info",
                location_key,
                "manual",
                "model_info",
                detail,
                "Check the model's real capabilities and edit model_info in the output.",
            )
        )
    return inferred.info


def _secret_value(e: _Entry, key: str) -> str | None:
    value = e.take(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise e.error(key, f"must be a string, got {_type_name(value)}.", f'Use "{key}": "..." (or leave it out).')
    return value


def _api_key(
    e: _Entry,
    env: EnvAllocator,
    config: dict[str, Any],
    provider: str,
    default_var: str,
    what: str,
    *,
    placeholder_ok: bool,
) -> None:
    value = _secret_value(e, "api_key")
    if value is not None and placeholder_ok and value.strip().lower() in PLACEHOLDER_KEYS:
        config["api_key"] = value
        e.report("api_key", "mapped", "api_key", "a placeholder the local server ignores; kept in clear.")
        return
    if value is not None and env_reference(value):
        config["api_key"] = value
        e.report("api_key", "mapped", "api_key", "already an environment reference.")
        return
    name = env.name_for(default_var, value, what)
    implicit = implicit_key_env(provider, {**config, "api_key": None}) == name
    if implicit:
        config.pop("api_key", None)
        target = f"${name} (read by the SDK)"
    else:
        config["api_key"] = f"${{{name}}}"
        target = f"api_key = ${{{name}}}"
    if value is None:
        e.items.append(
            ReportItem(
                f"{e.location}.api_key",
                "api_key",
                "added",
                target,
                f"no api_key in the entry: v0.2 read it from ${default_var}; so does the output.",
            )
        )
    else:
        e.report(
            "api_key",
            "changed",
            target,
            "the key is not written to the output; it is read from the environment variable.",
            f"export {name}=<the key of this entry> where the output is loaded.",
        )


def _headers(e: _Entry, env: EnvAllocator, config: dict[str, Any], provider_label: str) -> None:
    value = e.take("default_headers")
    if value is None:
        return
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise e.error("default_headers", "must be an object of string headers.", 'Use {"X-Header": "value"}.')
    headers: dict[str, str] = {}
    secret_names: list[str] = []
    for header, header_value in value.items():
        if _SECRET_HEADER.search(header) and not env_reference(header_value):
            var = re.sub(r"[^A-Z0-9]+", "_", f"{provider_label}_{header}".upper()).strip("_")
            name = env.name_for(var, header_value, f"value of the {header} header")
            headers[header] = f"${{{name}}}"
            secret_names.append(f"{header} -> ${name}")
        else:
            headers[header] = header_value
    config["default_headers"] = headers
    if secret_names:
        e.report(
            "default_headers",
            "changed",
            "default_headers",
            "secret-looking header values are read from the environment: " + ", ".join(secret_names) + ".",
            "Export those variables where the output is loaded.",
        )
    else:
        e.report("default_headers", "mapped", "default_headers")


def _number_like(e: _Entry, key: str, target: str, config: dict[str, Any], *, integer: bool) -> None:
    value = e.take(key)
    if value is None:
        if key in e.entry:
            e.report(key, "dropped", detail=NULL_DETAIL)
        return
    ok = isinstance(value, int) and not isinstance(value, bool)
    if not integer:
        ok = ok or isinstance(value, float)
    if not ok:
        kind = "an integer" if integer else "a number"
        raise e.error(key, f"must be {kind}, got {_type_name(value)}.", f'Use e.g. "{key}": 60.')
    if (integer and value < 0) or (not integer and not (0 < value < float("inf"))):
        bound = ">= 0" if integer else "> 0 (seconds)"
        raise e.error(key, f"must be {bound}.", f'Use e.g. "{key}": {2 if integer else 60}.')
    config[key] = value
    e.report(key, "mapped", f"{target}.{key}")


def _client_keys(e: _Entry, config: dict[str, Any], target: str, *, passes: bool = True) -> None:
    for key, integer in (("timeout", False), ("max_retries", True)):
        if not e.has(key):
            continue
        if passes:
            _number_like(e, key, target, config, integer=integer)
        else:
            e.take(key)
            e.report(
                key,
                "manual",
                detail=f"{target} does not pass {key} to its SDK client (AutoGen 0.7.5).",
                fix="Configure it through botocore or wrap the client in FailoverChatCompletionClient with "
                "attempt_timeout.",
            )


# ----------------------------------------------------------------------------------------------------------
# Providers.


def _component(provider: str, config: dict[str, Any], label: str, description: str) -> dict[str, Any]:
    return {
        "provider": provider,
        "component_type": "model",
        "version": 1,
        "component_version": 1,
        "description": description,
        "label": label,
        "config": config,
    }


def _openai_compatible(e: _Entry, env: EnvAllocator, api_type: str, model: str) -> tuple[str, dict[str, Any]]:
    spec = PROVIDERS[api_type]
    target = "OpenAIChatCompletionClient"
    config: dict[str, Any] = {"model": model}
    renames: dict[str, str] = {}
    extra_manual: dict[str, str] = {}
    extra_fixes: dict[str, str] = {}
    if api_type == "google":
        renames = {"max_output_tokens": "max_tokens"}
        extra_manual = {
            "top_k": "Gemini's OpenAI-compatible endpoint has no top_k.",
            "safety_settings": "Gemini safety settings are not part of the OpenAI-compatible API.",
            "project_id": "Vertex AI credentials: v0.4's Gemini path uses an API key.",
            "location": "Vertex AI credentials: v0.4's Gemini path uses an API key.",
            "google_application_credentials": "Vertex AI credentials: v0.4's Gemini path uses an API key.",
            "credentials": "Vertex AI credentials: v0.4's Gemini path uses an API key.",
        }
        if e.has("response_validation"):
            e.take("response_validation")
            e.report("response_validation", "dropped", detail="no v0.4 equivalent; responses are not re-validated.")
    elif api_type == "mistral":
        renames = {"random_seed": "seed"}
        extra_manual = {"safe_prompt": "Mistral's safe_prompt is not part of the OpenAI-compatible config."}
    elif api_type == "together":
        extra_manual = {
            "top_k": "not storable in OpenAIChatCompletionClient's config.",
            "repetition_penalty": "not storable in OpenAIChatCompletionClient's config.",
            "min_p": "not storable in OpenAIChatCompletionClient's config.",
            "safety_model": "Together's safety model is not part of the OpenAI-compatible config.",
        }
    elif api_type == "cohere":
        renames = {"p": "top_p"}
        extra_manual = {"k": "Cohere's OpenAI-compatible endpoint has no top_k."}
        for key in ("client_name", "strict_tools"):
            if e.has(key):
                e.take(key)
                e.report(key, "dropped", detail="Cohere-SDK option with no OpenAI-compatible equivalent.")
    elif api_type == "ollama":
        renames = {"num_predict": "max_tokens"}
        extra_manual = {
            "num_ctx": "Ollama's OpenAI-compatible endpoint ignores num_ctx (the context window falls back to the "
            "model's default, which may truncate prompts).",
            "repeat_penalty": "not part of Ollama's OpenAI-compatible API.",
            "top_k": "not part of Ollama's OpenAI-compatible API.",
        }
        extra_fixes = {
            key: f"Set PARAMETER {key} in a Modelfile (`ollama create`), or use "
            f"autogen_ext.models.ollama.OllamaChatCompletionClient(options={{'{key}': ...}})."
            for key in extra_manual
        }
        for key in ("native_tool_calls", "hide_tools"):
            if e.has(key):
                e.take(key)
                e.report(key, "dropped", detail="v0.4 always uses Ollama's native tool calls (OpenAI-compatible).")

    # Endpoint.
    base_url = e.string("base_url")
    host_param = e.string("client_host") if api_type == "ollama" else None
    if base_url is not None:
        config["base_url"] = base_url
        e.report("base_url", "mapped", f"{target}.base_url", f"endpoint {_safe_url(base_url)}.")
        if host_param is not None:
            e.report("client_host", "dropped", detail="base_url is also set and wins.")
    elif host_param is not None:
        config["base_url"] = host_param.rstrip("/") + "/v1"
        e.report("client_host", "changed", f"{target}.base_url", "Ollama's OpenAI-compatible endpoint is host + /v1.")
    elif spec.base_url is not None:
        config["base_url"] = spec.base_url
        e.items.append(
            ReportItem(
                f"{e.location}.base_url",
                "base_url",
                "added",
                f"{target}.base_url",
                f"{spec.label}'s OpenAI-compatible endpoint {spec.base_url}.",
            )
        )
    if "base_url" in config and _url_has_credentials(str(config["base_url"])) and not env_reference(config["base_url"]):
        name = env.name_for(f"{spec.name.upper()}_BASE_URL", str(config["base_url"]), "base URL (it holds credentials)")
        config["base_url"] = f"${{{name}}}"
        e.items.append(
            ReportItem(
                f"{e.location}.base_url",
                "base_url",
                "changed",
                f"base_url = ${{{name}}}",
                "the URL holds credentials, so it is read from the environment.",
                f"export {name}=<the URL>.",
            )
        )

    # Key.
    default_var = spec.key_env
    base = str(config.get("base_url") or "")
    if api_type == "openai" and base and _host(base) not in ("", "api.openai.com") and e.has("api_key"):
        # A key written in the entry belongs to that server; without one, v0.2's SDK read OPENAI_API_KEY.
        default_var = _HOST_KEYS.get(_host(base), "OPENAI_COMPATIBLE_API_KEY")
    is_local = api_type == "ollama" or (base and _host(base) in ("localhost", "127.0.0.1", "0.0.0.0", "::1"))
    if api_type == "ollama" and not e.has("api_key"):
        config["api_key"] = "ollama"
        e.items.append(
            ReportItem(
                f"{e.location}.api_key",
                "api_key",
                "added",
                "api_key",
                'the OpenAI SDK needs some key; Ollama ignores it ("ollama", kept in clear).',
            )
        )
    else:
        what = f"{spec.label} API key"
        if default_var != spec.key_env:
            what = f"API key for {_safe_url(base)}"
        _api_key(e, env, config, OPENAI, default_var, what, placeholder_ok=bool(is_local or base))

    if e.has("organization"):
        value = e.string("organization")
        if value is not None:
            config["organization"] = value
            e.report("organization", "mapped", f"{target}.organization")
    if e.has("project"):
        value = e.take("project")
        e.report(
            "project",
            "manual",
            detail=f"{target} config cannot store project.",
            fix="export OPENAI_PROJECT_ID=<the project> (the openai SDK reads it).",
        )
    _client_keys(e, config, target)
    _headers(e, env, config, spec.name)
    for key, why in extra_manual.items():
        if e.has(key):
            e.take(key)
            e.report(key, "manual", detail=why, fix=extra_fixes.get(key) or _extra_fix(key))
    config.update(_generic_keys(e, target, OPENAI_CREATE, renames))
    # OpenAI (or an OpenAI proxy serving e.g. "gpt-4o") and Gemini names: AutoGen's own table applies. Other
    # providers always get an explicit model_info (the same name may have other capabilities there).
    knows = api_type in ("openai", "google") and autogen_knows("openai", model)
    info = _model_info(e, model, knows)
    if info is not None:
        config["model_info"] = info
    return OPENAI, config


def _azure(e: _Entry, env: EnvAllocator, model: str, api_type_value: str | None) -> tuple[str, dict[str, Any]]:
    target = "AzureOpenAIChatCompletionClient"
    config: dict[str, Any] = {"model": model}
    auth = [k for k in ("api_key", "azure_ad_token", "azure_ad_token_provider") if e.entry.get(k) is not None]
    if len(auth) > 1:
        raise e.error(
            auth[1],
            f"{' and '.join(auth)} are mutually exclusive (the openai SDK refuses both, v0.2 failed too).",
            "Keep one way to authenticate.",
        )
    deployment = e.string("azure_deployment")
    if deployment is not None:
        stripped = deployment.replace(".", "")
        config["azure_deployment"] = stripped
        detail = "dots removed, as v0.2 did." if stripped != deployment else ""
        e.report("azure_deployment", "changed" if detail else "mapped", f"{target}.azure_deployment", detail)
    else:
        config["azure_deployment"] = model.replace(".", "")
        e.items.append(
            ReportItem(
                f"{e.location}.azure_deployment",
                "azure_deployment",
                "added",
                f"{target}.azure_deployment",
                "v0.2 used the model name with its dots removed as the deployment name.",
            )
        )
    endpoint = e.string("azure_endpoint")
    base_url = e.string("base_url")
    if endpoint is not None:
        config["azure_endpoint"] = endpoint
        e.report("azure_endpoint", "mapped", f"{target}.azure_endpoint")
        if base_url is not None:
            e.report("base_url", "dropped", detail="azure_endpoint is also set and wins (as in v0.2).")
    elif base_url is not None:
        config["azure_endpoint"] = base_url
        e.report("base_url", "changed", f"{target}.azure_endpoint", "v0.2 used base_url as the Azure endpoint.")
    else:
        config["azure_endpoint"] = "${AZURE_OPENAI_ENDPOINT}"
        env.described.setdefault("AZURE_OPENAI_ENDPOINT", "Azure OpenAI endpoint")
        e.items.append(
            ReportItem(
                f"{e.location}.azure_endpoint",
                "azure_endpoint",
                "added",
                "azure_endpoint = ${AZURE_OPENAI_ENDPOINT}",
                "no endpoint in the entry: the openai SDK read AZURE_OPENAI_ENDPOINT; v0.4's config needs one, so it "
                "refers to that variable.",
            )
        )
    if config.get("azure_endpoint") and _url_has_credentials(str(config["azure_endpoint"])):
        name = env.name_for(
            "AZURE_OPENAI_ENDPOINT", str(config["azure_endpoint"]), "Azure endpoint (holds credentials)"
        )
        config["azure_endpoint"] = f"${{{name}}}"
    version = e.string("api_version")
    if version is not None:
        config["api_version"] = version
        e.report("api_version", "mapped", f"{target}.api_version")
    else:
        config["api_version"] = "${OPENAI_API_VERSION}"
        env.described.setdefault("OPENAI_API_VERSION", "Azure OpenAI API version")
        e.items.append(
            ReportItem(
                f"{e.location}.api_version",
                "api_version",
                "added",
                "api_version = ${OPENAI_API_VERSION}",
                "v0.4 requires api_version; the openai SDK's default variable is referenced.",
                "Or write the version (e.g. 2024-06-01) into the output.",
            )
        )
    token = _secret_value(e, "azure_ad_token")
    if token is not None:
        name = env.name_for("AZURE_OPENAI_AD_TOKEN", token, "Azure AD token")
        config["azure_ad_token"] = f"${{{name}}}"
        e.report(
            "azure_ad_token",
            "changed",
            f"azure_ad_token = ${{{name}}}",
            "the token is read from the environment, never written.",
            "Tokens expire: prefer azure_ad_token_provider.",
        )
    provider_value = e.take("azure_ad_token_provider")
    if provider_value is not None:
        if provider_value == "DEFAULT":
            config["azure_ad_token_provider"] = {
                "provider": "autogen_ext.auth.azure.AzureTokenProvider",
                "component_type": "token_provider",
                "version": 1,
                "component_version": 1,
                "config": {
                    "provider_kind": "DefaultAzureCredential",
                    "scopes": ["https://cognitiveservices.azure.com/.default"],
                },
            }
            e.report(
                "azure_ad_token_provider",
                "changed",
                "AzureTokenProvider(DefaultAzureCredential)",
                'v0.2\'s "DEFAULT" is DefaultAzureCredential with the Cognitive Services scope.',
                "Install autogen-ext[azure] (azure-identity) where the output is loaded.",
            )
        else:
            e.report(
                "azure_ad_token_provider",
                "manual",
                detail="a custom token provider callable cannot be serialised.",
                fix="Use autogen_ext.auth.azure.AzureTokenProvider, or construct the client in code.",
            )
    if e.has("api_key") or ("azure_ad_token" not in config and "azure_ad_token_provider" not in config):
        _api_key(e, env, config, AZURE, "AZURE_OPENAI_API_KEY", "Azure OpenAI API key", placeholder_ok=False)
    _client_keys(e, config, target)
    _headers(e, env, config, "azure")
    config.update(_generic_keys(e, target, OPENAI_CREATE, {}))
    info = _model_info(e, model, autogen_knows("openai", model), " (Azure looks it up by model, not deployment)")
    if info is not None:
        config["model_info"] = info
    return AZURE, config


def _anthropic(e: _Entry, env: EnvAllocator, model: str, api_type: str) -> tuple[str, dict[str, Any]]:
    aws_keys = ("aws_access_key", "aws_secret_key", "aws_session_token", "aws_region", "aws_profile_name")
    bedrock = api_type == "bedrock" or (not e.has("api_key") and any(e.entry.get(k) is not None for k in aws_keys))
    target = "AnthropicBedrockChatCompletionClient" if bedrock else "AnthropicChatCompletionClient"
    config: dict[str, Any] = {"model": model}
    if bedrock:
        info_block: dict[str, Any] = {}
        given_any = False
        for key, default_var, what in (
            ("aws_access_key", "AWS_ACCESS_KEY_ID", "AWS access key id"),
            ("aws_secret_key", "AWS_SECRET_ACCESS_KEY", "AWS secret access key"),
            ("aws_session_token", "AWS_SESSION_TOKEN", "AWS session token"),
        ):
            value = _secret_value(e, key)
            if value is None:
                info_block[key] = ""
                continue
            given_any = True
            name = env.name_for(default_var, value, what)
            info_block[key] = f"${{{name}}}"
            e.report(key, "changed", f"bedrock_info.{key} = ${{{name}}}", "read from the environment, never written.")
        region = e.string("aws_region")
        if region is not None:
            info_block["aws_region"] = region
            e.report("aws_region", "mapped", "bedrock_info.aws_region")
        else:
            info_block["aws_region"] = "${AWS_REGION}"
            env.described.setdefault("AWS_REGION", "AWS region for Bedrock")
            e.items.append(
                ReportItem(
                    f"{e.location}.aws_region",
                    "aws_region",
                    "added",
                    "bedrock_info.aws_region = ${AWS_REGION}",
                    "v0.4 requires a region; AWS_REGION is referenced.",
                )
            )
        if not given_any:
            e.items.append(
                ReportItem(
                    f"{e.location}.bedrock_info",
                    "bedrock_info",
                    "added",
                    "bedrock_info",
                    "no AWS keys in the entry: empty keys make boto use its default credential chain "
                    "(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws, instance roles). v0.2 also read the "
                    "non-standard AWS_ACCESS_KEY/AWS_SECRET_KEY variables.",
                )
            )
        elif not info_block["aws_session_token"]:
            e.items.append(
                ReportItem(
                    f"{e.location}.aws_session_token",
                    "aws_session_token",
                    "added",
                    'bedrock_info.aws_session_token = ""',
                    "v0.4 needs all four bedrock_info keys; an empty session token means none.",
                )
            )
        config["bedrock_info"] = info_block
        if e.has("aws_profile_name"):
            e.take("aws_profile_name")
            e.report(
                "aws_profile_name",
                "manual",
                detail="v0.4's Bedrock client takes no profile name.",
                fix="export AWS_PROFILE=<profile> (used by boto's default chain when no keys are given).",
            )
        if e.has("api_key"):
            e.take("api_key")
            e.report("api_key", "dropped", detail="Bedrock authenticates with AWS credentials.")
        for key in ("base_url",):
            if e.has(key):
                e.take(key)
                e.report(key, "manual", detail=f"{target} does not pass base_url (AutoGen 0.7.5).", fix="Remove it.")
        _client_keys(e, config, target, passes=False)
        for key in ("supports_system_prompts", "additional_model_request_fields"):
            if e.has(key):
                e.take(key)
                e.report(key, "dropped", detail="v0.2 Bedrock-Converse option; the Anthropic client needs none.")
    else:
        base_url = e.string("base_url")
        if base_url is not None:
            config["base_url"] = base_url
            e.report("base_url", "mapped", f"{target}.base_url")
        _api_key(e, env, config, ANTHROPIC, "ANTHROPIC_API_KEY", "Anthropic API key", placeholder_ok=False)
        _client_keys(e, config, target)
        _headers(e, env, config, "anthropic")
    create = _generic_keys(e, target, ANTHROPIC_CREATE, {"stop": "stop_sequences"})
    if isinstance(create.get("stop_sequences"), str):
        create["stop_sequences"] = [create["stop_sequences"]]
    if "max_tokens" not in create:
        e.items.append(
            ReportItem(
                f"{e.location}.max_tokens",
                "max_tokens",
                "added",
                f"{target}.max_tokens",
                "Anthropic requires max_tokens; v0.4 defaults to 4096 (as v0.2's AnthropicClient did).",
            )
        )
    config.update(create)
    info = _model_info(e, model, (not bedrock) and autogen_knows("anthropic", model))
    if info is not None:
        config["model_info"] = info
    return (BEDROCK if bedrock else ANTHROPIC), config


# ----------------------------------------------------------------------------------------------------------


def _price(e: _Entry) -> tuple[Any, Any] | None:
    value = e.take("price")
    if value is None:
        return None
    number = (int, float)
    if isinstance(value, number) and not isinstance(value, bool) and value >= 0:
        return (value, value)
    if (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(isinstance(v, number) and not isinstance(v, bool) and v >= 0 for v in value)
    ):
        return (value[0], value[1])
    raise e.error(
        "price", "must be [prompt_price_per_1k, completion_price_per_1k] (non-negative numbers).", "Use [0.0025, 0.01]."
    )


def _cache_seed(e: _Entry) -> tuple[int | str | None, bool]:
    if not e.has("cache_seed"):
        return 41, False
    value = e.take("cache_seed")
    if value is None:
        return None, True
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise e.error("cache_seed", f"must be an integer or null, got {_type_name(value)}.", "Use e.g. 42 or null.")
    if (isinstance(value, str) and not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", value)) or value in (".", ".."):
        raise e.error("cache_seed", "must be an integer (or a short name usable as a directory).", "Use e.g. 42.")
    return value, True


def translate_entry(
    index: int,
    entry: Mapping[str, Any],
    location: str,
    origins: Mapping[str, str],
    env: EnvAllocator,
) -> EntryResult:
    """Translate one merged entry (top-level ``llm_config`` keys already merged under it).

    Raises:
        ConfigTranslationError: a wrong type, a missing model or an unknown ``api_type``.
    """
    e = _Entry(entry, location, origins)
    for key, value in entry.items():
        if not _json_safe(value):
            raise e.error(key, "holds a value JSON cannot represent (NaN, Infinity or a non-JSON type).", "Fix it.")
    api_type_value = e.take("api_type")
    api_type = resolve_api_type(api_type_value, location)
    if api_type_value is not None:
        e.report("api_type", "mapped", PROVIDERS[api_type].label, f"selects the {PROVIDERS[api_type].label} mapping.")
    custom = e.take("model_client_cls")
    tags = e.take("tags")
    if tags is not None:
        if not isinstance(tags, list):
            raise e.error("tags", f"must be a list of strings, got {_type_name(tags)}.", 'Use ["fast", "gpt4"].')
        e.report("tags", "changed", "component description", "used by filter_dict; kept in the description.")
    price = _price(e)
    seed, seed_explicit = _cache_seed(e)
    for key in ("api_type", "tags", "price", "model_client_cls"):
        if key in e.entry and e.entry[key] is None:
            e.report(key, "dropped", detail=NULL_DETAIL)
    if custom is not None:
        for key in list(e.remaining):
            e.take(key)
            e.report(key, "dropped", detail="belongs to the custom client entry, which is not translated.")
        e.report(
            "model_client_cls",
            "manual",
            detail=f"custom v0.2 model client {redact_text(str(custom)[:60])!r}: there is no automatic translation.",
            fix="Implement it as a v0.4 ChatCompletionClient and insert it at this position of the chain.",
        )
        if "cache_seed" in e.entry:
            e.report("cache_seed", "dropped", detail="belongs to the custom client entry, which is not translated.")
        model_name = entry.get("model")
        return EntryResult(
            index, location, None, seed, seed_explicit, price, str(model_name) if model_name else "", e.items
        )
    model = e.string("model", required=True)
    assert model is not None
    if api_type == "bedrock" and "claude" not in model.lower():
        for key in list(e.remaining):
            e.take(key)
            e.report(key, "dropped", detail="belongs to the Bedrock entry, which is not translated.")
        e.report(
            "model",
            "manual",
            detail=f"{model[:60]!r} on Bedrock: AutoGen 0.7.5 only has a Bedrock client for Anthropic models.",
            fix="Use an OpenAI-compatible gateway (e.g. Bedrock Access Gateway) or write a ChatCompletionClient.",
        )
        if "cache_seed" in e.entry:
            e.report("cache_seed", "dropped", detail="belongs to the Bedrock entry, which is not translated.")
        return EntryResult(index, location, None, seed, seed_explicit, price, model, e.items)
    if api_type == "azure":
        provider, config = _azure(e, env, model, api_type_value)
        label = PROVIDERS["azure"].label
    elif api_type in ("anthropic", "bedrock"):
        provider, config = _anthropic(e, env, model, api_type)
        label = PROVIDERS[api_type].label
    else:
        provider, config = _openai_compatible(e, env, api_type, model)
        label = PROVIDERS[api_type].label
    e.report("model", "mapped", f"{provider.rsplit('.', 1)[-1]}.model")
    _leftovers(e, provider.rsplit(".", 1)[-1], label)
    fmt = config.get("response_format")
    if provider in (OPENAI, AZURE) and isinstance(fmt, Mapping) and "json_schema" not in fmt:
        config["response_format"] = {**fmt, "json_schema": None}  # AutoGen's config model requires the key
    _validate(e, provider, config)
    for key, value in config.items():
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            source = key if key in e.entry else _SOURCE_KEY.get(key, key)
            raise e.error(source, "holds a value JSON cannot represent.", "Use plain JSON values.") from None
    description = f"{label} {model}, translated from pyautogen v0.2 config entry {location}"
    if tags:
        description += f" (tags: {', '.join(str(t) for t in tags)})"
    component = _component(provider, config, model, description + ".")
    return EntryResult(index, location, component, seed, seed_explicit, price, model, e.items)


_SOURCE_KEY = {"stop_sequences": "stop", "azure_endpoint": "base_url"}


def _validate(e: _Entry, provider: str, config: dict[str, Any]) -> None:
    """Validate against AutoGen's config model, so a wrong type fails here, with the input location."""
    try:
        from pydantic import ValidationError

        if provider in (OPENAI, AZURE):
            from autogen_ext.models.openai import config as openai_config

            schema: Any = (
                openai_config.OpenAIClientConfigurationConfigModel
                if provider == OPENAI
                else openai_config.AzureOpenAIClientConfigurationConfigModel
            )
        else:
            from autogen_ext.models.anthropic import config as anthropic_config

            schema = (
                anthropic_config.AnthropicClientConfigurationConfigModel
                if provider == ANTHROPIC
                else anthropic_config.AnthropicBedrockClientConfigurationConfigModel
            )
    except ImportError:  # the provider extra is not installed: validated when loaded instead
        return
    try:
        schema.model_validate(config)
    except ValidationError as error:
        first = error.errors()[0]
        loc = [str(part) for part in first.get("loc", ())]
        key = loc[0] if loc else "model"
        source = key if key in e.entry else _SOURCE_KEY.get(key, key)
        raise e.error(
            source,
            f"{first.get('msg', 'is invalid')} (AutoGen's {schema.__name__} at {'.'.join(loc)}).",
            "Fix the value's type.",
        ) from None


def stable_digest(data: Any) -> str:
    """A short stable digest of a JSON-ready value (used to name cache directories)."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:12]
