"""Migrate pyautogen v0.2 projects to AutoGen v0.4: config translation and code rewriting.

Config translation (no pyautogen import, no provider SDK at import time)::

    from agentkit.migrate import translate_config, load_client

    t = translate_config("OAI_CONFIG_LIST", filter_dict={"tags": ["gpt4"]})
    t.component      # ComponentModel JSON dict, no secrets
    t.report         # every key: mapped / changed / added / dropped / manual
    client = load_client("model_client.json")   # resolves ${VAR} references from the environment
"""

from __future__ import annotations

from ._config import CACHE_ROOT, ConfigTranslation, translate_config
from ._load import load_client
from ._report import ReportItem, TranslationReport

# --- Migration II (code rewriting) exports go here, e.g. `from .codemods import ...` ------------------------

__all__ = (
    "CACHE_ROOT",
    "ConfigTranslation",
    "ReportItem",
    "TranslationReport",
    "load_client",
    "translate_config",
)

for _obj in (ConfigTranslation, ReportItem, TranslationReport, load_client, translate_config):
    _obj.__module__ = __name__
