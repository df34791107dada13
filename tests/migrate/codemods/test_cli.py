"""End to end: ``agentkit migrate code`` on a small project (files, a notebook, a syntax error)."""

from __future__ import annotations

import io
import json
import os
import re
import stat
from pathlib import Path

import pytest

from agentkit._cli import main
from agentkit.migrate.codemods import migrate_paths
from agentkit.migrate.codemods._cli import ProgressBar

from ._project import make_project
from ._support import assert_resolves


def _snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


def test_check_reports_pending_changes_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path, broken=False)
    before = _snapshot(root)
    assert main(["migrate", "code", str(root), "--check"]) == 1
    out = capsys.readouterr().out
    assert _snapshot(root) == before
    assert "runs on v0.4; would change" in out
    assert "skipped.py" not in out
    assert "skipped.py" not in out


def test_write_migrates_everything_but_the_broken_file_and_reports_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(tmp_path)
    os.chmod(root / "app" / "agents.py", 0o640)
    assert main(["migrate", "code", str(root)]) == 2  # the syntax error is bad input
    captured = capsys.readouterr()
    out = captured.err
    assert "6 file(s) scanned, 4 changed, 1 could not be migrated" in out
    assert re.search(r"broken\.py:2: cannot parse", out)  # Python's own line number
    assert "rules applied: AK001 x" in out
    assert "TODOs: " in out
    assert "AK010 x" in out
    assert "needs manual work (" in captured.out
    assert (root / "app" / "broken.py").read_text() == "import autogen\ndef f(:\n    pass\n"
    assert stat.S_IMODE((root / "app" / "agents.py").stat().st_mode) == 0o640
    assert not list(root.rglob("*.tmp"))
    for name in ("agents.py", "team.py"):
        code = (root / "app" / name).read_text()
        assert "TODO[agentkit" not in code
        assert_resolves(code)
    assert "TODO[agentkit AK010]" in (root / "app" / "todos.py").read_text()
    assert (root / ".venv" / "lib" / "skipped.py").read_text() == "import autogen\n"
    # A second run changes nothing.
    (root / "app" / "broken.py").unlink()
    after = _snapshot(root)
    assert main(["migrate", "code", str(root), "--check"]) == 0
    assert _snapshot(root) == after
    assert "0 would change" in capsys.readouterr().err
    assert main(["migrate", "code", str(root), "--check", "--require-v04"]) == 1  # todos.py still needs v0.2
    (root / "app" / "todos.py").unlink()
    assert main(["migrate", "code", str(root), "--require-v04"]) == 0


def test_diff_prints_unified_diff_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path, broken=False)
    before = _snapshot(root)
    assert main(["migrate", "code", str(root / "app" / "agents.py"), "--diff"]) == 0
    out = capsys.readouterr().out
    assert out.count("--- a/") == 1
    assert '-    user_proxy.initiate_chat(assistant, message="Plot NVDA vs TSLA.")' in out
    expected = 'task=TextMessage(content="Plot NVDA vs TSLA.", source=user_proxy.name)'
    assert f"+    asyncio.run(Console(team.run_stream({expected})))" in out
    assert "file(s) scanned" not in out  # the summary goes to stderr: stdout is the diff alone
    assert _snapshot(root) == before


def test_only_and_disable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path, broken=False)
    target = root / "app" / "team.py"
    assert main(["migrate", "code", str(target), "--only", "AK001"]) == 0
    code = target.read_text()
    assert "from autogen_agentchat.agents import AssistantAgent" in code
    assert "GroupChatManager(groupchat=groupchat" in code
    assert main(["migrate", "code", str(target), "--disable", "AK007", "--check"]) == 1
    assert main(["migrate", "code", str(target), "--only", "AK999"]) == 2
    assert "unknown rule 'AK999'" in capsys.readouterr().err


def test_progress_bar_only_on_a_tty() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    bar = ProgressBar(tty, width=10)
    for done in range(1, 2001):
        bar(done, 2000)
    text = tty.getvalue()
    assert text.endswith("\r[##########] 2000/2000 files\n")
    assert text.count("\r") == 101  # redrawn once per percent (0..100), not once per file
    plain = io.StringIO()
    ProgressBar(plain)(5, 2000)
    assert plain.getvalue() == ""


def test_migrate_paths_api_reports_per_file(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    calls: list[tuple[int, int]] = []
    report = migrate_paths([root], write=False, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (6, 6)
    assert len(report.errors) == 1
    assert {f.path.name for f in report.changed} == {"agents.py", "team.py", "todos.py", "demo.ipynb"}
    assert json.loads((root / "notebooks" / "demo.ipynb").read_text())["nbformat"] == 4


def test_crlf_line_endings_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "win.py"
    path.write_bytes(b'from autogen import AssistantAgent\r\na = AssistantAgent("a", llm_config=cfg)\r\n')
    report = migrate_paths([path])
    assert report.changed
    data = path.read_bytes()
    assert b"model_client=client_from_llm_config(cfg)" in data
    assert data.count(b"\r\n") == data.count(b"\n")


def test_missing_path_and_non_python_file_are_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.py"
    assert main(["migrate", "code", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"agentkit migrate code: {missing}: no such file or directory"
    config = tmp_path / "OAI_CONFIG_LIST.json"
    config.write_text("[]")
    assert main(["migrate", "code", str(config)]) == 2
    assert "not a Python file or notebook" in capsys.readouterr().err
