"""Keys of a v0.2 entry handled the same way for every provider: create params, leftovers, model_info, client keys."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._entry import NULL_DETAIL, Entry, type_name
from ._model_info import infer_model_info
from ._providers import OPENAI_CREATE_UNSTORABLE
from ._report import ItemStatus, ReportItem


def generic_keys(e: Entry, target: str, create_keys: tuple[str, ...], renames: Mapping[str, str]) -> dict[str, Any]:
    """Create params, renames and every leftover key. Returns config additions."""
    config: dict[str, Any] = {}
    for key in list(e.remaining):
        value = e.remaining[key]
        if key in renames:
            e.take(key)
            new = renames[key]
            if value is None:
                e.report(key, "dropped", detail=NULL_DETAIL)
            elif new in create_keys:
                if new in e.entry and new != key:
                    e.report(key, "dropped", detail=f"{new!r} is also set and wins.")
                else:
                    config[new] = value
                    e.report(key, "changed", f"{target}.{new}", f"v0.4 calls it {new!r}.")
            else:
                e.report(key, "manual", detail=f"no {new} in {target}.", fix=extra_fix(key))
            continue
        if key in create_keys:
            e.take(key)
            if value is None:
                e.report(key, "dropped", detail=NULL_DETAIL)
            else:
                config[key] = value
                e.report(key, "mapped", f"{target}.{key}")
    return config


def extra_fix(key: str) -> str:
    return (
        f"Pass it per call: create(..., extra_create_args={{'extra_body': {{'{key}': ...}}}}) "
        "(AssistantAgent has no per-agent extra args; subclass or wrap the client)."
    )


_WRAPPER_KEYS = ("api_type", "tags", "cache_seed", "price", "model_client_cls")


def leftovers(e: Entry, target: str, provider_label: str) -> None:
    """Report every key nobody consumed, with the reason and the fix."""
    for key in list(e.remaining):
        value = e.take(key)
        if value is None:
            continue  # reported by take()
        if key in ("stream",):
            if value:
                e.report(
                    key,
                    "manual",
                    detail="v0.4 streams per agent, not per client.",
                    fix="Pass model_client_stream=True to AssistantAgent (or call create_stream()).",
                )
            else:
                e.report(key, "dropped", detail="non-streaming is v0.4's default.")
        elif key in ("functions", "tools"):
            e.report(
                key,
                "manual",
                detail="v0.4 tools belong to the agent, not to the model client config.",
                fix="Pass the Python functions as AssistantAgent(tools=[...]) (`agentkit migrate code` does this).",
            )
        elif key == "n":
            if value in (None, 1):
                e.report(key, "dropped", detail="n=1 is the only mode v0.4 clients support.")
            else:
                e.report(key, "manual", detail="v0.4 clients return one choice.", fix="Call create() n times.")
        elif key in ("context", "allow_format_str_template"):
            status: ItemStatus = "manual" if value else "dropped"
            e.report(
                key,
                status,
                detail="v0.4 clients have no prompt templating.",
                fix="Format the messages yourself before sending them." if value else "",
            )
        elif key == "filter_func":
            e.report(
                key,
                "manual",
                detail="v0.4 has no response filter with retry on the next config.",
                fix="Check responses in your agent or wrap the client; FailoverChatCompletionClient's error_policy "
                "covers errors only.",
            )
        elif key == "cache":
            e.report(
                key,
                "manual",
                detail="a v0.2 Cache object cannot be translated.",
                fix="Wrap the client in autogen_ext.models.cache.ChatCompletionCache(client, store=...).",
            )
        elif key == "agent":
            e.report(key, "dropped", detail="v0.2-internal (set by the agent).")
        elif key in ("http_client", "_strict_response_validation", "websocket_base_url"):
            e.report(
                key,
                "manual",
                detail=f"{target} config cannot store {key}.",
                fix="Construct the client in code if you need it.",
            )
        elif key == "default_query":
            e.report(
                key,
                "manual",
                detail=f"{target} config cannot store default_query.",
                fix="Append the query to base_url, or construct the client in code.",
            )
        elif key == "api_version":
            e.report(key, "dropped", detail=f"only Azure uses api_version; {provider_label} ignores it (as in v0.2).")
        elif key in OPENAI_CREATE_UNSTORABLE:
            e.report(key, "manual", detail=f"{target} config cannot store {key}.", fix=extra_fix(key))
        elif key == "model_info" or key == "model_capabilities":
            e.report(key, "dropped", detail="superseded by the model_info the translation declares.")
        else:
            e.report(
                key,
                "manual",
                detail=f"not a known v0.2 key for {provider_label}: v0.2 passed it to the SDK's create(), and "
                "v0.4 has no place for it.",
                fix="Remove it if it was a typo, else pass it per call via extra_create_args.",
            )


def map_model_info(e: Entry, model: str, knows: bool, kind_note: str = "") -> dict[str, Any] | None:
    given = e.take("model_info")
    if isinstance(given, Mapping) and all(k in given for k in ("vision", "function_calling", "json_output", "family")):
        e.report("model_info", "mapped", "model_info")
        return dict(given)
    if given is not None:
        e.report("model_info", "dropped", detail="incomplete model_info replaced by the translation's.")
    if knows:
        return None
    inferred = infer_model_info(model)
    location_key = "model_info"
    caps = ", ".join(
        f"{k}={inferred.info[k]}" for k in ("vision", "function_calling", "json_output", "structured_output")
    )
    detail = (
        f"v0.4 needs model_info for {model!r}{kind_note}: {inferred.basis}; family={inferred.info['family']}, {caps}."
    )
    if inferred.confident:
        e.items.append(ReportItem(f"{e.location}.model_info", location_key, "added", "model_info", detail))
    else:
        e.items.append(
            ReportItem(
                f"{e.location}.model_info",
                location_key,
                "manual",
                "model_info",
                detail,
                "Check the model's real capabilities and edit model_info in the output.",
            )
        )
    return inferred.info


def number_like(e: Entry, key: str, target: str, config: dict[str, Any], *, integer: bool) -> None:
    value = e.take(key)
    if value is None:
        if key in e.entry:
            e.report(key, "dropped", detail=NULL_DETAIL)
        return
    ok = isinstance(value, int) and not isinstance(value, bool)
    if not integer:
        ok = ok or isinstance(value, float)
    if not ok:
        kind = "an integer" if integer else "a number"
        raise e.error(key, f"must be {kind}, got {type_name(value)}.", f'Use e.g. "{key}": 60.')
    if (integer and value < 0) or (not integer and not (0 < value < float("inf"))):
        bound = ">= 0" if integer else "> 0 (seconds)"
        raise e.error(key, f"must be {bound}.", f'Use e.g. "{key}": {2 if integer else 60}.')
    config[key] = value
    e.report(key, "mapped", f"{target}.{key}")


def client_keys(e: Entry, config: dict[str, Any], target: str, *, passes: bool = True) -> None:
    for key, integer in (("timeout", False), ("max_retries", True)):
        if not e.has(key):
            continue
        if passes:
            number_like(e, key, target, config, integer=integer)
        else:
            e.take(key)
            e.report(
                key,
                "manual",
                detail=f"{target} does not pass {key} to its SDK client (AutoGen 0.7.5).",
                fix="Configure it through botocore or wrap the client in FailoverChatCompletionClient with "
                "attempt_timeout.",
            )
