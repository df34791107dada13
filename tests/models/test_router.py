"""The routing pre-check: skipping the per-member check never lets through a member that cannot serve a request."""

from __future__ import annotations

from typing import Any

from autogen_core import Image
from autogen_core.models import LLMMessage, ModelInfo, UserMessage
from autogen_core.tools import ToolSchema
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from agentkit.models._routing import Router, ineligibility, shape_of

TOOL: ToolSchema = {
    "name": "lookup",
    "description": "Look up a word.",
    "parameters": {"type": "object", "properties": {}},
}
PIXEL = Image.from_base64(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


class Answer(BaseModel):
    text: str


def _info(flags: tuple[bool, bool, bool, bool]) -> ModelInfo:
    vision, tools, json_output, structured = flags
    return ModelInfo(
        vision=vision, function_calling=tools, json_output=json_output, structured_output=structured, family="x"
    )


members_strategy = st.lists(
    st.tuples(st.tuples(*[st.booleans()] * 4), st.one_of(st.none(), st.integers(min_value=1, max_value=400))),
    min_size=1,
    max_size=4,
)


@settings(max_examples=300)
@given(
    members=members_strategy,
    words=st.integers(min_value=0, max_value=300),
    image=st.booleans(),
    with_tools=st.booleans(),
    json_output=st.sampled_from([None, False, True, Answer]),
)
def test_a_request_is_passed_unchecked_only_when_every_member_can_serve_it(
    members: list[tuple[tuple[bool, bool, bool, bool], int | None]],
    words: int,
    image: bool,
    with_tools: bool,
    json_output: Any,
) -> None:
    infos = [(_info(flags), window) for flags, window in members]
    content: Any = "word " * words
    if image:
        content = [content, PIXEL]
    messages: list[LLMMessage] = [UserMessage(content=content, source="user")]
    tools = [TOOL] if with_tools else []

    full = shape_of(messages, tools, json_output)
    excluded = [ineligibility(full, info, window) for info, window in infos]
    shape = Router(infos).shape(messages, tools, json_output)

    if shape is None:
        assert excluded == [None] * len(infos)  # the pre-check let it through: nobody may be excluded
    else:
        # When the request is checked, it is checked on the same shape as the full computation.
        assert [ineligibility(shape, info, window) for info, window in infos] == excluded
