"""Path rules against the real file system: ``os.path.realpath`` on a real temporary tree is the oracle.

The tree has case variants of the root that are *other* directories (``DATA`` next to ``data`` - possible on
a case-sensitive volume), a case variant that is a symbolic link *to* the root, links out, links up, and
Unicode names. Whatever a rule allows must resolve, by the file system's own judgement (``samefile`` of an
ancestor), inside the root - whether or not case folding is switched on.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentkit.tools import PathRule, ToolPolicy


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = Path(os.path.realpath(tmp_path_factory.mktemp("oracle")))
    data = base / "data"
    (data / "sub").mkdir(parents=True)
    (data / "café").mkdir()
    (data / "ok.txt").write_text("ok")
    (base / "outside").mkdir()
    (base / "outside" / "secret.txt").write_text("secret")
    os.symlink(base / "outside", data / "link_out")
    os.symlink("..", data / "sub" / "up")
    if not (base / "DATA").exists():  # a case-sensitive volume: DATA is another directory
        (base / "DATA").mkdir()
        (base / "DATA" / "secret.txt").write_text("another directory")
    if not (base / "Data").exists():
        os.symlink(data, base / "Data")  # a case variant that *is* the root, through a link
    return base


def _inside_by_the_file_system(path: str, root: Path) -> bool:
    """The oracle: some existing ancestor of ``realpath(path)`` is the root directory itself."""
    current = os.path.realpath(path)
    while True:
        if os.path.exists(current) and os.path.samefile(current, root):
            return True
        parent = os.path.dirname(current)
        if parent == current:
            return False
        current = parent


SEGMENTS = st.sampled_from(
    ["data", "DATA", "Data", "dAtA", "sub", "up", "..", ".", "ok.txt", "secret.txt", "outside", "link_out", "café",
     "CAFÉ", "cafe\u0301", "ß", "SS", "x"]
)  # fmt: skip


@settings(max_examples=900, deadline=None)
@given(st.lists(SEGMENTS, min_size=1, max_size=6), st.sampled_from([True, False, None]), st.booleans())
def test_whatever_is_allowed_resolves_inside_the_root(
    tree: Path, segments: list[str], fold: bool | None, absolute: bool
) -> None:
    root = tree / "data"
    rule = PathRule(within=[str(root)], relative_to=str(tree), case_insensitive=fold)
    value = "/".join(segments)
    if absolute:
        value = f"{tree}/{value}"
    if rule.check(value) is None:
        assert _inside_by_the_file_system(os.path.join(tree, value), root), value


@settings(max_examples=600, deadline=None)
@given(st.text(max_size=30), st.sampled_from([True, None]))
def test_arbitrary_text_never_resolves_outside(tree: Path, value: str, fold: bool | None) -> None:
    root = tree / "data"
    rule = PathRule(within=[str(root)], relative_to=str(root), case_insensitive=fold)
    if rule.check(value) is None:
        assert _inside_by_the_file_system(os.path.join(root, value), root), repr(value)


def test_case_variant_that_is_another_directory_is_refused(tree: Path) -> None:
    """Issue #12 item 4: ``case_insensitive=True`` accepted ``/root/DATA`` for ``/root/data``."""
    rule = PathRule(within=[str(tree / "data")], case_insensitive=True)
    other = tree / "DATA" / "secret.txt"
    assert not os.path.samefile(tree / "DATA", tree / "data")  # a case-sensitive volume
    assert rule.check(str(other)) == ("path.within", "is outside the allowed directories")
    assert rule.check(str(tree / "data" / "ok.txt")) is None


def test_case_variant_that_the_file_system_resolves_to_the_root_is_accepted(tree: Path) -> None:
    rule = PathRule(within=[str(tree / "data")], case_insensitive=True)
    assert rule.check(str(tree / "Data" / "ok.txt")) is None  # Data -> data: the same directory
    exact = PathRule(within=[str(tree / "data")], case_insensitive=False)
    assert exact.check(str(tree / "Data" / "ok.txt")) == ("path.within", "is outside the allowed directories")


async def test_case_variant_regression_end_to_end_through_a_workbench(tree: Path) -> None:
    """Issue #12 item 4 through a real AssistantAgent: the DATA twin is refused, the root itself is read."""
    import json

    from autogen_agentchat.agents import AssistantAgent
    from autogen_agentchat.messages import ToolCallExecutionEvent
    from autogen_core.tools import FunctionTool, StaticWorkbench

    from agentkit.testing import ScriptedChatCompletionClient
    from agentkit.tools import PolicyWorkbench

    from ._helpers import tool_calls

    opened: list[str] = []

    def read_file(path: str) -> str:
        """Read a file."""
        opened.append(path)
        return Path(path).read_text()

    within = {"within": [str(tree / "data")], "case_insensitive": True}
    policy = ToolPolicy.from_dict({"tools": {"read_file": {"args": {"path": {"path": within}}}}})
    wb = PolicyWorkbench(StaticWorkbench([FunctionTool(read_file, "Read.")]), policy)
    model = ScriptedChatCompletionClient(
        [
            tool_calls(
                ("read_file", json.dumps({"path": str(tree / "DATA" / "secret.txt")})),
                ("read_file", json.dumps({"path": str(tree / "data" / "ok.txt")})),
            ),
            "done",
        ]
    )
    result = await AssistantAgent("reader", model_client=model, workbench=wb).run(task="read")
    outcomes = [
        (r.is_error, r.content) for m in result.messages if isinstance(m, ToolCallExecutionEvent) for r in m.content
    ]
    assert outcomes[0][0] is True
    assert "(args.path.path.within)" in outcomes[0][1]
    assert outcomes[1] == (False, "ok")
    assert opened == [str(tree / "data" / "ok.txt")]
