"""The serialised form of a :class:`~agentkit.testing.ScriptedChatCompletionClient` and its script steps.

Script steps are stored as text, ``CreateResult`` JSON, or exceptions as their type path plus constructor
arguments (SDK ``APIStatusError`` subclasses as type path, message, status code, headers and body);
:func:`dump_step` and :func:`load_step` convert between a step and its :class:`ScriptStepConfig`.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from typing import Any, Literal

from autogen_core.models import CreateResult
from pydantic import BaseModel, Field

from ..exceptions import ConfigurationError
from ._scripted_step import Scripted, ScriptItem

__all__ = ("ScriptStepConfig", "ScriptedChatCompletionClientConfig", "dump_step", "load_step")


class ScriptStepConfig(BaseModel):
    """One serialised script step (see :class:`ScriptedChatCompletionClientConfig`)."""

    text: str | None = None
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    latency: float | None = None
    chunks: list[str] | None = None
    chunk_latency: float = 0.0
    raise_after: int | None = None
    usage: tuple[int, int] | None = None


class ScriptedChatCompletionClientConfig(BaseModel):
    """Serialised :class:`ScriptedChatCompletionClient`.

    Script steps are stored as text, ``CreateResult`` JSON, or exceptions as their type path plus
    constructor arguments (SDK ``APIStatusError`` subclasses as type path, message, status code, headers and
    body). Not serialised: the clock, and exceptions that cannot be rebuilt from their arguments (dumping
    such a client raises :class:`~agentkit.exceptions.ConfigurationError`).
    """

    script: list[ScriptStepConfig] = Field(default_factory=list)
    model: str = "scripted-model"
    model_info: dict[str, Any] | None = None
    latency: float = 0.0
    when_exhausted: Literal["raise", "repeat_last", "cycle"] = "raise"
    token_limit: int = 128_000


def dump_step(item: ScriptItem, index: int) -> ScriptStepConfig:
    """The serialised form of script step number ``index``.

    Raises:
        ConfigurationError: if the step holds an exception that cannot be rebuilt from its arguments.
    """
    where = f"script[{index}]"
    if isinstance(item, str):
        return ScriptStepConfig(text=item)
    if isinstance(item, CreateResult):
        return ScriptStepConfig(result=item.model_dump(mode="json"))
    if isinstance(item, BaseException):
        return ScriptStepConfig(error=_dump_error(item, where))
    step = ScriptStepConfig(
        latency=item.latency,
        chunks=list(item.chunks) if item.chunks is not None else None,
        chunk_latency=item.chunk_latency,
        raise_after=item.raise_after,
        usage=item.usage,
    )
    if isinstance(item.result, str):
        step.text = item.result
    elif isinstance(item.result, CreateResult):
        step.result = item.result.model_dump(mode="json")
    if item.raises is not None:
        step.error = _dump_error(item.raises, where)
    return step


def load_step(step: ScriptStepConfig) -> ScriptItem:
    """The script step a :class:`ScriptStepConfig` describes (a bare result or exception when that is all it is)."""
    result: str | CreateResult | None = step.text
    if step.result is not None:
        result = CreateResult.model_validate(step.result)
    error = _load_error(step.error) if step.error is not None else None
    plain = (
        step.latency is None
        and step.chunks is None
        and step.chunk_latency == 0.0
        and step.raise_after is None
        and step.usage is None
    )
    if plain and error is None and result is not None:
        return result
    if plain and error is not None and result is None:
        return error
    return Scripted(
        result=result,
        raises=error,
        latency=step.latency,
        chunks=step.chunks,
        chunk_latency=step.chunk_latency,
        raise_after=step.raise_after,
        usage=step.usage,
    )


def _qualified(obj: type[Any]) -> str:
    return f"{obj.__module__}.{obj.__qualname__}"


def _import(path: str) -> Any:
    module_name, _, name = path.rpartition(".")
    obj: Any = importlib.import_module(module_name)
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _dump_error(error: BaseException, where: str) -> dict[str, Any]:
    spec: dict[str, Any] = {"type": _qualified(type(error))}
    response = getattr(error, "response", None)
    status = getattr(error, "status_code", None)
    if response is not None and isinstance(status, int) and hasattr(error, "body"):
        # An SDK APIStatusError (openai / anthropic): rebuild it from its HTTP response on load.
        spec.update(
            message=getattr(error, "message", str(error)),
            status_code=status,
            body=error.body,
            headers=dict(response.headers),
            response_type=_qualified(type(response)),
            request_type=_qualified(type(response.request)),
        )
        return spec
    try:
        rebuilt = type(error)(*error.args)
    except Exception as exc:
        raise ConfigurationError(
            where,
            f"{spec['type']} cannot be rebuilt from its arguments ({exc}), so it cannot be serialised.",
            "Script an exception that can be built from its args, or don't dump this client.",
        ) from None
    if rebuilt.args != error.args:
        raise ConfigurationError(where, f"{spec['type']} does not round-trip its arguments.", "Use another type.")
    try:
        args = json.loads(json.dumps(list(error.args)))
    except (TypeError, ValueError):
        raise ConfigurationError(
            where, f"{spec['type']} has arguments that are not JSON.", "Use string arguments."
        ) from None
    spec["args"] = args
    return spec


def _load_error(spec: Mapping[str, Any]) -> BaseException:
    found = _import(spec["type"])
    if not (isinstance(found, type) and issubclass(found, BaseException)):
        raise ConfigurationError("script.error.type", f"{spec['type']} is not an exception class.", "Fix the config.")
    cls: Any = found
    if "status_code" in spec:
        request = _import(spec["request_type"])("POST", "http://scripted.invalid/")
        response = _import(spec["response_type"])(spec["status_code"], headers=spec["headers"], request=request)
        error: BaseException = cls(spec["message"], response=response, body=spec["body"])
        return error
    error = cls(*spec.get("args", []))
    return error
