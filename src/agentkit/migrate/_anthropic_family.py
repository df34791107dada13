"""Anthropic and Anthropic-on-Bedrock."""

from __future__ import annotations

from typing import Any

from ._common_keys import client_keys, generic_keys, map_model_info
from ._credentials import EnvAllocator, map_api_key, map_headers, safe_url, secret_value, url_reference
from ._entry import Entry
from ._model_info import autogen_knows
from ._providers import ANTHROPIC, ANTHROPIC_CREATE, BEDROCK
from ._report import ReportItem


def map_anthropic(e: Entry, env: EnvAllocator, model: str, api_type: str) -> tuple[str, dict[str, Any]]:
    aws_keys = ("aws_access_key", "aws_secret_key", "aws_session_token", "aws_region", "aws_profile_name")
    bedrock = api_type == "bedrock" or (not e.has("api_key") and any(e.entry.get(k) is not None for k in aws_keys))
    target = "AnthropicBedrockChatCompletionClient" if bedrock else "AnthropicChatCompletionClient"
    config: dict[str, Any] = {"model": model}
    if bedrock:
        info_block: dict[str, Any] = {}
        given_any = False
        for key, default_var, what in (
            ("aws_access_key", "AWS_ACCESS_KEY_ID", "AWS access key id"),
            ("aws_secret_key", "AWS_SECRET_ACCESS_KEY", "AWS secret access key"),
            ("aws_session_token", "AWS_SESSION_TOKEN", "AWS session token"),
        ):
            value = secret_value(e, key)
            if value is None:
                info_block[key] = ""
                continue
            given_any = True
            name = env.name_for(default_var, value, what)
            info_block[key] = f"${{{name}}}"
            e.report(key, "changed", f"bedrock_info.{key} = ${{{name}}}", "read from the environment, never written.")
        region = e.string("aws_region")
        if region is not None:
            info_block["aws_region"] = region
            e.report("aws_region", "mapped", "bedrock_info.aws_region")
        else:
            info_block["aws_region"] = "${AWS_REGION}"
            env.described.setdefault("AWS_REGION", "AWS region for Bedrock")
            e.items.append(
                ReportItem(
                    f"{e.location}.aws_region",
                    "aws_region",
                    "added",
                    "bedrock_info.aws_region = ${AWS_REGION}",
                    "v0.4 requires a region; AWS_REGION is referenced.",
                )
            )
        if not given_any:
            e.items.append(
                ReportItem(
                    f"{e.location}.bedrock_info",
                    "bedrock_info",
                    "added",
                    "bedrock_info",
                    "no AWS keys in the entry: empty keys make boto use its default credential chain "
                    "(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws, instance roles). v0.2 also read the "
                    "non-standard AWS_ACCESS_KEY/AWS_SECRET_KEY variables.",
                )
            )
        elif not info_block["aws_session_token"]:
            e.items.append(
                ReportItem(
                    f"{e.location}.aws_session_token",
                    "aws_session_token",
                    "added",
                    'bedrock_info.aws_session_token = ""',
                    "v0.4 needs all four bedrock_info keys; an empty session token means none.",
                )
            )
        config["bedrock_info"] = info_block
        if e.has("aws_profile_name"):
            e.take("aws_profile_name")
            e.report(
                "aws_profile_name",
                "manual",
                detail="v0.4's Bedrock client takes no profile name.",
                fix="export AWS_PROFILE=<profile> (used by boto's default chain when no keys are given).",
            )
        if e.has("api_key"):
            e.take("api_key")
            e.report("api_key", "dropped", detail="Bedrock authenticates with AWS credentials.")
        for key in ("base_url",):
            if e.has(key):
                e.take(key)
                e.report(key, "manual", detail=f"{target} does not pass base_url (AutoGen 0.7.5).", fix="Remove it.")
        client_keys(e, config, target, passes=False)
        for key in ("supports_system_prompts", "additional_model_request_fields"):
            if e.has(key):
                e.take(key)
                e.report(key, "dropped", detail="v0.2 Bedrock-Converse option; the Anthropic client needs none.")
    else:
        base_url = e.string("base_url")
        if base_url is not None:
            config["base_url"] = base_url
            e.report("base_url", "mapped", f"{target}.base_url", f"endpoint {safe_url(base_url)}.")
            url_reference(e, env, config, "base_url", "ANTHROPIC_BASE_URL", "Anthropic base URL")
        map_api_key(e, env, config, ANTHROPIC, "ANTHROPIC_API_KEY", "Anthropic API key", placeholder_ok=False)
        client_keys(e, config, target)
        map_headers(e, env, config, "anthropic")
    create = generic_keys(e, target, ANTHROPIC_CREATE, {"stop": "stop_sequences"})
    if isinstance(create.get("stop_sequences"), str):
        create["stop_sequences"] = [create["stop_sequences"]]
    if "max_tokens" not in create:
        e.items.append(
            ReportItem(
                f"{e.location}.max_tokens",
                "max_tokens",
                "added",
                f"{target}.max_tokens",
                "Anthropic requires max_tokens; v0.4 defaults to 4096 (as v0.2's AnthropicClient did).",
            )
        )
    config.update(create)
    info = map_model_info(e, model, (not bedrock) and autogen_knows("anthropic", model))
    if info is not None:
        config["model_info"] = info
    return (BEDROCK if bedrock else ANTHROPIC), config
