"""OpenAI, Azure OpenAI and every OpenAI-compatible provider (Gemini, Mistral, Groq, Ollama, ...)."""

from __future__ import annotations

from typing import Any

from ._common_keys import client_keys, extra_fix, generic_keys, map_model_info
from ._credentials import EnvAllocator, map_api_key, map_headers, safe_url, secret_value, url_reference
from ._entry import Entry
from ._model_info import autogen_knows
from ._providers import AZURE, HOST_KEYS, OPENAI, OPENAI_CREATE, PROVIDERS, host_of
from ._report import ReportItem


def map_openai_compatible(e: Entry, env: EnvAllocator, api_type: str, model: str) -> tuple[str, dict[str, Any]]:
    spec = PROVIDERS[api_type]
    target = "OpenAIChatCompletionClient"
    config: dict[str, Any] = {"model": model}
    renames: dict[str, str] = {}
    extra_manual: dict[str, str] = {}
    extra_fixes: dict[str, str] = {}
    if api_type == "google":
        renames = {"max_output_tokens": "max_tokens"}
        extra_manual = {
            "top_k": "Gemini's OpenAI-compatible endpoint has no top_k.",
            "safety_settings": "Gemini safety settings are not part of the OpenAI-compatible API.",
            "project_id": "Vertex AI credentials: v0.4's Gemini path uses an API key.",
            "location": "Vertex AI credentials: v0.4's Gemini path uses an API key.",
            "google_application_credentials": "Vertex AI credentials: v0.4's Gemini path uses an API key.",
            "credentials": "Vertex AI credentials: v0.4's Gemini path uses an API key.",
        }
        if e.has("response_validation"):
            e.take("response_validation")
            e.report("response_validation", "dropped", detail="no v0.4 equivalent; responses are not re-validated.")
    elif api_type == "mistral":
        renames = {"random_seed": "seed"}
        extra_manual = {"safe_prompt": "Mistral's safe_prompt is not part of the OpenAI-compatible config."}
    elif api_type == "together":
        extra_manual = {
            "top_k": "not storable in OpenAIChatCompletionClient's config.",
            "repetition_penalty": "not storable in OpenAIChatCompletionClient's config.",
            "min_p": "not storable in OpenAIChatCompletionClient's config.",
            "safety_model": "Together's safety model is not part of the OpenAI-compatible config.",
        }
    elif api_type == "cohere":
        renames = {"p": "top_p"}
        extra_manual = {"k": "Cohere's OpenAI-compatible endpoint has no top_k."}
        for key in ("client_name", "strict_tools"):
            if e.has(key):
                e.take(key)
                e.report(key, "dropped", detail="Cohere-SDK option with no OpenAI-compatible equivalent.")
    elif api_type == "ollama":
        renames = {"num_predict": "max_tokens"}
        extra_manual = {
            "num_ctx": "Ollama's OpenAI-compatible endpoint ignores num_ctx (the context window falls back to the "
            "model's default, which may truncate prompts).",
            "repeat_penalty": "not part of Ollama's OpenAI-compatible API.",
            "top_k": "not part of Ollama's OpenAI-compatible API.",
        }
        extra_fixes = {
            key: f"Set PARAMETER {key} in a Modelfile (`ollama create`), or use "
            f"autogen_ext.models.ollama.OllamaChatCompletionClient(options={{'{key}': ...}})."
            for key in extra_manual
        }
        for key in ("native_tool_calls", "hide_tools"):
            if e.has(key):
                e.take(key)
                e.report(key, "dropped", detail="v0.4 always uses Ollama's native tool calls (OpenAI-compatible).")

    # Endpoint.
    base_url = e.string("base_url")
    host_param = e.string("client_host") if api_type == "ollama" else None
    if base_url is not None:
        config["base_url"] = base_url
        e.report("base_url", "mapped", f"{target}.base_url", f"endpoint {safe_url(base_url)}.")
        if host_param is not None:
            e.report("client_host", "dropped", detail="base_url is also set and wins.")
    elif host_param is not None:
        config["base_url"] = host_param.rstrip("/") + "/v1"
        e.report("client_host", "changed", f"{target}.base_url", "Ollama's OpenAI-compatible endpoint is host + /v1.")
    elif spec.base_url is not None:
        config["base_url"] = spec.base_url
        e.items.append(
            ReportItem(
                f"{e.location}.base_url",
                "base_url",
                "added",
                f"{target}.base_url",
                f"{spec.label}'s OpenAI-compatible endpoint {spec.base_url}.",
            )
        )
    url_reference(e, env, config, "base_url", f"{spec.name.upper()}_BASE_URL", f"{spec.label} base URL")

    # Key.
    default_var = spec.key_env
    base = str(config.get("base_url") or "")
    if api_type == "openai" and base and host_of(base) not in ("", "api.openai.com") and e.has("api_key"):
        # A key written in the entry belongs to that server; without one, v0.2's SDK read OPENAI_API_KEY.
        default_var = HOST_KEYS.get(host_of(base), "OPENAI_COMPATIBLE_API_KEY")
    is_local = api_type == "ollama" or (base and host_of(base) in ("localhost", "127.0.0.1", "0.0.0.0", "::1"))
    if api_type == "ollama" and not e.has("api_key"):
        config["api_key"] = "ollama"
        e.items.append(
            ReportItem(
                f"{e.location}.api_key",
                "api_key",
                "added",
                "api_key",
                'the OpenAI SDK needs some key; Ollama ignores it ("ollama", kept in clear).',
            )
        )
    else:
        what = f"{spec.label} API key"
        if default_var != spec.key_env:
            what = f"API key for {safe_url(base)}"
        map_api_key(e, env, config, OPENAI, default_var, what, placeholder_ok=bool(is_local or base))

    if e.has("organization"):
        value = e.string("organization")
        if value is not None:
            config["organization"] = value
            e.report("organization", "mapped", f"{target}.organization")
    if e.has("project"):
        value = e.take("project")
        e.report(
            "project",
            "manual",
            detail=f"{target} config cannot store project.",
            fix="export OPENAI_PROJECT_ID=<the project> (the openai SDK reads it).",
        )
    client_keys(e, config, target)
    map_headers(e, env, config, spec.name)
    for key, why in extra_manual.items():
        if e.has(key):
            e.take(key)
            e.report(key, "manual", detail=why, fix=extra_fixes.get(key) or extra_fix(key))
    config.update(generic_keys(e, target, OPENAI_CREATE, renames))
    # OpenAI (or an OpenAI proxy serving e.g. "gpt-4o") and Gemini names: AutoGen's own table applies. Other
    # providers always get an explicit model_info (the same name may have other capabilities there).
    knows = api_type in ("openai", "google") and autogen_knows("openai", model)
    info = map_model_info(e, model, knows)
    if info is not None:
        config["model_info"] = info
    return OPENAI, config


def map_azure(e: Entry, env: EnvAllocator, model: str, api_type_value: str | None) -> tuple[str, dict[str, Any]]:
    target = "AzureOpenAIChatCompletionClient"
    config: dict[str, Any] = {"model": model}
    auth = [k for k in ("api_key", "azure_ad_token", "azure_ad_token_provider") if e.entry.get(k) is not None]
    if len(auth) > 1:
        raise e.error(
            auth[1],
            f"{' and '.join(auth)} are mutually exclusive (the openai SDK refuses both, v0.2 failed too).",
            "Keep one way to authenticate.",
        )
    deployment = e.string("azure_deployment")
    if deployment is not None:
        stripped = deployment.replace(".", "")
        config["azure_deployment"] = stripped
        detail = "dots removed, as v0.2 did." if stripped != deployment else ""
        e.report("azure_deployment", "changed" if detail else "mapped", f"{target}.azure_deployment", detail)
    else:
        config["azure_deployment"] = model.replace(".", "")
        e.items.append(
            ReportItem(
                f"{e.location}.azure_deployment",
                "azure_deployment",
                "added",
                f"{target}.azure_deployment",
                "v0.2 used the model name with its dots removed as the deployment name.",
            )
        )
    endpoint = e.string("azure_endpoint")
    base_url = e.string("base_url")
    if endpoint is not None:
        config["azure_endpoint"] = endpoint
        e.report("azure_endpoint", "mapped", f"{target}.azure_endpoint")
        if base_url is not None:
            e.report("base_url", "dropped", detail="azure_endpoint is also set and wins (as in v0.2).")
    elif base_url is not None:
        config["azure_endpoint"] = base_url
        e.report("base_url", "changed", f"{target}.azure_endpoint", "v0.2 used base_url as the Azure endpoint.")
    else:
        config["azure_endpoint"] = "${AZURE_OPENAI_ENDPOINT}"
        env.described.setdefault("AZURE_OPENAI_ENDPOINT", "Azure OpenAI endpoint")
        e.items.append(
            ReportItem(
                f"{e.location}.azure_endpoint",
                "azure_endpoint",
                "added",
                "azure_endpoint = ${AZURE_OPENAI_ENDPOINT}",
                "no endpoint in the entry: the openai SDK read AZURE_OPENAI_ENDPOINT; v0.4's config needs one, so it "
                "refers to that variable.",
            )
        )
    url_reference(e, env, config, "azure_endpoint", "AZURE_OPENAI_ENDPOINT", "Azure OpenAI endpoint")
    version = e.string("api_version")
    if version is not None:
        config["api_version"] = version
        e.report("api_version", "mapped", f"{target}.api_version")
    else:
        config["api_version"] = "${OPENAI_API_VERSION}"
        env.described.setdefault("OPENAI_API_VERSION", "Azure OpenAI API version")
        e.items.append(
            ReportItem(
                f"{e.location}.api_version",
                "api_version",
                "added",
                "api_version = ${OPENAI_API_VERSION}",
                "v0.4 requires api_version; the openai SDK's default variable is referenced.",
                "Or write the version (e.g. 2024-06-01) into the output.",
            )
        )
    token = secret_value(e, "azure_ad_token")
    if token is not None:
        name = env.name_for("AZURE_OPENAI_AD_TOKEN", token, "Azure AD token")
        config["azure_ad_token"] = f"${{{name}}}"
        e.report(
            "azure_ad_token",
            "changed",
            f"azure_ad_token = ${{{name}}}",
            "the token is read from the environment, never written.",
            "Tokens expire: prefer azure_ad_token_provider.",
        )
    provider_value = e.take("azure_ad_token_provider")
    if provider_value is not None:
        if provider_value == "DEFAULT":
            config["azure_ad_token_provider"] = {
                "provider": "autogen_ext.auth.azure.AzureTokenProvider",
                "component_type": "token_provider",
                "version": 1,
                "component_version": 1,
                "config": {
                    "provider_kind": "DefaultAzureCredential",
                    "scopes": ["https://cognitiveservices.azure.com/.default"],
                },
            }
            e.report(
                "azure_ad_token_provider",
                "changed",
                "AzureTokenProvider(DefaultAzureCredential)",
                'v0.2\'s "DEFAULT" is DefaultAzureCredential with the Cognitive Services scope.',
                'Install azure-identity where the output is loaded: pip install "autogen-agentkit[azure]".',
            )
        else:
            e.report(
                "azure_ad_token_provider",
                "manual",
                detail="a custom token provider callable cannot be serialised.",
                fix="Use autogen_ext.auth.azure.AzureTokenProvider, or construct the client in code.",
            )
    if e.has("api_key") or ("azure_ad_token" not in config and "azure_ad_token_provider" not in config):
        map_api_key(e, env, config, AZURE, "AZURE_OPENAI_API_KEY", "Azure OpenAI API key", placeholder_ok=False)
    client_keys(e, config, target)
    map_headers(e, env, config, "azure")
    config.update(generic_keys(e, target, OPENAI_CREATE, {}))
    info = map_model_info(e, model, autogen_knows("openai", model), " (Azure looks it up by model, not deployment)")
    if info is not None:
        config["model_info"] = info
    return AZURE, config
