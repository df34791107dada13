"""pyautogen v0.2's config-list loaders (``autogen/oai/openai_utils.py``), with v0.2's semantics and quirks.

Each function returns what pyautogen 0.2.35 returned for the same input - a ``list[dict]`` of config entries -
so a migrated program that prints, filters or indexes its config list behaves as before. The quirks kept on
purpose (see the docstrings): an environment variable wins over a file of the same name; a ``str`` filter value
matches by substring; a missing key or ``None`` never matches; ``exclude=True`` drops an entry when *any* key
matches; ``config_list_openai_aoai`` writes ``os.environ``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ...exceptions import ConfigurationError, MissingExtraError

__all__ = (
    "DEFAULT_AZURE_API_VERSION",
    "config_list_from_dotenv",
    "config_list_from_json",
    "config_list_from_models",
    "config_list_gpt4_gpt35",
    "config_list_openai_aoai",
    "filter_config",
    "get_config_list",
)

logger = logging.getLogger("agentkit.migrate.compat")

DEFAULT_AZURE_API_VERSION = "2024-02-01"
"""The ``api_version`` v0.2 gave Azure entries built from key files (``autogen.oai.openai_utils``)."""

FilterDict = Mapping[str, Any]


def _satisfies_criteria(value: Any, criteria_values: Any) -> bool:
    if value is None:  # v0.2: a missing key or None never matches, even with None among the accepted values
        return False
    if isinstance(value, list):
        return bool(set(value) & set(criteria_values))
    return bool(value in criteria_values)  # a str criterion matches by substring, as in v0.2


def filter_config(
    config_list: list[dict[str, Any]], filter_dict: FilterDict | None, exclude: bool = False
) -> list[dict[str, Any]]:
    """Keep the entries that match ``filter_dict`` (v0.2's ``autogen.filter_config``).

    An entry is kept iff, for **every** key, "the entry's value satisfies the criterion" differs from
    ``exclude``. A list-valued entry (``tags``) satisfies a criterion when they share an element; a scalar
    when ``value in criterion`` - so a ``str`` criterion matches by *substring* (``{"model": "gpt-4o"}``
    keeps ``gpt-4``). A missing key or a ``None`` value never satisfies a criterion, even one that lists
    ``None``. With ``exclude=True`` an entry is dropped when *any* key matches (entries lacking the key are
    kept). An empty or ``None`` filter returns ``config_list`` itself.

    Args:
        config_list: v0.2 config entries.
        filter_dict: ``{key: accepted values}``.
        exclude: Drop the matching entries instead of keeping them.

    Returns:
        The kept entries (the same dict objects, in order).
    """
    if filter_dict:
        return [
            item
            for item in config_list
            if all(_satisfies_criteria(item.get(key), values) != exclude for key, values in filter_dict.items())
        ]
    return config_list


def _parse_list(text: str, source: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text)
    except ValueError as error:  # never echo the text: it holds API keys
        raise ConfigurationError(
            source,
            f"is not valid JSON (line {getattr(error, 'lineno', '?')}, column {getattr(error, 'colno', '?')}).",
            'It must hold a JSON list of config entries, e.g. [{"model": "gpt-4o", "api_key": "..."}].',
        ) from None
    if not isinstance(data, list):
        raise ConfigurationError(
            source, f"must hold a JSON list of config entries, got a JSON {type(data).__name__}.", "Wrap it in [...]."
        )
    return data


def config_list_from_json(
    env_or_file: str, file_location: str | None = "", filter_dict: FilterDict | None = None
) -> list[dict[str, Any]]:
    """Load a config list from an environment variable or a JSON file (v0.2's ``autogen.config_list_from_json``).

    A non-empty environment variable named ``env_or_file`` wins: it is read as a file path if such a file
    exists, else as JSON text. Otherwise the file ``os.path.join(file_location, env_or_file)`` is read
    (``env_or_file`` alone when ``file_location`` is ``None``). Then :func:`filter_config` is applied.

    Args:
        env_or_file: Environment variable or file name, usually ``"OAI_CONFIG_LIST"``.
        file_location: Directory the file is looked up in.
        filter_dict: See :func:`filter_config`.

    Returns:
        The config entries.

    Raises:
        FileNotFoundError: neither a non-empty environment variable nor the file exists (as in v0.2).
        ConfigurationError: the JSON is malformed or not a list (the text is never echoed).
    """
    env_str = os.environ.get(env_or_file)
    if env_str:
        if os.path.exists(env_str):
            with open(env_str, encoding="utf-8") as stream:
                config_list = _parse_list(stream.read(), f"{env_or_file} (file {env_str})")
        else:
            config_list = _parse_list(env_str, f"environment variable {env_or_file}")
    else:
        path = os.path.join(file_location, env_or_file) if file_location is not None else env_or_file
        with open(path, encoding="utf-8") as stream:
            config_list = _parse_list(stream.read(), path)
    return filter_config(config_list, filter_dict)


def get_config_list(
    api_keys: list[str],
    base_urls: list[str] | None = None,
    api_type: str | None = None,
    api_version: str | None = None,
) -> list[dict[str, Any]]:
    """Build config entries from parallel lists of keys and base URLs (v0.2's ``autogen.get_config_list``).

    Blank keys are skipped, but ``base_urls`` keep their original index (entry ``i`` gets ``base_urls[i]``).

    Args:
        api_keys: API keys, one entry each.
        base_urls: Base URLs, the same length as ``api_keys``.
        api_type: Set on every entry when given (``"azure"``...).
        api_version: Set on every entry when given.

    Returns:
        ``[{"api_key", "base_url"?, "api_type"?, "api_version"?}, ...]`` (no ``model``).

    Raises:
        AssertionError: ``base_urls`` and ``api_keys`` differ in length (as in v0.2).
    """
    if base_urls is not None:
        assert len(api_keys) == len(base_urls), "The length of api_keys must match the length of base_urls"
    config_list: list[dict[str, Any]] = []
    for index, api_key in enumerate(api_keys):
        if not api_key.strip():
            continue
        config: dict[str, Any] = {"api_key": api_key}
        if base_urls:
            config["base_url"] = base_urls[index]
        if api_type:
            config["api_type"] = api_type
        if api_version:
            config["api_version"] = api_version
        config_list.append(config)
    return config_list


def _file_to_env(directory: str, name: str | None, variable: str) -> None:
    if name is None:
        return
    try:
        with open(f"{directory}/{name}", encoding="utf-8") as stream:
            os.environ[variable] = stream.read().strip()
    except FileNotFoundError:
        logger.info("%s is not set from %s: the file does not exist in %s.", variable, name, directory)


def config_list_openai_aoai(
    key_file_path: str | None = ".",
    openai_api_key_file: str | None = "key_openai.txt",
    aoai_api_key_file: str | None = "key_aoai.txt",
    openai_api_base_file: str | None = "base_openai.txt",
    aoai_api_base_file: str | None = "base_aoai.txt",
    exclude: str | None = None,
) -> list[dict[str, Any]]:
    """OpenAI and Azure OpenAI entries from key files and environment variables (v0.2's function of that name).

    Like v0.2 it **writes** ``OPENAI_API_KEY`` / ``OPENAI_API_BASE`` / ``AZURE_OPENAI_API_KEY`` /
    ``AZURE_OPENAI_API_BASE`` into ``os.environ`` from the files that exist under ``key_file_path``, then builds
    one entry per line of those variables: the OpenAI entries first, then the Azure ones
    (``api_type="azure"``, ``api_version="2024-02-01"``). No entry has a ``model``.

    Args:
        key_file_path: Directory of the key files (``None`` reads no file).
        openai_api_key_file: File with OpenAI keys, one per line.
        aoai_api_key_file: File with Azure OpenAI keys, one per line.
        openai_api_base_file: File with OpenAI base URLs, one per line.
        aoai_api_base_file: File with Azure OpenAI endpoints, one per line.
        exclude: ``"openai"`` or ``"aoai"`` to leave that service out.

    Returns:
        The config entries.
    """
    if exclude != "openai" and key_file_path is not None:
        _file_to_env(key_file_path, openai_api_key_file, "OPENAI_API_KEY")
        _file_to_env(key_file_path, openai_api_base_file, "OPENAI_API_BASE")
    if exclude != "aoai" and key_file_path is not None:
        _file_to_env(key_file_path, aoai_api_key_file, "AZURE_OPENAI_API_KEY")
        _file_to_env(key_file_path, aoai_api_base_file, "AZURE_OPENAI_API_BASE")
    aoai_config = (
        get_config_list(
            api_keys=os.environ.get("AZURE_OPENAI_API_KEY", "").split("\n"),
            base_urls=os.environ.get("AZURE_OPENAI_API_BASE", "").split("\n"),
            api_type="azure",
            api_version=DEFAULT_AZURE_API_VERSION,
        )
        if exclude != "aoai"
        else []
    )
    base_env = os.environ.get("OPENAI_API_BASE")
    openai_config = (
        get_config_list(
            api_keys=os.environ.get("OPENAI_API_KEY", "").split("\n"),
            base_urls=None if base_env is None else base_env.split("\n"),
        )
        if exclude != "openai"
        else []
    )
    return openai_config + aoai_config


def config_list_from_models(
    key_file_path: str | None = ".",
    openai_api_key_file: str | None = "key_openai.txt",
    aoai_api_key_file: str | None = "key_aoai.txt",
    aoai_api_base_file: str | None = "base_aoai.txt",
    exclude: str | None = None,
    model_list: list[str] | None = None,
) -> list[dict[str, Any]]:
    """:func:`config_list_openai_aoai` entries, one copy per model (v0.2's ``autogen.config_list_from_models``).

    The result is model-major: ``[{**cfg, "model": m} for m in model_list for cfg in configs]``; without
    ``model_list`` the entries are returned without a ``model``.

    Args:
        key_file_path: See :func:`config_list_openai_aoai`.
        openai_api_key_file: See :func:`config_list_openai_aoai`.
        aoai_api_key_file: See :func:`config_list_openai_aoai`.
        aoai_api_base_file: See :func:`config_list_openai_aoai`.
        exclude: See :func:`config_list_openai_aoai`.
        model_list: Model names.

    Returns:
        The config entries.
    """
    config_list = config_list_openai_aoai(
        key_file_path=key_file_path,
        openai_api_key_file=openai_api_key_file,
        aoai_api_key_file=aoai_api_key_file,
        aoai_api_base_file=aoai_api_base_file,
        exclude=exclude,
    )
    if model_list:
        config_list = [{**config, "model": model} for model in model_list for config in config_list]
    return config_list


def config_list_gpt4_gpt35(
    key_file_path: str | None = ".",
    openai_api_key_file: str | None = "key_openai.txt",
    aoai_api_key_file: str | None = "key_aoai.txt",
    aoai_api_base_file: str | None = "base_aoai.txt",
    exclude: str | None = None,
) -> list[dict[str, Any]]:
    """:func:`config_list_from_models` with ``["gpt-4", "gpt-3.5-turbo"]`` (v0.2's function of that name).

    Args:
        key_file_path: See :func:`config_list_openai_aoai`.
        openai_api_key_file: See :func:`config_list_openai_aoai`.
        aoai_api_key_file: See :func:`config_list_openai_aoai`.
        aoai_api_base_file: See :func:`config_list_openai_aoai`.
        exclude: See :func:`config_list_openai_aoai`.

    Returns:
        The config entries.
    """
    return config_list_from_models(
        key_file_path,
        openai_api_key_file,
        aoai_api_key_file,
        aoai_api_base_file,
        exclude,
        model_list=["gpt-4", "gpt-3.5-turbo"],
    )


def _dotenv() -> Any:
    try:
        import dotenv
    except ImportError:
        raise MissingExtraError("dotenv", "migrate", "config_list_from_dotenv") from None
    return dotenv


def _env_or_literal(value: str | None) -> str | None:
    return os.getenv(value, default=value) if value else None


def config_list_from_dotenv(
    dotenv_file_path: str | os.PathLike[str] | None = None,
    model_api_key_map: dict[str, Any] | None = None,
    filter_dict: FilterDict | None = None,
) -> list[dict[str, Any]]:
    """Entries built from a ``.env`` file and the environment (v0.2's ``autogen.config_list_from_dotenv``).

    Loads ``dotenv_file_path`` (or the ``.env`` that ``python-dotenv`` finds from the working directory; v0.2
    searched from its own install directory, so outside notebooks it usually found none) without overriding
    variables already set. ``gpt-4`` and ``gpt-3.5-turbo`` are always added to ``model_api_key_map`` (mapped to
    ``OPENAI_API_KEY``; the caller's dict is updated, as in v0.2). A map value is the name of the variable
    holding the key, or ``{"api_key_env_var", "base_url", "api_type", "api_version"}`` where the last three
    are variable names or literal values. Models whose key is unset or blank are skipped (with a warning).
    Then :func:`filter_config` is applied.

    Args:
        dotenv_file_path: The ``.env`` file; a missing file only logs a warning.
        model_api_key_map: ``{model: variable name | settings}``.
        filter_dict: See :func:`filter_config`.

    Returns:
        ``[{"api_key", "base_url"?, "api_type"?, "api_version"?, "model"}, ...]``.

    Raises:
        MissingExtraError: ``python-dotenv`` is not installed (``pip install "autogen-agentkit[migrate]"``).
    """
    dotenv = _dotenv()
    if dotenv_file_path:
        path = Path(dotenv_file_path)
        if path.exists():
            dotenv.load_dotenv(path)
        else:
            logger.warning("The specified .env file %s does not exist.", path)
    else:
        found = dotenv.find_dotenv(usecwd=True)
        if not found:
            logger.warning("No .env file found. Loading configurations from environment variables.")
        else:
            dotenv.load_dotenv(found)
    model_api_key_map = model_api_key_map if model_api_key_map is not None else {}
    for model in ("gpt-4", "gpt-3.5-turbo"):
        model_api_key_map.setdefault(model, "OPENAI_API_KEY")
    entries: list[dict[str, Any]] = []
    for model, setting in model_api_key_map.items():
        config: dict[str, Any]
        if isinstance(setting, str):
            config = {"api_key": os.getenv(setting)}
        elif isinstance(setting, Mapping):
            config = {"api_key": os.getenv(setting.get("api_key_env_var", "OPENAI_API_KEY"))}
            for key in ("base_url", "api_type", "api_version"):
                value = _env_or_literal(setting.get(key))
                if value:
                    config[key] = value
        else:
            logger.warning("Unsupported type %s for model %s configuration; skipped.", type(setting).__name__, model)
            continue
        if not config["api_key"] or not config["api_key"].strip():
            logger.warning(
                "API key not found or empty for model %s. Please ensure path to .env file is correct.", model
            )
            continue
        config["model"] = model
        entries.append(config)
    config_list = filter_config(entries, filter_dict)
    if not config_list:
        logger.error("No configurations loaded.")
    return config_list
