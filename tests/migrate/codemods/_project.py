# ruff: noqa: E501 - expected outputs are real migrated lines
"""A small v0.2 project on disk for the end-to-end tests."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

AGENTS = """
import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
llm_config = {"config_list": config_list}

assistant = autogen.AssistantAgent("assistant", system_message="Solve tasks.", llm_config=llm_config)
user_proxy = autogen.UserProxyAgent(
    "user_proxy",
    human_input_mode="NEVER",
    max_consecutive_auto_reply=10,
    is_termination_msg=lambda x: x.get("content", "").rstrip().endswith("TERMINATE"),
    code_execution_config={"work_dir": "coding", "use_docker": False},
)

if __name__ == "__main__":
    user_proxy.initiate_chat(assistant, message="Plot NVDA vs TSLA.")
"""

TEAM = """
from autogen import AssistantAgent, GroupChat, GroupChatManager

llm_config = {"config_list": [{"model": "gpt-4o"}], "temperature": 0}
coder = AssistantAgent(name="coder", system_message="Write code.", llm_config=llm_config)
critic = AssistantAgent(name="critic", system_message="Review code.", llm_config=llm_config)
groupchat = GroupChat(agents=[coder, critic], messages=[], max_round=8)
manager = GroupChatManager(groupchat=groupchat, llm_config=llm_config)


def main() -> None:
    coder.initiate_chat(manager, message="Write fizzbuzz.")
"""

TODOS = """
from autogen import AssistantAgent
from autogen.agentchat.contrib.capabilities.teachability import Teachability

teacher = AssistantAgent("teacher", llm_config=cfg)
Teachability().add_to_agent(teacher)
teacher.register_nested_chats([], trigger=None)
"""

NOTEBOOK_CELLS = [
    ("markdown", "# A v0.2 notebook\nimport autogen (in markdown: untouched)"),
    ("code", "%pip install pyautogen\n!ls\nimport autogen\nfrom autogen import AssistantAgent, UserProxyAgent"),
    (
        "code",
        'assistant = AssistantAgent("assistant", system_message="Be brief.", llm_config={"config_list": [{"model": "gpt-4o"}]})\n'
        'user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config={"use_docker": False, "work_dir": "w"})',
    ),
    ("code", "%%bash\necho not python"),
    ("code", 'if True:\n    %time x = 1\nuser.initiate_chat(assistant, message="Hello.")'),
]


def notebook_json() -> str:
    cells = []
    for index, (kind, source) in enumerate(NOTEBOOK_CELLS):
        lines = source.splitlines(keepends=True)
        cell: dict[str, object] = {"cell_type": kind, "metadata": {"tags": [f"c{index}"]}, "source": lines}
        if kind == "code":
            cell["execution_count"] = index
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": [f"out {index}\n"]}]
        cells.append(cell)
    notebook = {"cells": cells, "metadata": {"kernelspec": {"name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def make_project(root: Path, *, broken: bool = True) -> Path:
    """Write the project; returns its root."""
    files = {
        "app/agents.py": AGENTS,
        "app/team.py": TEAM,
        "app/todos.py": TODOS,
        "app/plain.py": "print('no autogen here')\n",
        ".venv/lib/skipped.py": "import autogen\n",
    }
    if broken:
        files["app/broken.py"] = "import autogen\ndef f(:\n    pass\n"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (root / "notebooks").mkdir(exist_ok=True)
    (root / "notebooks" / "demo.ipynb").write_text(notebook_json(), encoding="utf-8")
    return root
