"""Credentials in a v0.2 config entry: every secret becomes a ``${VAR}`` environment reference with a report line.

API keys, AD tokens, AWS keys, header values, URL parts (userinfo, query keys, path tokens, fragments) and values
under secret-looking keys anywhere in the entry are replaced by references; the values are kept in memory only,
in :class:`EnvAllocator`, for the live client.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .._redaction import looks_secret, redact_text, redact_url
from ._entry import Entry, type_name
from ._providers import PLACEHOLDER_KEYS, env_reference, implicit_key_env
from ._report import ReportItem

SECRET_KEYS = frozenset({"api_key", "azure_ad_token", "aws_access_key", "aws_secret_key", "aws_session_token"})
"""Entry keys whose values are secrets (never written, never reported)."""

SECRET_NAME = re.compile(r"(auth|key|token|secret|cookie|signature|credential|password)", re.I)


class EnvAllocator:
    """Chooses environment-variable names for secrets and keeps the secret values, in memory only.

    One name per distinct secret: two entries with the same key share a variable; a second, different key for
    the same provider gets ``NAME_2``. If a variable of the current environment already holds exactly that
    value, its name is used.
    """

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ
        self._secrets: dict[str, str] = {}
        self._implicit: set[str] = set()
        self.described: dict[str, str] = {}

    @property
    def secrets(self) -> dict[str, str]:
        """Variable name to secret value (for building the live client; never serialised)."""
        return dict(self._secrets)

    def __repr__(self) -> str:
        return f"EnvAllocator(variables={sorted(self.described)})"

    def _usable(self, name: str, value: str) -> bool:
        held = self._secrets.get(name)
        if held is not None:
            return held == value
        current = self._environ.get(name) or None
        if current is not None and current != value:
            return False  # the environment already holds a different secret under this name
        return not (name in self._implicit and current != value)  # an earlier entry relies on it

    def name_for(self, default: str, value: str | None, what: str) -> str:
        """Pick the variable for a secret (``value=None``: the input relied on ``default`` being set)."""
        if value is None:
            self._implicit.add(default)
            self.described.setdefault(default, what)
            return default
        name: str | None = None
        if self._environ.get(default) == value and self._usable(default, value):
            name = default
        else:
            for candidate, current in self._environ.items():
                if current == value and SECRET_NAME.search(candidate) and self._usable(candidate, value):
                    name = candidate
                    break
        if name is None:
            name, n = default, 1
            while not self._usable(name, value):
                n += 1
                name = f"{default}_{n}"
        self._secrets[name] = value
        self.described.setdefault(name, what)
        return name


def safe_url(url: str) -> str:
    """The URL for a report: without query, credentials masked (an unparsable URL is not shown)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    if not parts.scheme:
        return "<relative URL>"
    return redact_url(parts._replace(query="", fragment="").geturl())


def url_has_credentials(url: str) -> bool:
    """Whether the URL carries anything :func:`~agentkit._redaction.redact_url` would mask.

    Userinfo, credential query keys (``key``, ``token``, ``code``, ``password``, ``auth``, ``sig`` ...),
    ``;key=`` path parameters, token-like path segments, fragments, and URLs that cannot be parsed at all.
    """
    return not env_reference(url) and redact_url(url) != url


def url_reference(e: Entry, env: EnvAllocator, config: dict[str, Any], key: str, variable: str, what: str) -> None:
    """Replace ``config[key]`` by a ``${VAR}`` reference (with a report line) when the URL holds credentials."""
    url = config.get(key)
    if not isinstance(url, str) or not url_has_credentials(url):
        return
    name = env.name_for(variable, url, f"{what} (the URL holds credentials)")
    config[key] = f"${{{name}}}"
    e.items.append(
        ReportItem(
            f"{e.location}.{key}",
            key,
            "changed",
            f"{key} = ${{{name}}}",
            f"the URL holds credentials ({safe_url(url)}), so it is read from the environment.",
            f"export {name}=<the URL> where the output is loaded.",
        )
    )


def secret_header(name: str, value: str) -> bool:
    """Whether a header's value must not be written: a secret-looking name or a credential-looking value."""
    return bool(SECRET_NAME.search(name)) or looks_secret(name) or redact_text(value) != value


def secret_value(e: Entry, key: str) -> str | None:
    value = e.take(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise e.error(key, f"must be a string, got {type_name(value)}.", f'Use "{key}": "..." (or leave it out).')
    return value


def map_api_key(
    e: Entry,
    env: EnvAllocator,
    config: dict[str, Any],
    provider: str,
    default_var: str,
    what: str,
    *,
    placeholder_ok: bool,
) -> None:
    value = secret_value(e, "api_key")
    if value is not None and placeholder_ok and value.strip().lower() in PLACEHOLDER_KEYS:
        config["api_key"] = value
        e.report("api_key", "mapped", "api_key", "a placeholder the local server ignores; kept in clear.")
        return
    if value is not None and env_reference(value):
        config["api_key"] = value
        e.report("api_key", "mapped", "api_key", "already an environment reference.")
        return
    name = env.name_for(default_var, value, what)
    implicit = implicit_key_env(provider, {**config, "api_key": None}) == name
    if implicit:
        config.pop("api_key", None)
        target = f"${name} (read by the SDK)"
    else:
        config["api_key"] = f"${{{name}}}"
        target = f"api_key = ${{{name}}}"
    if value is None:
        e.items.append(
            ReportItem(
                f"{e.location}.api_key",
                "api_key",
                "added",
                target,
                f"no api_key in the entry: v0.2 read it from ${default_var}; so does the output.",
            )
        )
    else:
        e.report(
            "api_key",
            "changed",
            target,
            "the key is not written to the output; it is read from the environment variable.",
            f"export {name}=<the key of this entry> where the output is loaded.",
        )


def map_headers(e: Entry, env: EnvAllocator, config: dict[str, Any], provider_label: str) -> None:
    value = e.take("default_headers")
    if value is None:
        return
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise e.error("default_headers", "must be an object of string headers.", 'Use {"X-Header": "value"}.')
    headers: dict[str, str] = {}
    secret_names: list[str] = []
    for header, header_value in value.items():
        if not env_reference(header_value) and secret_header(header, header_value):
            var = re.sub(r"[^A-Z0-9]+", "_", f"{provider_label}_{header}".upper()).strip("_")
            name = env.name_for(var, header_value, f"value of the {header} header")
            headers[header] = f"${{{name}}}"
            secret_names.append(f"{header} -> ${name}")
        else:
            headers[header] = header_value
    config["default_headers"] = headers
    if secret_names:
        e.report(
            "default_headers",
            "changed",
            "default_headers",
            "secret-looking header values are read from the environment: " + ", ".join(secret_names) + ".",
            "Export those variables where the output is loaded.",
        )
    else:
        e.report("default_headers", "mapped", "default_headers")


# Keys the provider mappings already turned into references (or that hold nested components).
_HANDLED = frozenset(
    {"api_key", "azure_ad_token", "azure_ad_token_provider", "base_url", "azure_endpoint", "default_headers",
     "bedrock_info", "api_version"}
)  # fmt: skip
_VAR_CHARS = re.compile(r"[^A-Z0-9]+")


def sweep_credentials(e: Entry, env: EnvAllocator, config: dict[str, Any], prefix: str) -> None:
    """Turn every credential left anywhere in ``config`` into a ``${VAR}`` reference, with a report line.

    A string is a credential when its key looks secret (``password``, ``x-api-key``, ``"api key"``, ...) or
    when :func:`~agentkit._redaction.redact_text` would mask part of it (token formats, ``Bearer ...``, URLs
    with credentials). Nested dicts and lists are searched; a dict *key* that looks like a credential is
    dropped with a manual item (a key cannot be a reference).
    """
    for key in list(config):
        if key not in _HANDLED:
            config[key] = _sweep(e, env, config[key], [key], prefix)


def _sweep(e: Entry, env: EnvAllocator, value: Any, path: list[str], prefix: str) -> Any:
    if isinstance(value, str):
        if env_reference(value) or not value.strip():
            return value
        if not (looks_secret(path[-1]) or redact_text(value) != value):
            return value
        variable = _VAR_CHARS.sub("_", "_".join([prefix, *path]).upper()).strip("_") or "SECRET"
        name = env.name_for(variable, value, f"value of {'.'.join(path)} (it looks like a credential)")
        where = ".".join(path)
        e.items.append(
            ReportItem(
                f"{e.location}.{where}",
                path[0],
                "changed",
                f"{where} = ${{{name}}}",
                "the value looks like a credential, so it is read from the environment (agentkit.migrate."
                "load_client resolves it).",
                f"export {name}=<the value> where the output is loaded.",
            )
        )
        return f"${{{name}}}"
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = str(key)
            if redact_text(name) != name:
                e.items.append(
                    ReportItem(
                        f"{e.location}.{'.'.join(path)}",
                        path[0],
                        "manual",
                        "",
                        "a key in this object looks like a credential; that entry was not written.",
                        "Move the secret into a value (it then becomes an environment reference) or remove it.",
                    )
                )
                continue
            out[name] = _sweep(e, env, item, [*path, name], prefix)
        return out
    if isinstance(value, list):
        return [_sweep(e, env, item, [*path, str(index)], prefix) for index, item in enumerate(value)]
    return value
