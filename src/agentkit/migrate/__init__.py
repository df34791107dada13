"""Migrate pyautogen v0.2 projects to AutoGen v0.4: config translation and code rewriting.

Config translation (no pyautogen import, no provider SDK at import time)::

    from agentkit.migrate import translate_config, load_client

    t = translate_config("OAI_CONFIG_LIST", filter_dict={"tags": ["gpt4"]})
    t.component      # ComponentModel JSON dict, no secrets
    t.report         # every key: mapped / changed / added / dropped / manual
    client = load_client("model_client.json")   # resolves ${VAR} references from the environment
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from ._config import CACHE_ROOT, ConfigTranslation, translate_config
    from ._load import load_client
    from ._report import ReportItem, TranslationReport

__all__ = (
    "CACHE_ROOT",
    "ConfigTranslation",
    "ReportItem",
    "TranslationReport",
    "load_client",
    "translate_config",
)

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "CACHE_ROOT": "._config",
        "ConfigTranslation": "._config",
        "ReportItem": "._report",
        "TranslationReport": "._report",
        "load_client": "._load",
        "translate_config": "._config",
    },
)
