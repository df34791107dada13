"""The contract every ``agentkit`` command follows, driven with each kind of bad input.

Exit 0 success, 1 changes pending / manual work, 2 bad input or environment; errors are ONE line on stderr that
names the path (or flag) and the fix, never a traceback; machine-readable output goes alone to stdout; a reader
that stops early (``| head``) gets a quiet exit. Most cases run ``agentkit._cli.main`` in process; the ones
that need a fresh interpreter (an optional dependency made unimportable, a closed pipe, the demo) run it in a
subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

import pytest

from agentkit._cli import main

V02_CONFIG = '[{"model": "gpt-4o-mini", "api_key": "sk-contract-test-0123456789abcdef"}]\n'
AZURE_CONFIG = (
    '[{"model": "gpt-4o", "api_type": "azure", "base_url": "https://example.openai.azure.com/",'
    ' "api_version": "2024-06-01", "api_key": "sk-contract-test-0123456789abcdef"}]\n'
)
V02_CODE = 'import autogen\n\nassistant = autogen.AssistantAgent("assistant", llm_config={"model": "gpt-4o-mini"})\n'

# Run the CLI in a fresh interpreter where the named modules (and their submodules) cannot be imported,
# as on an install without the extra that provides them.
BLOCKING_RUNNER = """
import sys

BLOCKED = [name for name in sys.argv[1].split(",") if name]


class Blocker:
    def find_spec(self, name, path=None, target=None):
        if any(name == b or name.startswith(b + ".") for b in BLOCKED):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, Blocker())
from agentkit._cli import main

raise SystemExit(main(sys.argv[2:]))
"""
NO_SDKS = "openai,anthropic,tiktoken,mcp,libcst,autogen_ext.models.openai,autogen_ext.models.anthropic"


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "OAI_CONFIG_LIST.json").write_text(V02_CONFIG, encoding="utf-8")
    (tmp_path / "azure.json").write_text(AZURE_CONFIG, encoding="utf-8")
    (tmp_path / "malformed.json").write_text('[{"model": \n', encoding="utf-8")
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "app.py").write_text(V02_CODE, encoding="utf-8")
    (tmp_path / "broken.py").write_text("import autogen\n\ndef f(:\n    pass\n", encoding="utf-8")
    (tmp_path / "a-file").write_text("not a directory\n", encoding="utf-8")
    (tmp_path / "empty.json").write_text("", encoding="utf-8")
    (tmp_path / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    return tmp_path


def _run(argv: Sequence[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as stop:  # argparse: --help, --version, usage errors
        code = stop.code if isinstance(stop.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env.update(NO_PROXY="*", **extra)
    return env


def _run_blocked(blocked: str, argv: Sequence[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCKING_RUNNER, blocked, *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=_env(**env),
        timeout=300,
    )


def assert_one_line_error(err: str, *needles: str) -> None:
    lines = err.strip().splitlines()
    assert "Traceback" not in err, err
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{err}"
    for needle in needles:
        assert needle in lines[0], f"{needle!r} not in {lines[0]!r}"


# -- success paths -------------------------------------------------------------------------------------------------


def test_help_documents_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["--help"], capsys)
    assert code == 0
    assert not err
    for line in ("exit 0", "exit 1", "exit 2", "--json", "autogen-agentkit"):
        assert line in out


@pytest.mark.parametrize("argv", [["demo", "--help"], ["migrate", "--help"], ["migrate", "config", "--help"]])
def test_subcommand_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(argv, capsys)
    assert (code, err) == (0, "")
    assert out.startswith("usage: agentkit")


def test_migrate_code_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["migrate", "code", "--help"], capsys)
    assert (code, err) == (0, "")
    assert "autogen-agentkit[migrate]" in out


def test_version_reads_the_distribution(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["--version"], capsys)
    assert (code, err) == (0, "")
    assert out.strip() == f"agentkit {version('autogen-agentkit')}"


# -- bad flags -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["--bogus"],
        ["demo", "--bogus"],
        ["demo", "--only", "nonsense"],
        ["migrate", "config", "OAI_CONFIG_LIST.json", "--bogus"],
        ["migrate", "config", "OAI_CONFIG_LIST.json", "--report", "xml"],
        ["migrate", "code", "project", "--bogus"],
        ["migrate", "code", "project", "--only", "AK999"],
        ["migrate", "code", "project", "--diff", "--check"],
    ],
    ids=" ".join,
)
def test_bad_flag_is_one_line_exit_2(argv: list[str], files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(argv, capsys)
    assert code == 2
    assert not out
    assert_one_line_error(err)
    assert any(word in err for word in ("--bogus", "nonsense", "xml", "AK999", "--check", "not allowed"))


# -- missing paths, unwritable outputs, malformed files ------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [["migrate", "config", "missing/OAI_CONFIG_LIST"], ["migrate", "code", "missing/project"]],
    ids=" ".join,
)
def test_missing_path_is_one_line_exit_2(argv: list[str], files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(argv, capsys)
    assert code == 2
    assert_one_line_error(err, "missing/")


@pytest.mark.parametrize(
    "argv",
    [
        ["migrate", "config", "OAI_CONFIG_LIST.json", "-o", "a-file/out.json"],
        ["migrate", "config", "OAI_CONFIG_LIST.json", "-o", "no/such/dir/out.json"],
        ["migrate", "config", "OAI_CONFIG_LIST.json", "-o", "out.json", "--prices", "no/such/dir/prices.json"],
    ],
    ids=" ".join,
)
def test_unwritable_output_is_one_line_exit_2(argv: list[str], files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(argv, capsys)
    assert code == 2
    assert not out
    assert_one_line_error(err, argv[-1])
    assert not (files / "out.json").exists() or argv[-2] == "--prices"


def test_malformed_config_is_one_line_exit_2(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["migrate", "config", "malformed.json"], capsys)
    assert code == 2
    assert not out
    assert_one_line_error(err, "malformed.json", "line 2")


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["migrate", "config", "empty.json"], "empty.json"),
        (["migrate", "config", "project"], "project"),
        (["migrate", "code", "OAI_CONFIG_LIST.json"], "OAI_CONFIG_LIST.json"),  # named explicitly: never skipped
        (["migrate", "code", "broken.ipynb"], "broken.ipynb"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_unusable_input_file_is_exit_2_naming_it(
    argv: list[str], needle: str, files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = _run(argv, capsys)
    assert code == 2, err
    assert "Traceback" not in err
    (error,) = [line for line in err.splitlines() if needle in line]
    assert error


def test_unparsable_code_names_file_and_python_line(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(["migrate", "code", "broken.py"], capsys)
    assert code == 2
    assert "Traceback" not in err
    # A run over many files also prints its summary; the error itself is one line with Python's line number.
    (error,) = [line for line in err.splitlines() if "broken.py" in line]
    assert "broken.py:3" in error


# -- machine-readable output alone on stdout -----------------------------------------------------------------------


def test_migrate_config_report_json_alone_on_stdout(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["migrate", "config", "OAI_CONFIG_LIST.json", "--report", "json", "-o", "out.json"], capsys)
    assert code == 0, err
    json.loads(out)  # nothing else on stdout
    assert "Traceback" not in err
    assert json.loads((files / "out.json").read_text(encoding="utf-8"))["provider"]


def test_migrate_code_check_exit_1_when_changes_pending(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(["migrate", "code", "--check", "project"], capsys)
    assert code == 1, err
    assert "Traceback" not in err
    assert (files / "project" / "app.py").read_text(encoding="utf-8") == V02_CODE  # --check writes nothing


# -- missing extras (a fresh interpreter where the import fails) ---------------------------------------------------


def test_demo_live_without_openai_extra_names_it(tmp_path: Path) -> None:
    proc = _run_blocked("openai,autogen_ext.models.openai", ["demo", "--live"], tmp_path, OPENAI_API_KEY="sk-x")
    assert proc.returncode == 2
    assert_one_line_error(proc.stderr, "pip install", "autogen-agentkit[openai]")


def test_migrate_code_without_migrate_extra_names_it(files: Path) -> None:
    proc = _run_blocked("libcst", ["migrate", "code", "project"], files)
    assert proc.returncode == 2, proc.stderr
    assert_one_line_error(proc.stderr, "pip install", "autogen-agentkit[migrate]")


def test_migrate_config_azure_without_azure_extra_says_so(files: Path) -> None:
    proc = _run_blocked("azure", ["migrate", "config", "azure.json", "-o", "out.json"], files)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    assert "autogen-agentkit[azure]" in proc.stderr


def test_demo_on_a_plain_install_runs_scripted(tmp_path: Path) -> None:
    proc = _run_blocked(NO_SDKS, ["demo", "--json"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert not proc.stderr
    report = json.loads(proc.stdout)
    assert report["backend"] == "scripted"
    assert [act["name"] for act in report["acts"]] == ["team", "failover", "budget", "deadline", "tools"]
    assert all(act["ok"] for act in report["acts"]), report
    tools = next(act for act in report["acts"] if act["name"] == "tools")
    assert "3 audit records" in tools["outcome"]  # every decision audited: 3 calls, 3 records


def test_demo_text_fits_the_terminal_and_never_cuts_words(tmp_path: Path) -> None:
    proc = _run_blocked(NO_SDKS, ["demo"], tmp_path, COLUMNS="72")
    assert proc.returncode == 0, proc.stderr
    assert not proc.stderr
    lines = proc.stdout.splitlines()
    assert max(len(line) for line in lines) <= 72, max(lines, key=len)
    summary = lines[lines.index("Summary") :]
    assert any(line.startswith("tools") and "ok" in line for line in summary)
    words = set(proc.stdout.split())
    assert "ScriptedChatCompletionClient" in words  # wrapped whole, never split across lines
    assert "audit:" in words


# -- a reader that stops early -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "codes"),
    [
        (["demo"], (141,)),  # narration is written line by line: the next line after `head` left breaks the pipe
        (["demo", "--json"], (0, 141)),  # the JSON is one write at the end: it may fit the pipe before head exits
    ],
    ids=["demo", "demo --json"],
)
def test_piping_into_head_is_quiet(argv: list[str], codes: tuple[int, ...], tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", BLOCKING_RUNNER, NO_SDKS, *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=_env(),
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # what `head -1` does after its line
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=300) in codes
    assert not err, err
