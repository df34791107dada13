"""Migrate a v0.2 two-agent script, then run the migrated v0.4 code against the offline FakeProvider.

The assistant writes code, the CodeExecutorAgent runs it locally, and the chat stops when the assistant says
DONE - the is_termination_msg of the v0.2 script, now a FunctionalTermination.
"""

from __future__ import annotations

import asyncio
import tempfile
import textwrap
import warnings
from typing import Any

from agentkit.migrate.codemods import migrate_source
from agentkit.testing import FakeProvider, Reply

V02_SCRIPT = """
    import autogen

    llm_config = {{
        "config_list": [{{"model": "gpt-4o", "api_key": "sk-fake", "base_url": "{base_url}", "max_retries": 0}}],
        "cache_seed": None,
    }}
    assistant = autogen.AssistantAgent("assistant", system_message="Write Python.", llm_config=llm_config)
    runner = autogen.UserProxyAgent(
        "runner",
        human_input_mode="NEVER",
        max_consecutive_auto_reply=3,
        is_termination_msg=lambda x: x.get("content", "").rstrip().endswith("DONE"),
        code_execution_config={{"work_dir": "{work_dir}", "use_docker": False}},
    )
    runner.initiate_chat(assistant, message="What is 6 * 7? Compute it in Python.")
"""


def main() -> None:
    with FakeProvider() as fp, tempfile.TemporaryDirectory() as work_dir:
        fp.script("gpt-4o", Reply.text("```python\nprint(6 * 7)\n```"), Reply.text("It is 42. DONE"))
        source = textwrap.dedent(V02_SCRIPT).format(base_url=fp.openai_base_url, work_dir=work_dir)
        migrated = migrate_source(source)
        print(migrated.code)
        assert migrated.todos == {}

        namespace: dict[str, Any] = {"__name__": "migrated"}

        def run_and_close(main: Any) -> Any:  # the v0.2 script never closed its client; close it in the same loop
            async def run() -> Any:
                try:
                    return await main
                finally:
                    await namespace["assistant"]._model_client.close()

            return asyncio.run(run())

        namespace["run_and_close"] = run_and_close
        code = migrated.code.replace("asyncio.run(", "result = run_and_close(", 1)
        with warnings.catch_warnings():
            # v0.4 warns that a local executor runs code without approval; the migrated file's NOTE says so.
            warnings.simplefilter("ignore", UserWarning)
            exec(compile(code, "migrated.py", "exec"), namespace)
        result = namespace["result"]
        print("stop reason:", result.stop_reason)
        assert result.messages[-1].content == "It is 42. DONE"
        assert "42" in result.messages[2].content  # the code really ran


if __name__ == "__main__":
    main()
