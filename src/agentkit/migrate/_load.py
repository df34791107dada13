"""Loading a translated configuration: environment references resolved, then the real v0.4 clients built.

The translated JSON is plain AutoGen ``ComponentModel`` JSON. Secrets are never in it: API keys are either
left to the SDK's own default variable (``OPENAI_API_KEY``, ``AZURE_OPENAI_API_KEY``, ``ANTHROPIC_API_KEY``,
``GEMINI_API_KEY`` for ``gemini-*`` models) or written as ``"${NAME}"`` references. :func:`load_client`
resolves both and fails with :class:`~agentkit.exceptions.MissingEnvironmentVariableError` naming the variable.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._extras import EXTRAS, install_hint
from .._redaction import reject_redacted
from ..exceptions import ConfigTranslationError, MissingEnvironmentVariableError
from ._mapping import ANTHROPIC, AZURE, BEDROCK, OPENAI, canonical_provider, env_reference, implicit_key_env

if TYPE_CHECKING:
    from autogen_core.models import ChatCompletionClient

__all__ = ("CACHE", "FAILOVER", "build_client", "load_client", "resolve_references")

CACHE = "autogen_ext.models.cache.ChatCompletionCache"
FAILOVER = "agentkit.models.FailoverChatCompletionClient"


def _lookup(env: Mapping[str, str], variable: str, field: str) -> str:
    value = env.get(variable)
    if not value:
        raise MissingEnvironmentVariableError(variable, field)
    return value


def resolve_references(config: Mapping[str, Any], env: Mapping[str, str], location: str) -> dict[str, Any]:
    """Replace ``"${NAME}"`` references in a model-client config with values from ``env``.

    Every string that is exactly ``"${NAME}"`` is resolved, at any depth (the translation writes references
    for ``api_key``, ``azure_ad_token``, ``azure_endpoint``, ``api_version``, ``base_url``, header and
    ``bedrock_info`` values, and any other value that looked like a credential).

    Raises:
        MissingEnvironmentVariableError: a referenced variable is not set (or empty).
    """
    resolved = _resolve(dict(config), env, location)
    assert isinstance(resolved, dict)
    return resolved


def _resolve(value: Any, env: Mapping[str, str], location: str) -> Any:
    if isinstance(value, str):
        variable = env_reference(value)
        return _lookup(env, variable, location) if variable else value
    if isinstance(value, Mapping):
        return {key: _resolve(item, env, f"{location}.{key}") for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, env, f"{location}[{index}]") for index, item in enumerate(value)]
    return value


def _validation_error(error: Exception, location: str) -> ConfigTranslationError:
    errors = getattr(error, "errors", None)
    if callable(errors):
        try:
            first = errors()[0]
            where = ".".join(str(part) for part in first.get("loc", ()))
            return ConfigTranslationError(
                f"{location}.config.{where}" if where else location,
                f"{first.get('msg', 'is invalid')}.",
                "Fix the value in the JSON.",
            )
        except Exception:  # pragma: no cover - defensive: pydantic's error format
            pass
    return ConfigTranslationError(location, f"cannot be loaded ({type(error).__name__}).", "Check the component JSON.")


def build_client(
    component: Mapping[str, Any], env: Mapping[str, str], location: str = "component"
) -> ChatCompletionClient:
    """Build the live client for a (translated) ``ComponentModel`` dict, resolving environment references.

    Wrappers (``ChatCompletionCache``, ``FailoverChatCompletionClient``) are built around members built the same
    way, so every member gets its references resolved. ``AzureOpenAIChatCompletionClient`` without a token
    provider is constructed directly, so loading it does not need ``autogen-ext[azure]``.

    Raises:
        MissingEnvironmentVariableError: a variable the config needs is not set.
        ConfigTranslationError: the component is malformed, or a package it needs is not installed.
    """
    try:
        return _build(component, env, location)
    except ImportError as error:
        missing = error.name or "a package"
        extra = next((EXTRAS[part] for part in missing.split(".") if part in EXTRAS), None)
        fix = install_hint(extra) if extra else f"pip install {missing.partition('.')[0]!r}"
        raise ConfigTranslationError(
            location, f"needs the {missing!r} module, which is not installed.", f"{fix}."
        ) from None


def _build(component: Mapping[str, Any], env: Mapping[str, str], location: str) -> ChatCompletionClient:
    if not isinstance(component, Mapping) or not isinstance(component.get("provider"), str):
        raise ConfigTranslationError(location, "is not a component (no provider).", "Pass a ComponentModel dict.")
    provider = canonical_provider(component["provider"])
    config = component.get("config", {})
    if not isinstance(config, Mapping):
        raise ConfigTranslationError(f"{location}.config", "must be an object.", "Check the component JSON.")
    if provider == CACHE:
        from autogen_core import CacheStore
        from autogen_ext.models.cache import ChatCompletionCache

        inner = _build(config.get("client", {}), env, f"{location}.config.client")
        store_model = config.get("store")
        store = CacheStore.load_component(store_model) if store_model else None  # type: ignore[var-annotated]
        return ChatCompletionCache(inner, store)
    if provider == FAILOVER:
        from ._failover import build_failover

        return build_failover(config, lambda m, where: _build(m, env, where), location)
    from autogen_core.models import ChatCompletionClient

    if provider in (OPENAI, AZURE, ANTHROPIC, BEDROCK):
        reject_redacted(config, f"{location}.config")
        resolved = resolve_references(config, env, f"{location}.config")
        implicit = implicit_key_env(provider, resolved)
        if implicit:
            resolved["api_key"] = _lookup(env, implicit, f"{location}.config.api_key")
        try:
            if provider == AZURE and resolved.get("azure_ad_token_provider") is None:
                return _azure_without_extras(resolved)
            return ChatCompletionClient.load_component({**component, "provider": provider, "config": resolved})
        except (ValueError, TypeError) as error:
            raise _validation_error(error, location) from None
    return ChatCompletionClient.load_component(dict(component))


def _azure_without_extras(config: Mapping[str, Any]) -> ChatCompletionClient:
    from autogen_ext.models.openai import AzureOpenAIChatCompletionClient
    from autogen_ext.models.openai.config import AzureOpenAIClientConfigurationConfigModel
    from pydantic import SecretStr

    validated = AzureOpenAIClientConfigurationConfigModel.model_validate(config)
    kwargs = validated.model_dump(exclude_none=True)
    if isinstance(validated.api_key, SecretStr):
        kwargs["api_key"] = validated.api_key.get_secret_value()
    return AzureOpenAIChatCompletionClient(**kwargs)


def load_client(
    source: str | os.PathLike[str] | Mapping[str, Any], *, env: Mapping[str, str] | None = None
) -> ChatCompletionClient:
    """Load a translated configuration (a JSON file path or a ``ComponentModel`` dict) as a live client.

    Environment references are resolved from ``env`` (default: ``os.environ``)::

        client = agentkit.migrate.load_client("model_client.json")

    Raises:
        MissingEnvironmentVariableError: a variable the config needs is not set; the message names it.
        ConfigTranslationError: the file is missing or not valid JSON, or the component is malformed.
    """
    if isinstance(source, Mapping):
        component: Any = source
        location = "component"
    else:
        location = os.fspath(source)
        try:
            with open(location, encoding="utf-8") as handle:
                component = json.load(handle)
        except FileNotFoundError:
            raise ConfigTranslationError(location, "no such file.", "Pass the JSON written by translate.") from None
        except json.JSONDecodeError as error:
            raise ConfigTranslationError(
                f"{location} (line {error.lineno}, column {error.colno})", f"is not valid JSON: {error.msg}.", ""
            ) from None
    return build_client(component, os.environ if env is None else env, location)
