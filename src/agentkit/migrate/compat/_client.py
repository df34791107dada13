"""``client_from_llm_config``: any pyautogen v0.2 ``llm_config`` value, at run time, to a live v0.4 client."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ...exceptions import ConfigurationError

if TYPE_CHECKING:
    from autogen_core.models import ChatCompletionClient

    from ...pricing import ModelPrice, PriceTable

__all__ = ("client_from_llm_config", "registered_models", "registered_price_table")

_lock = threading.Lock()
_prices: dict[str, ModelPrice] = {}
_models: list[str] = []


def client_from_llm_config(llm_config: Any) -> ChatCompletionClient:
    """Build the v0.4 model client a v0.2 agent's ``llm_config`` stood for, as v0.2 resolved it at run time.

    The value goes through :func:`agentkit.migrate.translate_config`, so the result is what
    ``agentkit migrate config`` would write for it:

    - ``{"config_list": [...], **create_params}``: the top-level create parameters (``temperature``,
      ``timeout``, ``max_tokens``...) are merged under every entry, the entry winning, as v0.2 did;
    - several entries -> :class:`agentkit.models.FailoverChatCompletionClient`, tried in v0.2's order;
    - ``cache_seed`` (v0.2's default 41 included: v0.2 cached on disk unless ``cache_seed=None``) ->
      ``ChatCompletionCache`` over a disk store under ``.cache/autogen-v0.4/<seed>/``;
    - ``price: [prompt, completion]`` per 1K tokens -> registered for budgets and ``ChatResult.cost``
      (:func:`registered_price_table`);
    - a bare entry ``{"model": ..., ...}`` or a config list is accepted too.

    Args:
        llm_config: The v0.2 value: a dict (with or without ``config_list``) or a list of entries.

    Returns:
        A live client (no network until it is used).

    Raises:
        ConfigurationError: ``llm_config`` is ``False`` / ``None`` (the v0.2 agent had no LLM), not a dict or
            list, or no entry could be translated.
        ConfigTranslationError: an entry is invalid (the message names the entry and key, never a secret).
    """
    if llm_config is False or llm_config is None:
        raise ConfigurationError(
            "llm_config",
            f"is {llm_config!r}: in v0.2 that agent had no LLM, so there is no model client to build.",
            "Use a v0.4 agent without a model client (UserProxyAgent, CodeExecutorAgent, "
            "agentkit.migrate.compat.AutoReplyAgent).",
        )
    if not isinstance(llm_config, (Mapping, Sequence)) or isinstance(llm_config, (str, bytes)):
        raise ConfigurationError(
            "llm_config",
            f"must be a dict or a config list, got {type(llm_config).__name__}.",
            'Pass e.g. {"config_list": config_list_from_json("OAI_CONFIG_LIST")}.',
        )
    from .._config import translate_config

    translation = translate_config(llm_config)
    client = translation.client
    if client is None:
        manual = [
            f"{item.location}: {item.fix or item.detail}" for item in translation.report if item.status == "manual"
        ]
        raise ConfigurationError(
            "llm_config",
            "no config entry could be turned into a v0.4 client automatically.",
            "; ".join(manual) or "Check the entries with `agentkit migrate config`.",
        )
    models = _entry_models(llm_config)
    with _lock:
        _prices.update(translation.prices)
        for model in models:
            if model not in _models:
                _models.append(model)
    return client


def _entry_models(llm_config: Any) -> list[str]:
    if isinstance(llm_config, Mapping):
        entries = llm_config.get("config_list", [llm_config])
        top_model = llm_config.get("model")
    else:
        entries, top_model = llm_config, None
    names: list[str] = []
    for entry in entries if isinstance(entries, Sequence) else ():
        model = entry.get("model", top_model) if isinstance(entry, Mapping) else None
        if isinstance(model, str) and model and model not in names:
            names.append(model)
    return names


def registered_models() -> list[str]:
    """Model names of every client :func:`client_from_llm_config` built in this process, first use first."""
    with _lock:
        return list(_models)


def registered_price_table(base: PriceTable | None = None) -> PriceTable:
    """A :class:`~agentkit.pricing.PriceTable` with every v0.2 ``price`` seen by :func:`client_from_llm_config`.

    Pass it to :class:`~agentkit.models.MeteredChatCompletionClient` or a budget condition so v0.2's custom
    prices keep applying; :func:`~agentkit.migrate.compat.chat_result` uses it for ``ChatResult.cost``.

    Args:
        base: The table to add the prices to (default: a new :class:`~agentkit.pricing.PriceTable`).

    Returns:
        The table.
    """
    from ...pricing import PriceTable

    with _lock:
        prices = dict(_prices)
    table = base if base is not None else PriceTable()
    return table.with_overrides(prices) if prices else table
