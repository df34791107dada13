"""Translate a pyautogen v0.2 OAI_CONFIG_LIST into a v0.4 model client, then call it (offline).

The config list is written to a temporary file, translated with a tag filter, saved as AutoGen component
JSON (no API key inside), loaded back with its environment variables, and called against agentkit's local
fake provider.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile

from autogen_core.models import UserMessage

from agentkit.migrate import load_client, translate_config
from agentkit.testing import FakeProvider, Fault, Reply


def write_json(path: str, data: object) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle)


def read_text(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


async def main() -> None:
    async with FakeProvider() as fp:
        fp.always("gpt-4o", Fault.status(503))  # the primary is down: v0.2 would try the next entry
        fp.script("gpt-4o-mini", Reply.text("Hello from the backup entry."))
        oai_config_list = [
            {"model": "gpt-4o", "base_url": fp.openai_base_url, "api_key": "sk-fake-1", "tags": ["chat"],
             "max_retries": 0},
            {"model": "gpt-4o-mini", "base_url": fp.openai_base_url, "api_key": "sk-fake-1", "tags": ["chat"],
             "max_retries": 0},
            {"model": "text-embedding-3-small", "tags": ["embed"]},
        ]  # fmt: skip
        with tempfile.TemporaryDirectory() as tmp:
            source = os.path.join(tmp, "OAI_CONFIG_LIST")
            write_json(source, {"temperature": 0.2, "cache_seed": None, "config_list": oai_config_list})

            translation = translate_config(source, filter_dict={"tags": ["chat"]})
            print(translation.report.to_text())
            out = os.path.join(tmp, "model_client.json")
            translation.save(out)
            assert "sk-fake-1" not in read_text(out)

            # The report lists the variables the JSON reads; here the key belongs to a non-OpenAI host.
            print("environment:", translation.report.env)
            client = load_client(out, env={"OPENAI_COMPATIBLE_API_KEY": "sk-fake-1"})
            result = await client.create([UserMessage(content="Hi!", source="user")])
            print("answer:", result.content)
            print("requests:", [r.model for r in fp.requests])
            await client.close()


if __name__ == "__main__":
    asyncio.run(main())
