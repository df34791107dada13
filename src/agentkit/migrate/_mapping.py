"""Mapping one merged pyautogen v0.2 config entry to a v0.4 model-client ``ComponentModel`` dict.

Every key of the entry ends up in the report: mapped, changed, added, dropped or manual. Secrets never enter
the component: they become ``${VAR}`` references (or the SDK's own default variable, left implicit) and are
kept in memory only, in :class:`EnvAllocator`, for the live client.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from .._redaction import redact_text
from ._anthropic_family import map_anthropic
from ._common_keys import leftovers
from ._credentials import EnvAllocator, sweep_credentials
from ._entry import NULL_DETAIL, Entry, EntryResult, json_safe, type_name
from ._openai_family import map_azure, map_openai_compatible
from ._providers import (
    ANTHROPIC,
    AZURE,
    BEDROCK,
    OPENAI,
    PROVIDERS,
    canonical_provider,
    env_reference,
    implicit_key_env,
    resolve_api_type,
)

__all__ = (
    "ANTHROPIC",
    "AZURE",
    "BEDROCK",
    "OPENAI",
    "PROVIDERS",
    "EntryResult",
    "EnvAllocator",
    "canonical_provider",
    "env_reference",
    "implicit_key_env",
    "stable_digest",
    "translate_entry",
)


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


def _price(e: Entry) -> tuple[Any, Any] | None:
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


def _cache_seed(e: Entry) -> tuple[int | str | None, bool]:
    if not e.has("cache_seed"):
        return 41, False
    value = e.take("cache_seed")
    if value is None:
        return None, True
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise e.error("cache_seed", f"must be an integer or null, got {type_name(value)}.", "Use e.g. 42 or null.")
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
    e = Entry(entry, location, origins)
    for key, value in entry.items():
        if not json_safe(value):
            raise e.error(key, "holds a value JSON cannot represent (NaN, Infinity or a non-JSON type).", "Fix it.")
    api_type_value = e.take("api_type")
    api_type = resolve_api_type(api_type_value, location)
    if api_type_value is not None:
        e.report("api_type", "mapped", PROVIDERS[api_type].label, f"selects the {PROVIDERS[api_type].label} mapping.")
    custom = e.take("model_client_cls")
    tags = e.take("tags")
    if tags is not None:
        if not isinstance(tags, list):
            raise e.error("tags", f"must be a list of strings, got {type_name(tags)}.", 'Use ["fast", "gpt4"].')
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
        provider, config = map_azure(e, env, model, api_type_value)
        label = PROVIDERS["azure"].label
    elif api_type in ("anthropic", "bedrock"):
        provider, config = map_anthropic(e, env, model, api_type)
        label = PROVIDERS[api_type].label
    else:
        provider, config = map_openai_compatible(e, env, api_type, model)
        label = PROVIDERS[api_type].label
    e.report("model", "mapped", f"{provider.rsplit('.', 1)[-1]}.model")
    leftovers(e, provider.rsplit(".", 1)[-1], label)
    fmt = config.get("response_format")
    if provider in (OPENAI, AZURE) and isinstance(fmt, Mapping) and "json_schema" not in fmt:
        config["response_format"] = {**fmt, "json_schema": None}  # AutoGen's config model requires the key
    sweep_credentials(e, env, config, provider.rsplit(".", 1)[-1].replace("ChatCompletionClient", ""))
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
    component = _component(provider, config, redact_text(model), redact_text(description + "."))
    return EntryResult(index, location, component, seed, seed_explicit, price, model, e.items)


_SOURCE_KEY = {"stop_sequences": "stop", "azure_endpoint": "base_url"}


def _validate(e: Entry, provider: str, config: dict[str, Any]) -> None:
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
