"""One canonical form for tool names (case, ``-``/``_``/``.`` folding), used by every rule; ``guard_tools`` inputs."""

from __future__ import annotations

from typing import Any

import pytest
from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.messages import ToolCallExecutionEvent
from autogen_core.tools import BaseTool, FunctionTool, StaticStreamWorkbench
from hypothesis import given, settings
from hypothesis import strategies as st

from agentkit.exceptions import ConfigurationError
from agentkit.testing import ScriptedChatCompletionClient
from agentkit.tools import ApprovalRequest, PolicyWorkbench, ToolPolicy, guard_tools
from agentkit.tools._names import canonical_name

from ._helpers import EXECUTED, MemorySink, add, tool_calls

POLICY = ToolPolicy.from_dict(
    {
        "deny": ["delete_*", "drop.table"],
        "plain_names_only": False,
        "tools": {
            "read_file": {"max_calls": 1, "require_approval": True, "redact": ["body_text"]},
            "send-mail": {"args": {"to": {"pattern": "[a-z]+@corp\\.example"}}},
        },
    }
)
WORDS = st.lists(
    st.sampled_from(["delete", "read", "file", "send", "mail", "drop", "table", "x"]), min_size=1, max_size=3
)
SEPARATORS = st.sampled_from(["_", "-", ".", " ", "__", "-_", "..", "_-_", "\u00a0", "/", ":"])


@st.composite
def spelled(draw: st.DrawFn) -> tuple[list[str], str]:
    words = draw(WORDS)
    name = ""
    for index, word in enumerate(words):
        cased = "".join(c.upper() if draw(st.booleans()) else c for c in word)
        name += (draw(SEPARATORS) if index else "") + cased
    return words, name


@settings(max_examples=700, deadline=None)
@given(spelled())
def test_every_rule_sees_every_spelling_of_a_name(case: tuple[list[str], str]) -> None:
    words, name = case
    assert canonical_name(name) == "_".join(words)
    denied = (words[0] == "delete" and len(words) > 1) or words == ["drop", "table"]
    assert POLICY.check_name(name).allowed is not denied, name
    keys = [key for key, _ in POLICY.rules_for(name)]
    assert keys == (["read_file"] if words == ["read", "file"] else ["send-mail"] if words == ["send", "mail"] else [])
    assert POLICY.requires_approval(name) is (words == ["read", "file"])
    redacted = POLICY.redact_arguments(name, {"Body-Text": "hello", "other": "o"})
    assert redacted["Body-Text"] == ("**********" if words == ["read", "file"] else "hello")


def _named(name: str) -> FunctionTool:
    def body(path: str) -> str:
        EXECUTED.append((name, {"path": path}))
        return f"{name} {path}"

    return FunctionTool(body, description=f"{name}.", name=name)


@pytest.fixture(autouse=True)
def _clear() -> None:
    EXECUTED.clear()


async def test_separator_regressions_end_to_end_through_an_assistant_agent() -> None:
    """Issue #12 item 3: deny delete_* allowed delete-file; rules keyed read_* did not apply to read-file."""
    approvals: list[str] = []

    async def approve(request: ApprovalRequest) -> bool:
        approvals.append(request.tool)
        return True

    sink = MemorySink()
    policy = {"deny": ["delete_*"], "tools": {"read_*": {"max_calls": 1, "require_approval": True}}}
    tools: list[BaseTool[Any, Any]] = [_named("delete-file"), _named("read-file")]
    wb = PolicyWorkbench(StaticStreamWorkbench(tools), policy, approval=approve, audit=sink, advertise_denied=True)
    model = ScriptedChatCompletionClient(
        [
            tool_calls(("delete-file", '{"path": "/"}'), ("read-file", '{"path": "a"}')),
            tool_calls(("read-file", '{"path": "b"}')),
            "done",
        ]
    )
    agent = AssistantAgent("clerk", model_client=model, workbench=wb)
    first = await agent.run(task="go")
    second = await agent.run(task="again")
    results = [
        (r.name, r.is_error, r.content)
        for m in [*first.messages, *second.messages]
        if isinstance(m, ToolCallExecutionEvent)
        for r in m.content
    ]
    assert results[0][:2] == ("delete-file", True)
    assert "(deny:delete_*)" in results[0][2]
    assert results[1] == ("read-file", False, "read-file a")
    assert results[2][:2] == ("read-file", True)
    assert "(limit.tool)" in results[2][2]  # the read_* limit counts read-file
    assert approvals == ["read-file"]  # the read_* approval applies to read-file (the 2nd call hit the limit first)
    assert EXECUTED == [("read-file", {"path": "a"})]
    assert wb.call_counts == {"read_file": 1, "*": 1}


def test_limits_are_shared_by_every_spelling() -> None:
    wb = PolicyWorkbench(StaticStreamWorkbench([_named("read-file"), _named("read_file")]), {})
    assert wb._plan("read-file").key == wb._plan("read_file").key == wb._plan("READ.FILE").key == "read_file"


async def test_guard_tools_accepts_one_function_one_tool_or_a_list() -> None:
    one = guard_tools(add, {"allow": ["add"]})
    assert [t["name"] for t in await one.list_tools()] == ["add"]
    assert (await one.call_tool("add", {"a": 1, "b": 2})).to_text() == "3"
    tool = guard_tools(FunctionTool(add, description="Add."), {})
    assert [t["name"] for t in await tool.list_tools()] == ["add"]
    listed = guard_tools((add, _named("read-file")), {})
    assert sorted(t["name"] for t in await listed.list_tools()) == ["add", "read-file"]


@pytest.mark.parametrize(
    ("tools", "message"),
    [
        ("add", r"^tools: must be a tool, a function or a list of them, got str\. Pass e\.g\. guard_tools"),
        (42, r"^tools: must be a tool, a function or a list of them, got int\."),
        ([add, 42], r"^tools\[1\]: is not a tool or callable: int\. Pass functions"),
    ],
)
def test_guard_tools_refuses_other_input_in_one_line(tools: Any, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as info:
        guard_tools(tools, {})
    assert "\n" not in str(info.value)
