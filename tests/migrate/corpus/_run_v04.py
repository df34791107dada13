"""Run migrated corpus programs on AutoGen v0.4 and record every team run (one interpreter for all programs).

    python tests/migrate/corpus/_run_v04.py jobs.json results.json

``jobs.json``: ``[{"name", "workdir", "program", "script"}]``. For each job this process scripts its own
FakeProvider (127.0.0.1) with the job's ``script.json``, writes the ``OAI_CONFIG_LIST`` / environment the v0.2
oracle also got, feeds the scripted human input to ``input()``, and runs the program (``runpy``; a notebook's
code cells as one module with top-level ``await``). The edge of our code is hooked, not the program: the
outermost ``run_stream`` of every AutoGen team / agent (``run`` goes through it) records the ``TaskResult``'s
speakers, message kinds and stop reason. Connections to anything but 127.0.0.1 are refused.
"""

from __future__ import annotations

import ast
import asyncio
import builtins
import contextvars
import json
import os
import runpy
import signal
import socket
import sys
import traceback
from collections.abc import AsyncGenerator, Callable
from pathlib import Path
from types import FrameType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from autogen_agentchat.agents import BaseChatAgent
from autogen_agentchat.base import TaskResult
from autogen_agentchat.messages import (
    BaseChatMessage,
    ToolCallExecutionEvent,
    ToolCallRequestEvent,
    ToolCallSummaryMessage,
)
from autogen_agentchat.teams import BaseGroupChat

from agentkit.testing import FakeProvider, tiktoken_offline
from tests.migrate.corpus._harness import prepare, script_provider

PROGRAM_TIMEOUT_S = 60

_depth: contextvars.ContextVar[int] = contextvars.ContextVar("corpus_run_depth", default=0)
_runs: list[dict[str, Any]] = []


def _kind(message: Any) -> str:
    if isinstance(message, ToolCallRequestEvent):
        return "tool_call"
    if isinstance(message, (ToolCallExecutionEvent, ToolCallSummaryMessage)):
        return "tool_result"
    if isinstance(message, BaseChatMessage):
        return "text"
    return "event"


def _text(message: Any) -> str | None:
    content = getattr(message, "content", None)
    return content[:200] if isinstance(content, str) else None


def _record(result: TaskResult) -> None:
    _runs.append(
        {
            "messages": [{"speaker": m.source, "kind": _kind(m), "content": _text(m)} for m in result.messages],
            "stop_reason": result.stop_reason,
        }
    )


def _hook(owner: type[Any]) -> None:
    original: Callable[..., AsyncGenerator[Any, None]] = owner.run_stream

    async def run_stream(self: Any, *args: Any, **kwargs: Any) -> AsyncGenerator[Any, None]:
        token = _depth.set(_depth.get() + 1)
        outermost = _depth.get() == 1
        try:
            async for item in original(self, *args, **kwargs):
                if outermost and isinstance(item, TaskResult):
                    _record(item)
                yield item
        finally:
            _depth.reset(token)

    owner.run_stream = run_stream


def _guard_network() -> None:
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else None
        if host is not None and host not in ("127.0.0.1", "::1", "localhost"):
            raise ConnectionRefusedError(f"corpus run: no network except 127.0.0.1 (tried {host})")
        real_connect(self, address)

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]


def _notebook_code(path: Path) -> str:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            lines = [("# " + line if line.lstrip().startswith(("!", "%")) else line) for line in source.splitlines()]
            cells.append("\n".join(lines))
    return "\n\n".join(cells)


def _run_notebook(path: Path) -> None:
    code = compile(_notebook_code(path), str(path), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    result = eval(code, namespace)
    if asyncio.iscoroutine(result):
        asyncio.run(result)


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Timeout(f"program did not finish in {PROGRAM_TIMEOUT_S} s")


def run_job(job: dict[str, Any], provider: FakeProvider) -> dict[str, Any]:
    from agentkit.migrate.compat import _client as compat_client

    workdir = Path(job["workdir"])
    script = job["script"]
    saved_env = dict(os.environ)
    os.environ.update(prepare(workdir, provider, script))
    script_provider(provider, script)
    inputs: list[str] = [str(line) for line in script.get("human_input", [])]

    def scripted_input(prompt: object = "") -> str:
        if not inputs:
            raise EOFError("the scripted human input is used up")
        return inputs.pop(0)

    builtins.input = scripted_input
    compat_client._models.clear()
    compat_client._prices.clear()
    _runs.clear()
    cwd = os.getcwd()
    os.chdir(workdir)
    sys.path.insert(0, str(workdir))
    error = None
    signal.alarm(PROGRAM_TIMEOUT_S)
    try:
        program = workdir / job["program"]
        if program.suffix == ".ipynb":
            _run_notebook(program)
        else:
            runpy.run_path(str(program), run_name="__main__")
    except SystemExit as exc:
        if exc.code not in (None, 0):
            error = f"SystemExit: {exc.code}"
    except BaseException as exc:  # the program's own failure is data
        error = f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
        (workdir / "traceback.txt").write_text(traceback.format_exc(), encoding="utf-8")
    finally:
        signal.alarm(0)
        os.chdir(cwd)
        sys.path.remove(str(workdir))
        os.environ.clear()
        os.environ.update(saved_env)
    return {"runs": list(_runs), "error": error, "model_requests": len(provider.requests)}


def main(jobs_file: str, results_file: str) -> int:
    _guard_network()
    _hook(BaseGroupChat)
    _hook(BaseChatAgent)
    signal.signal(signal.SIGALRM, _alarm)
    jobs = json.loads(Path(jobs_file).read_text(encoding="utf-8"))
    results: dict[str, Any] = {}
    with tiktoken_offline(), FakeProvider() as provider:
        for job in jobs:
            results[job["name"]] = run_job(job, provider)
            Path(results_file).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
