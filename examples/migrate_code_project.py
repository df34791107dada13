"""Migrate a small pyautogen v0.2 project (scripts + a notebook) with `agentkit migrate code`.

Builds the project in a temporary directory, runs the command line in --check mode (nothing written, exit 1:
changes pending), then for real, and prints the summary and one migrated file. A second --check is clean.
"""

from __future__ import annotations

import json
import sys
import tempfile
import textwrap
from contextlib import redirect_stderr
from pathlib import Path

from agentkit._cli import main as agentkit

TWO_AGENTS = """
    import autogen

    config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
    assistant = autogen.AssistantAgent("assistant", llm_config={"config_list": config_list})
    user_proxy = autogen.UserProxyAgent(
        "user_proxy",
        human_input_mode="NEVER",
        max_consecutive_auto_reply=4,
        is_termination_msg=lambda x: "TERMINATE" in x.get("content", ""),
        code_execution_config={"work_dir": "coding", "use_docker": False},
    )
    user_proxy.initiate_chat(assistant, message="Plot NVDA and TSLA year to date.")
"""

NESTED = """
    from autogen import AssistantAgent

    writer = AssistantAgent("writer", llm_config=llm_config)
    writer.register_nested_chats([{"recipient": critic}], trigger=user_proxy)
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "app").mkdir()
        (root / "app" / "chat.py").write_text(textwrap.dedent(TWO_AGENTS).lstrip())
        (root / "app" / "nested.py").write_text(textwrap.dedent(NESTED).lstrip())
        cell = 'from autogen import AssistantAgent\n%time a = AssistantAgent("a", llm_config={"config_list": []})'
        notebook = {
            "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": [cell]}],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
        (root / "demo.ipynb").write_text(json.dumps(notebook, indent=1) + "\n")

        # The command prints file names on stdout and its summary on stderr; show both here, in order.
        with redirect_stderr(sys.stdout):
            print("$ agentkit migrate code PROJECT --check")
            assert agentkit(["migrate", "code", str(root), "--check", "--no-progress"]) == 1
            print("\n$ agentkit migrate code PROJECT")
            assert agentkit(["migrate", "code", str(root), "--no-progress"]) == 0
            print("\n--- app/chat.py after migration ---")
            print((root / "app" / "chat.py").read_text())
            print("$ agentkit migrate code PROJECT --check   # a second run has nothing to do")
            assert agentkit(["migrate", "code", str(root), "--check", "--no-progress"]) == 0


if __name__ == "__main__":
    main()
