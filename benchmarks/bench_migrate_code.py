"""Files per second of ``agentkit migrate code`` on a generated 2,000-file pyautogen v0.2 tree.

The tree (in a temporary directory) mixes the shapes the rules handle - two-agent chats, group chats, tools,
code that needs a TODO - with plain modules that never mention ``autogen`` (3 in 4 files are v0.2 code).
Two passes are timed: ``--check`` (parse + rewrite, nothing written) and a real run (atomic writes), then a
second ``--check`` confirms the migrated tree is stable.

    python benchmarks/bench_migrate_code.py [--files 2000]
"""

from __future__ import annotations

import argparse
import tempfile
import textwrap
import time
from pathlib import Path

from agentkit.migrate.codemods import migrate_paths

TEMPLATES = [
    """
    import autogen

    config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={{"model": ["gpt-4o"]}})
    llm_config = {{"config_list": config_list}}

    assistant_{n} = autogen.AssistantAgent("assistant_{n}", system_message="Solve task {n}.", llm_config=llm_config)
    proxy_{n} = autogen.UserProxyAgent(
        "proxy_{n}",
        human_input_mode="NEVER",
        max_consecutive_auto_reply={n_mod},
        is_termination_msg=lambda x: x.get("content", "").rstrip().endswith("TERMINATE"),
        code_execution_config={{"work_dir": "work_{n}", "use_docker": False}},
    )

    if __name__ == "__main__":
        proxy_{n}.initiate_chat(assistant_{n}, message="Task {n}.")
    """,
    """
    from autogen import AssistantAgent, GroupChat, GroupChatManager

    llm_config = {{"config_list": [{{"model": "gpt-4o"}}], "temperature": 0}}
    coder = AssistantAgent(name="coder_{n}", system_message="Write code.", llm_config=llm_config)
    critic = AssistantAgent(name="critic_{n}", system_message="Review code.", llm_config=llm_config)
    groupchat = GroupChat(agents=[coder, critic], messages=[], max_round={n_mod})
    manager = GroupChatManager(groupchat=groupchat, llm_config=llm_config)


    def main() -> None:
        coder.initiate_chat(manager, message="Feature {n}.")
    """,
    """
    from typing import Annotated

    from autogen import AssistantAgent, UserProxyAgent

    assistant = AssistantAgent("assistant", system_message="Use tools.", llm_config={{"config_list": []}})
    executor = UserProxyAgent("executor", human_input_mode="NEVER", code_execution_config={{"use_docker": False}})


    @executor.register_for_execution()
    @assistant.register_for_llm(description="Tool {n}.")
    def tool_{n}(a: Annotated[int, "a"], b: int) -> int:
        return a * b + {n}
    """,
    """
    from autogen import ConversableAgent

    agent = ConversableAgent("agent_{n}", llm_config=cfg)
    agent.register_nested_chats([{{"recipient": other}}], trigger=user)
    """,
]

PLAIN = '''
"""Module {n}: nothing to migrate."""

from dataclasses import dataclass


@dataclass
class Item{n}:
    name: str
    size: int = {n}

    def double(self) -> int:
        return self.size * 2
'''


def make_tree(root: Path, files: int) -> None:
    v02 = 0
    for n in range(files):
        folder = root / f"pkg_{n // 100:02d}"
        folder.mkdir(exist_ok=True)
        if n % 4 == 3:
            text = PLAIN
        else:
            text, v02 = TEMPLATES[v02 % len(TEMPLATES)], v02 + 1
        source = textwrap.dedent(text.format(n=n, n_mod=n % 7 + 2)).lstrip("\n")
        (folder / f"module_{n:04d}.py").write_text(source, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        make_tree(root, args.files)
        runs: list[tuple[str, float, int]] = []
        for label, write in (("check (no writes)", False), ("migrate (atomic writes)", True)):
            start = time.perf_counter()
            report = migrate_paths([root], write=write)
            elapsed = time.perf_counter() - start
            runs.append((label, elapsed, len(report.changed)))
            assert not report.errors, report.summary()
        start = time.perf_counter()
        again = migrate_paths([root], write=False)
        stable = time.perf_counter() - start
        assert not again.changed, "a second run changed files"
    print(f"tree: {args.files} files ({args.files - args.files // 4} pyautogen v0.2, {args.files // 4} plain)")
    for label, elapsed, changed in runs:
        print(f"{label:<26} {elapsed:7.1f} s  {args.files / elapsed:7.1f} files/s  ({changed} changed)")
    print(f"{'second run (stable)':<26} {stable:7.1f} s  {args.files / stable:7.1f} files/s  (0 changed)")
    print(report.summary())


if __name__ == "__main__":
    main()
