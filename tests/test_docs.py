"""Every ``python`` block in README.md and docs/, and every examples/*.py, runs ON ITS OWN, twice, quietly.

What a reader does is copy one block into a file and run it. So each block is run:

- alone, in a fresh interpreter state: a brand-new ``__main__`` namespace with nothing from any other block
  (complete imports and setup are the block's job), in a fresh temporary working directory;
- twice in the same directory, to prove it is rerunnable (no ``FileExistsError`` on the second run);
- with nothing on stderr (no warnings, no logged tracebacks, no ``Exception ignored`` noise) and exit code 0.

How (CI time): a real ``python`` process per run costs ~1.3 s of imports (AutoGen, agentkit, the SDKs) before
the block does anything; ~60 blocks and examples x 2 runs would spend minutes importing on a 2-core machine.
So the runs go through a fork server (``tests/_doc_forkserver.py``): one process imports those modules once,
then ``fork()``s a child per run that executes the block in a fresh namespace, with stdout/stderr redirected to
files, and performs an interpreter's exit work (joins threads, runs ``atexit``, collects garbage so ``__del__``
noise lands on stderr). Preloaded modules only save time: a block that forgets an import still fails with
``NameError``, and no block sees another block's state because every child starts from the server's untouched
post-import state. Set ``AGENTKIT_DOCS_SUBPROCESS=1`` to run every block in a real ``python -c`` process
instead (slower, byte-for-byte what a user does); also used where ``fork`` is unavailable.

Use ```text / ```bash / ```console fences for anything not meant to run. Run one page's blocks with
``python -m pytest tests/test_docs.py -k budgets``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^```python[^\n]*\n(.*?)^```", re.S | re.M)
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
SERVER = Path(__file__).resolve().parent / "_doc_forkserver.py"
TIMEOUT_S = 120
USE_SUBPROCESS = bool(os.environ.get("AGENTKIT_DOCS_SUBPROCESS")) or not hasattr(os, "fork")


@dataclass(frozen=True)
class Snippet:
    """One runnable unit: a fenced block of a page, or an example file."""

    id: str
    code: str
    filename: str
    file: str | None = None
    path0: str | None = None


def _snippets() -> list[Snippet]:
    snippets: list[Snippet] = []
    for page in PAGES:
        rel = page.relative_to(ROOT).as_posix()
        text = page.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start(1)) + 1
            # Padded so that tracebacks name the page's own file and line.
            snippets.append(Snippet(f"{rel}:{line}", "\n" * (line - 1) + match.group(1), str(page)))
    for example in EXAMPLES:
        rel = example.relative_to(ROOT).as_posix()
        snippets.append(
            Snippet(rel, example.read_text(encoding="utf-8"), str(example), str(example), str(example.parent))
        )
    return snippets


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY") and not k.startswith("PYTEST")}
    env["NO_PROXY"] = "*"
    env.pop("PYTHONWARNINGS", None)
    return env


@dataclass
class Run:
    status: int
    stdout: str
    stderr: str


class _ForkServer:
    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, str(SERVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_child_env(),
            cwd=tempfile.gettempdir(),
        )
        ready = json.loads(self._readline())
        if ready.get("preload_stderr"):
            raise AssertionError(f"importing the preloaded modules wrote to stderr:\n{ready['preload_stderr']}")

    def _readline(self) -> str:
        stdout: IO[str] | None = self._proc.stdout
        assert stdout is not None
        line = stdout.readline()
        if not line:
            err = self._proc.stderr.read() if self._proc.stderr else ""
            raise RuntimeError(f"the docs fork server died:\n{err}")
        return line

    def run(self, request: dict[str, Any]) -> int:
        stdin = self._proc.stdin
        assert stdin is not None
        stdin.write(json.dumps(request) + "\n")
        stdin.flush()
        return int(json.loads(self._readline())["status"])

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        self._proc.wait(timeout=30)
        for stream in (self._proc.stdout, self._proc.stderr):
            if stream:
                stream.close()


@pytest.fixture(scope="module")
def runner() -> Iterator[_ForkServer | None]:
    if USE_SUBPROCESS:
        yield None
        return
    server = _ForkServer()
    try:
        yield server
    finally:
        server.close()


def _run(runner: _ForkServer | None, snippet: Snippet, cwd: Path, logs: Path) -> Run:
    out, err = logs / "stdout.txt", logs / "stderr.txt"
    if runner is None:
        argv = [sys.executable, snippet.file] if snippet.file else [sys.executable, "-c", snippet.code.lstrip("\n")]
        proc = subprocess.run(
            argv,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=_child_env(),
            timeout=TIMEOUT_S,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)
    status = runner.run(
        {
            "code": snippet.code,
            "filename": snippet.filename,
            "file": snippet.file,
            "path0": snippet.path0,
            "cwd": str(cwd),
            "stdout": str(out),
            "stderr": str(err),
            "timeout": TIMEOUT_S,
        }
    )
    return Run(status, out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8"))


SNIPPETS = _snippets()


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda s: s.id)
def test_snippet_runs_alone_twice_quietly(snippet: Snippet, runner: _ForkServer | None, tmp_path: Path) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    for attempt in ("first run", "second run in the same directory"):
        logs = tmp_path / attempt.split()[0]
        logs.mkdir()
        result = _run(runner, snippet, cwd, logs)
        where = f"{snippet.id} ({attempt}, cwd {cwd})"
        assert result.status == 0, f"{where} exited {result.status}:\n{result.stderr}\n--- stdout ---\n{result.stdout}"
        assert not result.stderr, f"{where} wrote to stderr:\n{result.stderr}"


# -- the distribution name ----------------------------------------------------------------------------------------

DISTRIBUTION = "autogen-agentkit"
# `pip install agentkit`, `pip install "agentkit[openai]"`, `agentkit[all]` as a requirement: the bare name
# installs an unrelated project from the package index.
BARE_NAME = re.compile(r"""pip install\s+(?:-\S+\s+)*["']?agentkit\b(?![-\w])|(?<![-\w/.])["']?agentkit\[""")
TEXT_FILES = [
    *PAGES,
    *EXAMPLES,
    ROOT / "CONTRIBUTING.md",
    ROOT / "examples" / "README.md",
    *sorted((ROOT / "benchmarks").glob("*.md")),
    *sorted((ROOT / "src").rglob("*.py")),
]


@pytest.mark.parametrize("path", [p for p in TEXT_FILES if p.exists()], ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_text_tells_users_to_install_the_bare_name(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    hits = [
        f"line {text.count(chr(10), 0, m.start()) + 1}: {m.group(0)!r}" for m in BARE_NAME.finditer(text) if m.group(0)
    ]
    assert not hits, f"{path.relative_to(ROOT)} tells users to install {hits}; the distribution is {DISTRIBUTION}"


def test_bare_name_pattern() -> None:
    assert BARE_NAME.search('pip install "agentkit[openai]"')
    assert BARE_NAME.search("pip install agentkit")
    assert BARE_NAME.search("python -m pip install -U agentkit")
    assert BARE_NAME.search('all = ["agentkit[openai,anthropic]"]')
    assert not BARE_NAME.search('pip install "autogen-agentkit[openai]"')
    assert not BARE_NAME.search("pip install autogen-agentkit")
    assert not BARE_NAME.search("import agentkit")
