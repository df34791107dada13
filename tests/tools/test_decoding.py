"""Arguments judged as the tool receives them, with FastMCP's own argument decoding as the oracle.

FastMCP JSON-decodes a string argument whose parameter is not annotated exactly ``str``. The oracle is the
installed ``mcp`` package: ``FuncMetadata.pre_parse_json`` and the tool's own argument model, in process for
the generated cases, and a real FastMCP server over an in-memory MCP session for what actually arrives.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mcp.server.fastmcp import FastMCP
from mcp.server.fastmcp.utilities.func_metadata import FuncMetadata, func_metadata
from mcp.shared.memory import create_connected_server_and_client_session
from pydantic import ValidationError

from agentkit.tools import ToolPolicy
from agentkit.tools._decode import fastmcp_decode, is_decoded, non_string_parameters

from .mcp_server import server as TEST_SERVER


def _union(x: str | list[str]) -> str:
    return str(x)


def _listed(x: list[str]) -> str:
    return str(x)


def _optional(x: str | None = None) -> str:
    return str(x)


def _plain(x: str) -> str:
    return x


def _untyped(x):  # type: ignore[no-untyped-def]  # deliberately unannotated: FastMCP decodes for it too
    return str(x)


DECODING: list[FuncMetadata] = [func_metadata(f) for f in (_union, _listed, _optional, _untyped)]
KEEPING = func_metadata(_plain)

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)
SPACE = st.sampled_from(["", " ", "\n", "\t ", "\r\n", "\u00a0", "\ufeff"])
TEXTS = st.one_of(
    st.builds(lambda pre, value, post: pre + json.dumps(value) + post, SPACE, JSON_VALUES, SPACE),
    st.text(alphabet='[]{}",:null trueNaInfiy0-1.e\\/x', max_size=16),
    st.text(max_size=16),
)


@settings(max_examples=800, deadline=None)
@given(TEXTS)
def test_the_port_decodes_exactly_what_fastmcp_pre_parse_decodes(text: str) -> None:
    ours = fastmcp_decode(text)
    for meta in DECODING:
        theirs = meta.pre_parse_json({"x": text})["x"]
        if is_decoded(ours):
            assert theirs == ours, (text, theirs, ours)
            assert type(theirs) is type(ours), (text, theirs, ours)
        else:
            assert theirs is text, (text, theirs)
    assert KEEPING.pre_parse_json({"x": text})["x"] is text  # exactly `str`: never decoded


def test_the_schema_tells_which_parameters_cannot_be_strings() -> None:
    schemas = {name: meta.arg_model.model_json_schema() for name, meta in [("union", DECODING[0])]}
    assert non_string_parameters(schemas["union"]) == frozenset()
    assert non_string_parameters(DECODING[1].arg_model.model_json_schema()) == {"x"}
    assert non_string_parameters(DECODING[3].arg_model.model_json_schema()) == frozenset()  # untyped: "string"
    assert non_string_parameters(KEEPING.arg_model.model_json_schema()) == frozenset()
    odd = {"properties": {"n": {"type": "integer"}, "e": {"enum": [1, 2]}, "s": {"enum": ["a"]}, "r": {"$ref": "#/x"}}}
    assert non_string_parameters(odd) == {"n", "e"}
    assert non_string_parameters("not a schema") == frozenset()


# -- the policy judges what FastMCP delivers -----------------------------------------------------------------


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("decoding")
    root = base / "root"
    (root / "sub").mkdir(parents=True)
    (base / "outside").mkdir()
    (base / "outside" / "secret.txt").write_text("secret")
    os.symlink(base / "outside", root / "link_out")
    return Path(os.path.realpath(root))


SEGMENT = st.sampled_from(["ok.txt", "sub", "..", ".", "link_out", "secret.txt", "outside", "x"])
PATHS = st.lists(SEGMENT, min_size=1, max_size=4).map("/".join) | st.sampled_from(["/etc/passwd", "{root}/ok.txt"])
NESTED = st.recursive(
    PATHS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(PATHS, inner, max_size=2), max_leaves=6
)
ARGUMENTS = st.one_of(
    PATHS,
    st.builds(lambda pre, value: pre + json.dumps(value), SPACE, NESTED),
    NESTED,
    st.sampled_from(["null", " null", "[]", "{}", "[null]", "[1]"]),
)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in [str(key), *_strings(item)]]
    return []


def _inside(path: str, root: Path) -> bool:
    real = os.path.realpath(os.path.join(root, path))
    return real == str(root) or real.startswith(f"{root}{os.sep}")


TOOLS = ["read_paths", "read_untyped", "read_file"]


@settings(max_examples=800, deadline=None)
@given(st.sampled_from(TOOLS), ARGUMENTS)
def test_whatever_is_allowed_is_delivered_inside_the_root(tree: Path, tool_name: str, raw: Any) -> None:
    raw = json.loads(json.dumps(raw).replace("{root}", str(tree)))
    tool = TEST_SERVER._tool_manager.get_tool(tool_name)
    assert tool is not None
    parameter = next(iter(tool.parameters["properties"]))
    policy = ToolPolicy.from_dict(
        {"tools": {tool_name: {"args": {parameter: {"path": {"within": [str(tree)], "relative_to": str(tree)}}}}}}
    )
    verdict = policy.check_arguments(tool_name, {parameter: raw}, non_string=non_string_parameters(tool.parameters))
    if not verdict.allowed:
        return
    meta = tool.fn_metadata
    try:  # exactly what FastMCP's call_fn_with_arg_validation hands the function
        model = meta.arg_model.model_validate(meta.pre_parse_json({parameter: raw}))
    except ValidationError:
        return  # the server refuses it itself
    delivered = model.model_dump_one_level()[parameter]
    for path in _strings(delivered):
        assert _inside(path, tree), (tool_name, raw, delivered)


REGRESSIONS: list[tuple[str, Any]] = [
    ("read_paths", '["../outside/secret.txt"]'),
    ("read_paths", ' ["ok.txt", "../outside/secret.txt"]'),
    ("read_paths", ["ok.txt", "../outside/secret.txt"]),
    ("read_paths", '["link_out/secret.txt"]'),
    ("read_untyped", '["../outside/secret.txt"]'),
    ("read_untyped", '{"p": "../outside/secret.txt"}'),
    ("read_untyped", '[["../outside/secret.txt"]]'),
    ("read_untyped", "[" * 5000 + "]" * 5000),  # RecursionError while decoding: refused, fail closed
    ("read_file", '["../outside/secret.txt"]'),
]


@pytest.mark.parametrize(("tool_name", "raw"), REGRESSIONS)
def test_json_inside_a_string_cannot_smuggle_a_path(tree: Path, tool_name: str, raw: Any) -> None:
    tool = TEST_SERVER._tool_manager.get_tool(tool_name)
    assert tool is not None
    parameter = next(iter(tool.parameters["properties"]))
    policy = ToolPolicy.from_dict({"tools": {"read_*": {"args": {parameter: {"path": {"within": [str(tree)]}}}}}})
    verdict = policy.check_arguments(tool_name, {parameter: raw}, non_string=non_string_parameters(tool.parameters))
    assert not verdict.allowed
    assert verdict.rule.startswith(f"args.{parameter}."), verdict


def test_a_list_parameter_is_judged_decoded_only(tree: Path) -> None:
    """A decodable string for a parameter that cannot be a string is judged as the list it becomes."""
    policy = ToolPolicy.from_dict({"tools": {"t": {"args": {"x": {"type": "array", "max_length": 2}}}}})
    assert policy.check_arguments("t", {"x": '["a", "b"]'}, non_string=frozenset({"x"})).allowed
    assert (
        policy.check_arguments("t", {"x": '["a", "b", "c"]'}, non_string=frozenset({"x"})).rule == "args.x.max_length"
    )
    # without the schema both readings must pass: as a string it is not an array
    assert policy.check_arguments("t", {"x": '["a", "b"]'}).rule == "args.x.type"


# -- a real FastMCP server over an in-memory session: what arrives is what we judged ------------------------


def _corpus() -> list[str]:
    values: list[str] = []
    for path in ["ok.txt", "../outside/secret.txt", "sub/../ok.txt"]:
        for wrap in (json.dumps(path), json.dumps([path]), json.dumps({"k": path}), json.dumps([[path]])):
            for pre in ("", " ", "\n\t"):
                values.append(pre + wrap)
        values.append(path)
    return [*values, "null", "true", "1", "1.5", '"x"', "[", "{bad", "NaN", "[NaN]", "\ufeff[1]", "[]"]


async def test_a_real_fastmcp_server_receives_exactly_the_decoded_form() -> None:
    server = FastMCP("decoding-oracle")

    @server.tool()
    def echo_union(x: str | list[str] | dict[str, str] | list[list[str]] | None) -> str:
        return json.dumps(x)

    @server.tool()
    def echo_untyped(x):  # type: ignore[no-untyped-def]  # deliberately unannotated
        return json.dumps(x)

    @server.tool()
    def echo_plain(x: str) -> str:
        return json.dumps(x)

    async with create_connected_server_and_client_session(server._mcp_server) as session:
        for name in ("echo_union", "echo_untyped", "echo_plain"):
            for value in _corpus():
                result = await session.call_tool(name, {"x": value})
                if result.isError:
                    continue  # the server refused the decoded value (e.g. a number for a list)
                received = json.loads(result.content[0].text)  # type: ignore[union-attr]
                decoded = fastmcp_decode(value)
                expected = value if name == "echo_plain" or not is_decoded(decoded) else decoded
                assert received == expected, (name, value, received)


async def test_the_workbench_reads_which_parameters_cannot_be_strings_from_the_tool_schemas() -> None:
    from autogen_core.tools import FunctionTool, StaticWorkbench

    from agentkit.tools import PolicyWorkbench

    def tag(names: list[str], label: str) -> str:
        """Tag things."""
        return ",".join(names) + label

    policy = {"tools": {"tag": {"args": {"names": {"type": "array", "max_length": 2}, "label": {"type": "string"}}}}}
    wb = PolicyWorkbench(StaticWorkbench([FunctionTool(tag, "Tag.")]), policy)
    await wb.list_tools()
    assert wb._non_string["tag"] == {"names"}
    # a JSON string for the list parameter is judged as the list FastMCP would make of it
    assert (
        "(args.names.max_length)" in (await wb.call_tool("tag", {"names": '["a", "b", "c"]', "label": "x"})).to_text()
    )
    # a JSON string for the string parameter must pass in both readings: as a list it is not a string
    assert "(args.label.type)" in (await wb.call_tool("tag", {"names": ["a"], "label": '["x"]'})).to_text()
    assert (await wb.call_tool("tag", {"names": ["a"], "label": "x"})).to_text() == "ax"


def test_path_and_url_rules_bound_the_strings_they_check() -> None:
    from agentkit.tools import ArgRule

    paths = ArgRule.model_validate({"path": {"within": ["/srv"]}})
    assert paths.check(["/srv/a"] * 1000) is None
    assert paths.check(["/srv/a"] * 1001) == ("path", "holds more than 1000 paths")
    urls = ArgRule.model_validate({"url": {"hosts": ["a.example"]}})
    assert urls.check({"k": ["https://a.example/"] * 1001}) == ("url", "holds more than 1000 URLs")
    assert urls.check([["https://a.example/", 1]]) == ("url", "must be a string URL (or a list or object of them)")
