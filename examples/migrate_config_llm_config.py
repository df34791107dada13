"""Translate an in-code v0.2 ``llm_config`` dict and read the report: what needs manual work, and why."""

from __future__ import annotations

import json

from agentkit.migrate import translate_config

llm_config = {
    "cache_seed": 42,  # v0.2 disk cache -> ChatCompletionCache + DiskCacheStore
    "temperature": 0,
    "stream": True,  # v0.4 streams per agent: reported as manual work
    "config_list": [
        {"model": "gpt-4o", "api_key": "sk-not-a-real-key", "price": [0.0025, 0.01]},
        {"model": "gemini-1.5-pro", "api_type": "google", "api_key": "AIza-not-a-real-key-000000"},
        {"model": "llama3.1", "api_type": "ollama", "num_ctx": 8192},
    ],
}

if __name__ == "__main__":
    translation = translate_config(llm_config)
    for item in translation.report.manual:
        print(f"MANUAL {item.location}: {item.detail}\n       fix: {item.fix}")
    print("variables to export:", ", ".join(translation.report.env))
    print("prices:", {model: str(price.output_per_mtok) for model, price in translation.prices.items()})
    text = translation.to_json()
    assert "not-a-real-key" not in text
    print(json.dumps(translation.report.to_dict()["counts"]))
