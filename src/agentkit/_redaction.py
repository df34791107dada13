"""The one redaction layer: secrets are masked before anything agentkit writes reaches a log, file or message.

Used by the audit trail, events, exceptions, reprs, the v0.2 config translator's output and report, and
``dump_component()`` of agentkit's wrapper clients. Four entry points:

- :func:`redact_text`: free text (error bodies, reasons, tool names, argument strings).
- :func:`redact_url`: one URL (userinfo, credential query keys, ``;key=`` params, token-like path segments,
  fragments; an unparsable URL is masked whole).
- :func:`redact_value`: any JSON-like value, deeply; dict *keys* are redacted too and values under
  secret-looking keys are masked.
- :func:`redact_config`: a component config (``default_headers`` values, credential-bearing URLs, secret-named
  keys at any depth) for ``dump_component()``; :func:`reject_redacted` refuses such a dump when it is loaded.

The token formats are our own precompiled regular expressions (see docs/redaction.md for why not
``detect-secrets``). Everything is pure Python with no import-time cost beyond compiling the patterns.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar
from urllib.parse import unquote_plus, urlsplit

__all__ = (
    "REDACTED",
    "exception_attributes",
    "find_redacted",
    "looks_secret",
    "redact_component",
    "redact_config",
    "redact_text",
    "redact_url",
    "redact_value",
    "reject_redacted",
)

REDACTED = "**********"
"""The mask written in place of a secret (the same string pydantic's ``SecretStr`` dumps)."""

_MAX_DEPTH = 64

# --------------------------------------------------------------------------------------------- key names

_SEPARATORS = re.compile(r"[\s_\-.:/]+")
# On the key name with case folded and separators removed ("API-Key", "api key", "apiKey" -> "apikey").
_SECRET_KEY = re.compile(
    r"password|passwd|passphrase|pwd|secret|privatekey|apikey|accesskey|secretkey|signingkey|sessionkey"
    r"|subscriptionkey|encryptionkey|masterkey|licensekey|authorization|credential|cookie|bearer|signature"
    r"|sessionid|connectionstring|dsn$|^sig$|^key$|^auth$|^auth[^o]|[^o]auth$|xauth"
    r"|token(?!s|count|ize|iser|izer|limit|usage|budget|type|cost|price|estimat|rate|window)"
)
_KEY_CACHE: dict[str, bool] = {}


def looks_secret(key: str) -> bool:
    """Whether a key name (dict key, header, argument or query name) suggests that its value is a secret.

    Case- and separator-insensitive: ``"API-Key"``, ``"api key"``, ``"apiKey"`` and ``"x_api_key"`` all match;
    counts such as ``max_tokens`` do not.
    """
    cached = _KEY_CACHE.get(key)
    if cached is None:
        cached = bool(_SECRET_KEY.search(_SEPARATORS.sub("", key.lower())))
        if len(key) <= 32 and len(_KEY_CACHE) < 4096:  # names, not secrets used as keys
            _KEY_CACHE[key] = cached
    return cached


# ----------------------------------------------------------------------------------------------- free text

_TOKEN_FORMATS = (
    r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
    r"\bsk-(?:ant-|proj-|svcacct-|admin-|or-v1-)?[A-Za-z0-9_\-]{12,}",  # OpenAI, Anthropic, OpenRouter
    r"\b(?:sk|rk|pk)_(?:live|test|prod)_[A-Za-z0-9]{8,}",  # Stripe
    r"\b(?:whsec|gsk|xai|glpat|npm|hf|dop_v1|shpat|shpss|pat)[_-][A-Za-z0-9_\-]{16,}",
    r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}",  # GitHub
    r"\bxox[abposre]-[A-Za-z0-9\-]{8,}|\bxapp-[A-Za-z0-9\-]{8,}",  # Slack
    r"\beyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*",  # JWT
    r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{12,}",  # AWS key ids
    r"\bAIza[0-9A-Za-z_\-]{20,}|\bya29\.[0-9A-Za-z_\-]{16,}|\bGOCSPX-[0-9A-Za-z_\-]{10,}",  # Google
    r"\bSG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}",  # SendGrid
    r"\bpypi-[A-Za-z0-9_\-]{16,}",
    r"\bAccountKey=[^;\s\"']+|\bSharedAccessKey=[^;\s\"']+",  # Azure connection strings
)
_FORMATS = re.compile("|".join(_TOKEN_FORMATS))
# Literal substrings one of the formats needs: a text holding none of them skips the format regex.
_MARKERS = (
    "PRIVATE KEY", "sk-", "sk_", "rk_", "pk_", "whsec", "gsk", "xai", "glpat", "npm", "hf_", "hf-", "dop_v1", "shp",
    "pat_", "pat-", "gh", "xox", "xapp-", "eyJ", "AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA",
    "ANPA", "ANVA", "APKA", "AIza", "ya29.", "GOCSPX-", "SG.", "pypi-", "AccountKey=", "SharedAccessKey=",
)  # fmt: skip
_MARKER = re.compile("|".join(re.escape(marker) for marker in _MARKERS))
_SHORTEST = 13  # the shortest credential a rule without ":" or "=" masks ("xoxb-" + 8, "Bearer " + 6)
_URL = re.compile(r"(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]{1,15}://[^\s\"'<>`]+")
_AUTH_HEADER = re.compile(r"(?i)(\b(?:proxy-)?authorization\b(?:\\?[\"'])?\s*[:=]\s*(?:\\?[\"'])?)([^\r\n\"'\\]+)")
_SCHEME = re.compile(
    r"\b((?:[Bb]earer|BEARER|[Tt]oken|[Dd]igest|[Nn]egotiate|(?i:api-?key)|Basic|BASIC)\s+)"
    r"(?!(?i:bearer|basic|token|digest|negotiate)\s)"  # "Negotiate Basic xyz": the credential is xyz
    r"([A-Za-z0-9\-._~+/=]+)"
)
_SCHEME_WORDS = ("bearer", "basic", "token", "digest", "negotiate", "apikey", "api-key")
# "password=...", "api key: ...", '"x-api-key": "..."', "Set-Cookie: ..." (the key is judged by looks_secret)
_KEY_VALUE = re.compile(
    r"\b([A-Za-z][A-Za-z0-9_\-.]{0,60}(?: [A-Za-z][A-Za-z0-9_\-.]{0,60})?(?:\\?[\"'])?\s*[:=]\s*(?:\\?[\"'])?)"
    r"([^\s\"'&,;<>)}\]\\]+)"
)
_LONG = re.compile(
    r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"  # AWS secret access keys
    r"|(?<![A-Za-z0-9_\-+=])[A-Za-z0-9_\-+]{32,}=*(?![A-Za-z0-9_\-+=])"  # other long random tokens
)
_COOKIE_LINE = re.compile(r"(?i)(\b(?:set-)?cookie(?:\\?[\"'])?\s*[:=]\s*(?:\\?[\"'])?)([^\r\n\"'\\]+)")
_KEY_NAME = re.compile(r"[\"'\s:=\\]+$")
_UPPER = re.compile(r"[A-Z]")
_LOWER = re.compile(r"[a-z]")
_DIGIT = re.compile(r"[0-9]")
_HEXISH = re.compile(r"[0-9a-fA-F\-]+")


def _mixed(text: str) -> bool:
    """Looks like a random token: upper, lower and digits, and not just hex (hashes, UUIDs)."""
    return bool(_UPPER.search(text) and _LOWER.search(text) and _DIGIT.search(text)) and not _HEXISH.fullmatch(text)


def _scheme(match: re.Match[str]) -> str:
    scheme, cred = match.group(1), match.group(2)
    word = scheme.strip().lower()
    if cred.startswith(REDACTED[:3]):
        return match.group(0)
    if word == "basic" and (len(cred) < 8 or (cred.isalpha() and cred.islower())):
        return match.group(0)  # prose ("Basic usage"), not a credential
    if word == "token" and len(cred) < 12 and not _DIGIT.search(cred):
        return match.group(0)
    return scheme + REDACTED


def _key_value(match: re.Match[str]) -> str:
    key, value = match.group(1), match.group(2)
    if value.startswith(("${", REDACTED[:3])):
        return match.group(0)
    if looks_secret(_KEY_NAME.sub("", key)):
        return key + REDACTED
    return match.group(0)


def _long(match: re.Match[str]) -> str:
    text = match.group(0)
    return REDACTED if _mixed(text) else text


def redact_text(text: str) -> str:
    """Mask anything in ``text`` that looks like a credential.

    Masks well-known token formats (OpenAI/Anthropic ``sk-``, Stripe ``sk_live_``/``rk_live_``, GitHub ``ghp_``/
    ``github_pat_``, Slack ``xoxb-``, JWTs, AWS key ids and secret keys, Google ``AIza``, PEM private keys, ...),
    ``Authorization:`` header values, ``Bearer``/``Basic`` credentials (``+/=`` included), ``key=value`` pairs
    whose key looks secret (``password=``, ``api key:``, ``"x-api-key": "..."``, cookies), URLs (see
    :func:`redact_url`) and long random-looking strings. Each rule runs only when a cheap substring test says
    it could match, so ordinary text costs a few microseconds.
    """
    if len(text) < _SHORTEST and ":" not in text and "=" not in text:
        return text  # too short for any token format, and no "key: value"
    out = text
    if _MARKER.search(out):
        out = _FORMATS.sub(REDACTED, out)
    if "://" in out:
        out = _URL.sub(lambda m: redact_url(m.group(0)), out)
    if ":" in out or "=" in out:
        lowered = out.lower()
        if "authorization" in lowered:
            out = _AUTH_HEADER.sub(lambda m: m.group(1) + REDACTED, out)
        if "cookie" in lowered:
            out = _COOKIE_LINE.sub(lambda m: m.group(1) + REDACTED, out)
        out = _KEY_VALUE.sub(_key_value, out)
    lowered = out.lower()
    if any(word in lowered for word in _SCHEME_WORDS):
        out = _SCHEME.sub(_scheme, out)
    if len(out) >= 32:
        out = _LONG.sub(_long, out)
    return out


# ----------------------------------------------------------------------------------------------------- URLs

_URL_SECRET_QUERY = frozenset(
    {"code", "key", "sig", "auth", "pass", "token", "apikey", "accesstoken", "refreshtoken", "idtoken", "secret",
     "password", "pwd", "clientsecret", "signature", "xamzsignature", "xamzcredential", "xamzsecuritytoken",
     "xgoogsignature", "xgoogcredential", "otp", "session", "sessionid", "jwt", "ticket",
     "state", "nonce", "hash", "hmac", "authtoken", "accesskey", "privatekey"}
)  # fmt: skip


def _secret_param(name: str) -> bool:
    folded = _SEPARATORS.sub("", unquote_plus(name).lower())
    return folded in _URL_SECRET_QUERY or looks_secret(folded)


def _looks_token_segment(segment: str) -> bool:
    text = unquote_plus(segment)
    if len(text) < 16 or _HEXISH.fullmatch(text):
        return False
    if len(text) >= 20 and text.isalnum():
        return True  # one long run without word separators: a key, not a path word
    has_digit = bool(_DIGIT.search(text))
    has_alpha = bool(_UPPER.search(text) or _LOWER.search(text))
    if not (has_digit and has_alpha):
        return len(text) >= 40 and not text.isalpha()
    mixed_case = bool(_UPPER.search(text) and _LOWER.search(text))
    return mixed_case or len(text) >= 32 or ":" in text


def _redact_params(text: str, separator: str) -> str:
    parts = []
    for piece in text.split(separator):
        name, eq, value = piece.partition("=")
        if eq and value and (_secret_param(name)):
            parts.append(f"{name}={REDACTED}")
        elif eq:
            decoded = unquote_plus(value)
            parts.append(f"{name}={REDACTED if redact_text(decoded) != decoded else redact_text(value)}")
        else:
            parts.append(redact_text(piece))
    return separator.join(parts)


def _redact_path(path: str) -> str:
    segments = []
    for segment in path.split("/"):
        head, semi, params = segment.partition(";")
        if semi:
            params = _redact_params(params, ";")
        if _looks_token_segment(head) or redact_text(head) != head:
            head = REDACTED
        segments.append(head + semi + params)
    return "/".join(segments)


def redact_url(url: str) -> str:
    """Mask the credential-bearing parts of a URL; an unparsable URL is masked whole.

    Masks userinfo (``user:pass@``), query values under credential keys (``access_token``, ``token``, ``key``,
    ``api_key``, ``code``, ``password``, ``auth``, ``sig``, ``secret``, AWS/GCS signature keys, ...) and any
    query value that looks like a token, ``;key=value`` path parameters, path segments that look like tokens
    (e.g. webhook URLs) and the whole fragment. Scheme, host, port and ordinary path are kept.
    """
    try:
        parts = urlsplit(url)
        port = parts.port  # raises for a malformed port
    except ValueError:
        return REDACTED
    if not parts.scheme or not parts.netloc:
        return redact_text(url) if "://" not in url else REDACTED
    del port
    _userinfo, at, hostport = parts.netloc.rpartition("@")
    netloc = f"{REDACTED}@{hostport}" if at else hostport  # host and port exactly as written
    out = f"{url[: len(parts.scheme)]}://{netloc}{_redact_path(parts.path)}"
    if parts.query:
        out += "?" + _redact_params(parts.query, "&")
    elif url.endswith("?"):
        out += "?"
    if parts.fragment:
        out += "#" + REDACTED
    elif url.endswith("#"):
        out += "#"
    return out


# ---------------------------------------------------------------------------------------------- JSON values


def _is_reference(value: str) -> bool:
    return value.startswith("${") and value.endswith("}")


def _masked_value(value: Any) -> Any:
    if value is None or isinstance(value, bool) or value == "" or value == REDACTED:
        return value
    if isinstance(value, str) and _is_reference(value):
        return value  # an environment reference is not a secret
    return REDACTED


def _unique_key(key: str, out: Mapping[str, Any]) -> str:
    if key not in out:
        return key
    n = 2
    while f"{key} ({n})" in out:
        n += 1
    return f"{key} ({n})"


def redact_value(value: Any, *, _depth: int = 0) -> Any:
    """A copy of a JSON-like value with every secret masked, deeply.

    Dicts: keys are redacted as text (a secret used as a key is masked) and values under secret-looking keys
    (:func:`looks_secret`) are replaced by ``**********`` (``None``, booleans and ``${VAR}`` references are
    kept). Lists and tuples keep their type; strings go through :func:`redact_text`; other objects are returned
    unchanged (serialise them with a ``default`` that redacts ``str(obj)``, e.g. :func:`safe_default`).
    """
    if isinstance(value, str):
        return redact_text(value)
    if _depth > _MAX_DEPTH:
        return "…"
    if isinstance(value, Mapping):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            if isinstance(key, str):
                shown = _unique_key(redact_text(key), out)
                out[shown] = _masked_value(item) if looks_secret(key) else redact_value(item, _depth=_depth + 1)
            else:
                out[key] = redact_value(item, _depth=_depth + 1)
        return out
    if isinstance(value, list):
        return [redact_value(item, _depth=_depth + 1) for item in value]
    if isinstance(value, tuple):
        return tuple(redact_value(item, _depth=_depth + 1) for item in value)
    return value


def exception_attributes(error: BaseException) -> dict[str, str]:
    """OpenTelemetry ``span.record_exception(error, attributes=...)`` overrides: message and stack trace redacted.

    The default attributes hold ``str(error)`` and the formatted traceback, which for an exception group
    prints every member's error as the SDK wrote it (a provider's error body may quote the key).
    """
    import traceback

    stack = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return {"exception.message": redact_text(str(error)), "exception.stacktrace": redact_text(stack)}


def safe_default(obj: Any) -> str:
    """A ``json.dumps(default=...)`` that never writes a secret held by a non-JSON object."""
    return redact_text(str(obj))


# -------------------------------------------------------------------------------------------- configs

_HEADER_KEYS = frozenset({"defaultheaders", "headers", "extraheaders", "httpheaders"})
_BENIGN_HEADERS = frozenset(
    {"useragent", "accept", "acceptencoding", "acceptlanguage", "contenttype", "openaibeta", "anthropicversion",
     "anthropicbeta", "openaiorganization", "openaiproject", "httpreferer", "referer", "xtitle", "xrequestid",
     "xclientname", "xclientversion", "apiversion"}
)  # fmt: skip
_URL_KEY = re.compile(r"(url|uri|endpoint|host|proxy|dsn)$")


def _fold(key: str) -> str:
    return _SEPARATORS.sub("", key.lower())


def _config_value(key: str, value: Any, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        return "…"
    folded = _fold(key)
    if folded == "apikey" and type(value).__name__ in ("SecretStr", "SecretBytes"):
        return value  # AutoGen's own SecretStr: masked in every serialisation already
    if looks_secret(key):
        if type(value).__name__ in ("SecretStr", "SecretBytes"):
            return value
        return _masked_value(value) if not isinstance(value, (Mapping, list, tuple)) else _config_any(value, depth)
    if folded in _HEADER_KEYS and isinstance(value, Mapping):
        return {
            redact_text(str(name)): (
                item
                if item is None
                or (isinstance(item, str) and (_is_reference(item) or item == REDACTED))
                or (_fold(str(name)) in _BENIGN_HEADERS and redact_text(str(item)) == item)
                else REDACTED
            )
            for name, item in value.items()
        }
    if isinstance(value, str) and (_URL_KEY.search(folded) or "://" in value):
        return value if _is_reference(value) else redact_url(value) if "://" in value else redact_text(value)
    return _config_any(value, depth)


def _config_any(value: Any, depth: int) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            if isinstance(key, str):
                out[_unique_key(redact_text(key), out)] = _config_value(key, item, depth + 1)
            else:
                out[key] = _config_any(item, depth + 1)
        return out
    if isinstance(value, list):
        return [_config_any(item, depth + 1) for item in value]
    if isinstance(value, tuple):
        return tuple(_config_any(item, depth + 1) for item in value)
    return value


def redact_config(config: Any) -> dict[str, Any]:
    """A copy of a component config (or a whole ``ComponentModel``) safe to dump.

    ``default_headers`` values are masked (except a short list of benign headers such as ``User-Agent`` and
    ``anthropic-version`` whose value holds nothing secret-looking), URLs (``base_url``, ``azure_endpoint``, any
    value with ``://``) go through :func:`redact_url`, values under secret-named keys are masked at any depth
    and every other string goes through :func:`redact_text`. ``${VAR}`` references are kept, and so are
    pydantic ``SecretStr`` values (AutoGen's ``api_key``: already masked in every serialisation). Accepts a
    mapping or a pydantic model (dumped first).
    """
    if hasattr(config, "model_dump") and not isinstance(config, Mapping):
        config = config.model_dump()
    result = _config_any(dict(config), 0)
    assert isinstance(result, dict)
    return result


_Model = TypeVar("_Model")


def redact_component(component: _Model) -> _Model:
    """:func:`redact_config` for a pydantic model (e.g. AutoGen's ``ComponentModel``), returning the same type.

    Used by agentkit's wrapper clients' ``_to_config`` so that ``dump_component()`` never shows a member's or
    inner client's headers, credential-bearing URLs or secret-named values in clear.
    """
    validate = getattr(type(component), "model_validate", None)
    if validate is None:
        return component
    redacted: _Model = validate(redact_config(component))
    return redacted


def find_redacted(config: Any, path: str = "config", *, _depth: int = 0) -> str | None:
    """The dotted path of the first value :func:`redact_config` masked, or ``None``.

    ``api_key`` is not reported: AutoGen itself dumps it as ``**********`` (its ``SecretStr``).
    """
    if _depth > _MAX_DEPTH:
        return None
    if isinstance(config, str):
        return path if REDACTED in config else None
    if isinstance(config, Mapping):
        for key, item in config.items():
            if isinstance(key, str) and _fold(key) == "apikey":
                continue
            found = find_redacted(item, f"{path}.{key}", _depth=_depth + 1)
            if found:
                return found
    elif isinstance(config, (list, tuple)):
        for index, item in enumerate(config):
            found = find_redacted(item, f"{path}[{index}]", _depth=_depth + 1)
            if found:
                return found
    return None


def reject_redacted(config: Any, path: str) -> None:
    """Refuse to load a dumped config whose secrets were masked by :func:`redact_config`.

    Raises:
        ConfigurationError: naming the masked field and the fix.
    """
    found = find_redacted(config, path)
    if found is not None:
        from .exceptions import ConfigurationError

        raise ConfigurationError(
            found,
            f"holds {REDACTED}, a secret masked by dump_component(); the dump does not contain it.",
            "Put the real value (or, with agentkit.migrate.load_client, a ${VAR} reference) there before loading.",
        )
