"""``model_info`` for translated entries: AutoGen's own tables first, then name patterns, then provider defaults.

v0.4 clients refuse model names they do not know unless the config declares ``model_info``. The translation
leaves ``model_info`` out when AutoGen knows the name (so the client's own, up-to-date entry applies), and
declares it otherwise: from the name patterns below when one matches, else from a conservative default that
the report marks as manual work (capabilities matter: a model without ``function_calling`` cannot get tools).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ("InferredInfo", "autogen_knows", "infer_model_info")

ClientKind = Literal["openai", "anthropic"]


@dataclass(frozen=True)
class InferredInfo:
    """A ``model_info`` the translation declares.

    Attributes:
        info: The ``ModelInfo`` dict (vision, function_calling, json_output, family, structured_output, ...).
        basis: Where it came from, for the report.
        confident: ``False`` when no pattern matched the name (the report then asks a human to check it).
    """

    info: dict[str, Any]
    basis: str
    confident: bool


def _info(
    family: str,
    *,
    vision: bool,
    tools: bool,
    json: bool,
    structured: bool,
    multiple_system_messages: bool = True,
) -> dict[str, Any]:
    return {
        "vision": vision,
        "function_calling": tools,
        "json_output": json,
        "family": family,
        "structured_output": structured,
        "multiple_system_messages": multiple_system_messages,
    }


# (pattern on the lower-cased model name, info). First match wins; mirrors AutoGen 0.7.5's tables for the
# families it knows and extends them to dated/undated variants it does not list.
_PATTERNS: tuple[tuple[re.Pattern[str], dict[str, Any]], ...] = tuple(
    (re.compile(pattern), info)
    for pattern, info in (
        (r"^gpt-5", _info("gpt-5", vision=True, tools=True, json=True, structured=True)),
        (r"^gpt-4\.1", _info("gpt-41", vision=True, tools=True, json=True, structured=True)),
        (r"^gpt-4\.5", _info("gpt-45", vision=True, tools=True, json=True, structured=True)),
        (r"^gpt-4o-(mini-)?search", _info("gpt-4o", vision=False, tools=True, json=True, structured=True)),
        (r"^gpt-4o", _info("gpt-4o", vision=True, tools=True, json=True, structured=True)),
        (r"^o4", _info("o4", vision=True, tools=True, json=True, structured=True)),
        (r"^o3-mini", _info("o3", vision=False, tools=True, json=True, structured=True)),
        (r"^o3", _info("o3", vision=True, tools=True, json=True, structured=True)),
        (r"^o1-mini", _info("o1", vision=False, tools=False, json=False, structured=False)),
        (r"^o1", _info("o1", vision=False, tools=True, json=False, structured=True)),
        (r"^gpt-4-.*vision", _info("gpt-4", vision=True, tools=False, json=False, structured=False)),
        (r"^gpt-4-turbo", _info("gpt-4", vision=True, tools=True, json=True, structured=False)),
        (r"^gpt-4", _info("gpt-4", vision=False, tools=True, json=True, structured=False)),
        (r"^gpt-3\.?5", _info("gpt-35", vision=False, tools=True, json=True, structured=False)),
    )
)


def _claude(family: str) -> dict[str, Any]:
    return _info(family, vision=True, tools=True, json=False, structured=False)


def _gemini(family: str, *, vision: bool = True) -> dict[str, Any]:
    return _info(family, vision=vision, tools=True, json=True, structured=True, multiple_system_messages=False)


_MORE: tuple[tuple[str, dict[str, Any]], ...] = (
    (r"^claude-(3-5|3\.5)-haiku", _claude("claude-3-5-haiku")),
    (r"^claude-(3-5|3\.5)-sonnet", _claude("claude-3-5-sonnet")),
    (r"^claude-(3-7|3\.7)-sonnet", _claude("claude-3-7-sonnet")),
    (r"^claude-3-haiku", _claude("claude-3-haiku")),
    (r"^claude-3-sonnet", _claude("claude-3-sonnet")),
    (r"^claude-3-opus", _claude("claude-3-opus")),
    (r"^claude-(opus-4|4-opus)", _claude("claude-4-opus")),
    (r"^claude-(sonnet-4|4-sonnet)", _claude("claude-4-sonnet")),
    (r"^claude-haiku-4", _claude("claude-3-5-haiku")),
    (r"^gemini-1\.5-flash", _gemini("gemini-1.5-flash")),
    (r"^gemini-1\.5-pro", _gemini("gemini-1.5-pro")),
    (r"^gemini-2\.0-flash", _gemini("gemini-2.0-flash")),
    (r"^gemini-2\.5-pro", _gemini("gemini-2.5-pro")),
    (r"^gemini-2\.5-flash", _gemini("gemini-2.5-flash")),
    (r"^gemini-(1\.0-)?pro($|-0|-latest)", _gemini("unknown", vision=False)),
    (r"^gemini-", _gemini("unknown")),
    (r"^llama-?3\.3-70b", _info("llama-3.3-70b", vision=False, tools=True, json=True, structured=False)),
    (r"^llama-?3\.3-8b", _info("llama-3.3-8b", vision=False, tools=True, json=True, structured=False)),
    (r"^llama-?4-scout", _info("llama-4-scout", vision=True, tools=True, json=True, structured=True)),
    (r"^llama-?4-maverick", _info("llama-4-maverick", vision=True, tools=True, json=True, structured=True)),
    (r"^(meta-)?llama", _info("unknown", vision=False, tools=True, json=True, structured=False)),
    (r"^pixtral", _info("pixtral", vision=True, tools=True, json=True, structured=False)),
    (r"^(open-)?codestral-mamba", _info("open-codestral-mamba", vision=False, tools=True, json=True, structured=False)),
    (r"^codestral", _info("codestral", vision=False, tools=True, json=True, structured=False)),
    (r"^ministral", _info("ministral", vision=False, tools=True, json=True, structured=False)),
    (r"^(open-)?(mistral|mixtral)", _info("mistral", vision=False, tools=True, json=True, structured=False)),
    (r"^deepseek-(reasoner|r1)", _info("r1", vision=False, tools=False, json=False, structured=False)),
    (r"^deepseek-(chat|v3)", _info("unknown", vision=False, tools=True, json=True, structured=False)),
    (r"^command-r", _info("unknown", vision=False, tools=True, json=True, structured=False)),
    (r"^command-a", _info("unknown", vision=False, tools=True, json=True, structured=False)),
    (r"^qwen", _info("unknown", vision=False, tools=True, json=True, structured=False)),
)

_ALL_PATTERNS = _PATTERNS + tuple((re.compile(p), i) for p, i in _MORE)

_DEFAULT = _info("unknown", vision=False, tools=True, json=True, structured=False)


def _base_name(model: str) -> str:
    """Strip fine-tune, Bedrock and provider prefixes: ``ft:gpt-4o-mini:org::id`` -> ``gpt-4o-mini``."""
    name = model.strip().lower()
    if name.startswith("ft:"):
        name = name[3:].split(":", 1)[0]
    # Bedrock ids: "anthropic.claude-3-5-sonnet-20240620-v1:0", "us.anthropic.claude-...".
    match = re.match(r"^(?:[a-z]{2}\.)?(?:anthropic|meta|mistral|cohere)\.(.+)$", name)
    if match:
        name = match.group(1)
    # "models/gemini-1.5-pro" (Google), "meta-llama/Llama-3.3-70B-Instruct" (Together), "llama3.1:8b" (Ollama).
    name = name.rsplit("/", 1)[-1]
    return name


def infer_model_info(model: str) -> InferredInfo:
    """Declare a ``model_info`` for ``model`` from its name (see the module docstring)."""
    name = _base_name(model)
    for pattern, info in _ALL_PATTERNS:
        if pattern.search(name):
            return InferredInfo(dict(info), f"inferred from the name (pattern {pattern.pattern!r})", True)
    return InferredInfo(dict(_DEFAULT), "a conservative default (the name matches no known family)", False)


def autogen_knows(kind: ClientKind, model: str) -> bool:
    """Whether the v0.4 client of ``kind`` resolves ``model_info`` for ``model`` by itself.

    Imports the client package lazily (it pulls in the provider SDK); if that is not installed, answers
    ``False`` so the translation declares ``model_info`` explicitly, which is always safe.
    """
    try:
        if kind == "openai":
            from autogen_ext.models.openai import _model_info as openai_info

            openai_info.get_info(model)
        else:
            from autogen_ext.models.anthropic import _model_info as anthropic_info

            anthropic_info.get_info(model)
    except Exception:  # unknown name (KeyError/ValueError) or the SDK extra is not installed
        return False
    return True
