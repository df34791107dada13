"""What the corpus recorder (pyautogen 0.2.35) and the end-to-end test (AutoGen v0.4) share.

A corpus program lives in ``tests/migrate/corpus/<NN_name>/``:

- ``program.py`` or ``program.ipynb``: a pyautogen v0.2 program as users write them;
- ``script.json``: ``{"replies": [step, ...], "human_input": [...], "config": "file" | "env",
  "files": {name: text}, "run": "docker" (convert-only, with the reason) ...}``. Each step is
  ``{"text": "..."}`` or ``{"tool_calls": [[name, {arguments}]], "content": ""}``; every model request, whatever
  its model, consumes the next step; once they are used up the provider answers HTTP 400, so a conversation
  that runs longer than v0.2's ends in an error instead of looping;
- ``expected.json``: what pyautogen 0.2.35 did on that script (recorded by ``_record_v02.py``).

Both runs get the same working directory layout: an ``OAI_CONFIG_LIST`` file (or environment variable) and
``OPENAI_*`` / ``AZURE_OPENAI_*`` / ``ANTHROPIC_*`` variables, all pointing at a FakeProvider on 127.0.0.1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentkit.testing import FAKE_ANTHROPIC_KEY, FAKE_OPENAI_KEY, FakeProvider, Fault, Reply

CORPUS = Path(__file__).resolve().parent

MODELS = (
    ("gpt-4o", ["gpt4o", "openai"]),
    ("gpt-4", ["gpt4", "openai"]),
    ("gpt-4o-mini", ["mini", "openai"]),
    ("gpt-3.5-turbo", ["gpt35", "openai"]),
)


def programs() -> list[Path]:
    """The corpus program directories, in order."""
    return sorted(p for p in CORPUS.iterdir() if p.is_dir() and p.name[:2].isdigit())


def program_file(directory: Path) -> Path:
    """``program.py`` or ``program.ipynb`` in ``directory``."""
    for name in ("program.py", "program.ipynb"):
        if (directory / name).exists():
            return directory / name
    raise FileNotFoundError(f"{directory} has no program.py / program.ipynb")


def load_json(path: Path) -> Any:
    """Read a JSON file."""
    return json.loads(path.read_text(encoding="utf-8"))


def script_provider(provider: FakeProvider, script: dict[str, Any]) -> None:
    """Reset ``provider`` and queue the program's replies for every model; then HTTP 400 forever."""
    provider.reset()
    steps: list[Reply] = []
    for step in script.get("replies", []):
        if "tool_calls" in step:
            calls = [(str(name), dict(arguments)) for name, arguments in step["tool_calls"]]
            steps.append(Reply.tool_calls(calls, content=step.get("content", "")))
        else:
            steps.append(Reply.text(step["text"]))
    if steps:
        provider.script("*", *steps)
    provider.always("*", Fault.status(400))


def config_list(provider: FakeProvider) -> list[dict[str, Any]]:
    """The ``OAI_CONFIG_LIST`` both runs read."""
    return [
        {"model": model, "api_key": FAKE_OPENAI_KEY, "base_url": provider.openai_base_url, "tags": tags}
        for model, tags in MODELS
    ]


def environment(provider: FakeProvider) -> dict[str, str]:
    """Environment variables pointing every SDK at the fake provider."""
    return {
        "OPENAI_API_KEY": FAKE_OPENAI_KEY,
        "OPENAI_BASE_URL": provider.openai_base_url,
        "AZURE_OPENAI_API_KEY": FAKE_OPENAI_KEY,
        "AZURE_OPENAI_ENDPOINT": provider.url,
        "ANTHROPIC_API_KEY": FAKE_ANTHROPIC_KEY,
        "ANTHROPIC_BASE_URL": provider.anthropic_base_url,
        "LOCAL_LLM_URL": provider.openai_base_url,
        "AUTOGEN_USE_DOCKER": "False",
        "NO_PROXY": "127.0.0.1,localhost",
    }


def prepare(workdir: Path, provider: FakeProvider, script: dict[str, Any]) -> dict[str, str]:
    """Write the config files the program reads into ``workdir``; return the extra environment variables."""
    env = environment(provider)
    text = json.dumps(config_list(provider), indent=2)
    if script.get("config", "file") == "env":
        env["OAI_CONFIG_LIST"] = text
    else:
        (workdir / "OAI_CONFIG_LIST").write_text(text, encoding="utf-8")
    for name, content in script.get("files", {}).items():
        for key, value in env.items():
            content = content.replace("{" + key + "}", value)
        (workdir / name).write_text(content, encoding="utf-8")
    return env


# --- comparing a v0.2 record with a v0.4 run ------------------------------------------------------------

LIMITS = ("max_turns", "auto_reply_limit", "max_round")


@dataclass(frozen=True)
class Outcome:
    """One chat, normalised for comparison.

    ``speakers``: who produced each *text* message after the task (tool calls and tool results are dropped on
    both sides: v0.2 routes them through the executor agent, v0.4 runs them inside the caller's turn).
    ``stop``: the stop class (``termination_msg``, ``limit``, ``no_eligible_speaker``, ``human_exit``,
    ``error:<Type>``), ``receiver``: the agent whose ``is_termination_msg`` matched, when known. A v0.4 run
    that stopped on a human's ``"exit"`` message is ``human_exit`` (that message is not counted: v0.2 never sent
    it).
    """

    speakers: tuple[str, ...]
    stop: str
    receiver: str | None = None


def stop_class(category: str) -> tuple[str, str | None]:
    """A v0.2 stop category -> (class, receiver)."""
    kind, _, who = category.partition(":")
    if kind in LIMITS:
        return "limit", None
    if kind == "termination_msg":
        return kind, who or None
    if kind == "error":
        return category, None
    return kind, None


def v02_outcome(chat: dict[str, Any]) -> Outcome:
    """Normalise one recorded v0.2 chat."""
    texts = [speaker for speaker, kind in zip(chat["speakers"], chat["kinds"], strict=True) if kind == "text"]
    kind, receiver = stop_class(chat["stop"])
    return Outcome(tuple(texts[1:]), kind, receiver)


def matches(expected: Outcome, actual: Outcome) -> bool:
    """Same speakers after the task, same stop class, same receiver where both name one."""
    if expected.speakers != actual.speakers or expected.stop != actual.stop:
        return False
    return expected.receiver is None or actual.receiver is None or expected.receiver == actual.receiver
