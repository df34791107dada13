"""v0.2's "try the next config entry" as an ``agentkit.models.FailoverChatCompletionClient`` component."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..exceptions import ConfigTranslationError

if TYPE_CHECKING:
    from autogen_core.models import ChatCompletionClient

__all__ = ("V02_ERROR_POLICY", "build_failover", "failover_component")

FAILOVER_PROVIDER = "agentkit.models.FailoverChatCompletionClient"

V02_ERROR_POLICY: dict[str, str] = {"content_filter": "raise"}
"""v0.2 re-raised a content-filter error instead of trying the next entry; written explicitly."""


def failover_component(members: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A ``FailoverChatCompletionClient`` ComponentModel dict over ``members`` (``FailoverMemberConfig`` dicts)."""
    return {
        "provider": FAILOVER_PROVIDER,
        "component_type": "model",
        "version": 1,
        "component_version": 1,
        "description": "Tries the translated v0.2 config_list entries in order, as v0.2's OpenAIWrapper did.",
        "label": "FailoverChatCompletionClient",
        "config": {"members": [dict(m) for m in members], "error_policy": dict(V02_ERROR_POLICY)},
    }


def build_failover(
    config: Mapping[str, Any],
    build_member: Callable[[Mapping[str, Any], str], ChatCompletionClient],
    location: str,
) -> ChatCompletionClient:
    """Build a live ``FailoverChatCompletionClient`` whose members are built by ``build_member``.

    The same construction as ``load_component``, but each member is built with the migration loader, so
    their environment references are resolved.
    """
    from pydantic import ValidationError

    from ..models import FailoverChatCompletionClient, FailoverChatCompletionClientConfig

    try:
        validated = FailoverChatCompletionClientConfig.model_validate(dict(config))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise ConfigTranslationError(f"{location}.config.{where}", f"{first.get('msg', 'is invalid')}.") from None
    return FailoverChatCompletionClient._from_config_with(
        validated,
        lambda component, index: build_member(component.model_dump(), f"{location}.config.members[{index}].client"),
    )
