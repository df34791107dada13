"""Reading a pyautogen v0.2 model configuration: ``config_list_from_json`` semantics and ``filter_config``.

Pure data: nothing here imports pyautogen. The v0.2 behaviour reproduced (and the quirks fixed) is listed
in ``docs/migrate-config.md``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .._redaction import redact_text
from ..exceptions import ConfigTranslationError

__all__ = ("LoadedSource", "filter_entries", "read_source")


@dataclass(frozen=True)
class LoadedSource:
    """A v0.2 configuration, read and normalised.

    Attributes:
        label: Location prefix for messages (file path, ``$ENVVAR``, ``llm_config`` or ``config_list``).
        is_list: Whether the input was a bare config list (entries are located as ``label[i]``).
        top_level: The ``llm_config`` keys other than ``config_list`` (merged under every entry).
        entries: ``(original index, entry)`` pairs, before filtering.
        disabled: ``llm_config`` was ``False`` (the agent uses no model).
    """

    label: str
    is_list: bool
    top_level: dict[str, Any]
    entries: list[tuple[int, dict[str, Any]]]
    disabled: bool = False

    def entry_location(self, index: int) -> str:
        """Location of entry ``index`` for messages."""
        return f"{self.label}[{index}]" if self.is_list else self.label

    @property
    def top_label(self) -> str:
        """Location prefix of the top-level ``llm_config`` keys."""
        return self.label.removesuffix(".config_list")


def _parse_json(text: str, label: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise ConfigTranslationError(label, "is nested too deeply.", "Check the JSON.") from None
    except json.JSONDecodeError as error:
        raise ConfigTranslationError(
            f"{label} (line {error.lineno}, column {error.colno})",
            f"is not valid JSON: {error.msg}.",
            "Fix the JSON syntax (OAI_CONFIG_LIST must be a JSON list of objects).",
        ) from None


def _read_file(path: str, label: str) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise ConfigTranslationError(
            label, "no such file.", "Pass an existing file, or the name of an environment variable holding the JSON."
        ) from None
    except IsADirectoryError:
        raise ConfigTranslationError(label, "is a directory, not a file.", "Pass the JSON file inside it.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigTranslationError(label, f"cannot be read ({type(error).__name__}).", "Check the file.") from None
    except ValueError:  # e.g. an embedded NUL byte
        raise ConfigTranslationError(
            label, "is not a valid file path.", "Pass a file path or a variable name."
        ) from None
    return _parse_json(text, label)


def _read_env_or_file(name: str, file_location: str | os.PathLike[str] | None) -> tuple[Any, str]:
    """``config_list_from_json``: an environment variable (JSON or a path) wins over a file of the same name."""
    env_value = os.environ.get(name)
    if env_value:
        # v0.2: if the variable holds an existing path, read that file; otherwise it is the JSON itself.
        if _exists(env_value):
            label = _path_label(env_value)
            return _read_file(env_value, label), label
        return _parse_json(env_value, f"${name}"), f"${name}"
    path = os.path.join(file_location, name) if file_location else name
    label = _path_label(path)
    if label != path and not _exists(path):
        # Never echo it: a JSON text passed where a path is expected holds the keys.
        raise ConfigTranslationError(
            "source",
            "is neither an existing file nor a set environment variable (it looks like JSON text, not a path).",
            "Pass the parsed value (translate_config(json.loads(text))), a file path or an environment variable name.",
        )
    return _read_file(path, label), label


def _exists(path: str) -> bool:
    try:
        return os.path.exists(path)
    except (ValueError, OSError):
        return False


def _path_label(path: str) -> str:
    """``path`` as shown in messages; a string that does not look like a path is never shown."""
    if len(path) > 1024 or any(c in path for c in '{}[]"\n\r') or redact_text(path) != path:
        return "source"
    return path


def read_source(source: Any, *, file_location: str | os.PathLike[str] | None = None) -> LoadedSource:
    """Normalise any accepted input into a :class:`LoadedSource`.

    Raises:
        ConfigTranslationError: malformed JSON, a missing file, or a value of the wrong type.
    """
    label = "llm_config"
    if isinstance(source, os.PathLike):
        data: Any = _read_file(os.fspath(source), os.fspath(source))
        label = os.fspath(source)
    elif isinstance(source, str):
        if not source:
            raise ConfigTranslationError(
                "source", "is an empty string.", "Pass a file path, an environment variable name or a dict."
            )
        data, label = _read_env_or_file(source, file_location)
    else:
        data = source
        if isinstance(source, Sequence) and not isinstance(source, (str, bytes, Mapping)):
            label = "config_list"
    return _normalise(data, label)


def _normalise(data: Any, label: str) -> LoadedSource:
    if data is False:
        return LoadedSource(label=label, is_list=False, top_level={}, entries=[], disabled=True)
    if isinstance(data, Mapping):
        top: dict[str, Any] = {}
        for key, value in data.items():
            if not isinstance(key, str):
                raise ConfigTranslationError(
                    label, f"has a non-string key of type {type(key).__name__}.", "Use string keys."
                )
            top[key] = value
        if "config_list" in top:
            config_list = top.pop("config_list")
            where = f"{label}.config_list"
            entries = _entries(config_list, where)
            loaded = LoadedSource(label=where, is_list=True, top_level=top, entries=entries)
        else:
            # A single llm_config without config_list is one entry: its keys are the entry.
            loaded = LoadedSource(label=label, is_list=False, top_level={}, entries=[(0, top)])
        return loaded
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        return LoadedSource(label=label, is_list=True, top_level={}, entries=_entries(data, label))
    raise ConfigTranslationError(
        label,
        f"must be an llm_config object, a config list or false, got {type(data).__name__}.",
        'Pass e.g. {"config_list": [{"model": "gpt-4o"}]} or [{"model": "gpt-4o"}].',
    )


def _entries(config_list: Any, where: str) -> list[tuple[int, dict[str, Any]]]:
    if isinstance(config_list, (str, bytes)) or not isinstance(config_list, Sequence):
        raise ConfigTranslationError(
            where, f"must be a list of objects, got {type(config_list).__name__}.", 'Use [{"model": "..."}, ...].'
        )
    entries: list[tuple[int, dict[str, Any]]] = []
    for index, entry in enumerate(config_list):
        if not isinstance(entry, Mapping):
            raise ConfigTranslationError(
                f"{where}[{index}]", f"must be an object, got {type(entry).__name__}.", 'Use {"model": "...", ...}.'
            )
        clean: dict[str, Any] = {}
        for key, value in entry.items():
            if not isinstance(key, str):
                raise ConfigTranslationError(
                    f"{where}[{index}]", f"has a non-string key of type {type(key).__name__}.", "Use string keys."
                )
            clean[key] = value
        entries.append((index, clean))
    return entries


def _criteria(values: Any, key: str) -> list[Any]:
    # Quirk fixed: v0.2 tested `value in criteria`, so a bare string criterion matched substrings
    # ("gpt-4" matched "gpt" and "4") and intersected tag lists with its characters. A scalar is one value here.
    accepted: list[Any]
    if isinstance(values, (str, bytes, int, float, bool)) or values is None:
        accepted = [values]
    elif isinstance(values, (set, frozenset, tuple, list)):
        accepted = list(values)
    else:
        raise ConfigTranslationError(
            f"filter_dict.{key}",
            f"must be a list of accepted values, got {type(values).__name__}.",
            'Use e.g. {"model": ["gpt-4o"], "tags": ["fast"]}.',
        )
    for value in accepted:
        if isinstance(value, (dict, list, set)):
            raise ConfigTranslationError(
                f"filter_dict.{key}",
                f"contains an unhashable {type(value).__name__}.",
                "Accepted values must be strings, numbers, booleans or null.",
            )
    return accepted


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _satisfies(value: Any, accepted: list[Any]) -> bool:
    # Kept from v0.2 (`_satisfies_criteria`): a missing key (or null) never matches, even when None is an
    # accepted value (v0.2's docstring claimed otherwise; its code did this). A list value (e.g. tags)
    # matches when it shares at least one element with the accepted values.
    if value is None:
        return False
    if isinstance(value, list):
        return any(_hashable(v) and v in accepted for v in value)
    return _hashable(value) and value in accepted


def filter_entries(
    entries: list[tuple[int, dict[str, Any]]], filter_dict: Mapping[str, Any] | None, *, exclude: bool = False
) -> list[tuple[int, dict[str, Any]]]:
    """Apply v0.2's ``filter_config(config_list, filter_dict, exclude)`` to ``(index, entry)`` pairs.

    An entry is kept when, for every key of ``filter_dict``, its value is one of the accepted values (a list
    value such as ``tags`` needs one element in common). ``exclude=True`` keeps the entries that match none
    of the keys' criteria, as in v0.2.

    Raises:
        ConfigTranslationError: ``filter_dict`` is not a mapping of keys to lists of hashable values.
    """
    if not filter_dict:
        return list(entries)
    if not isinstance(filter_dict, Mapping):
        raise ConfigTranslationError(
            "filter_dict", f"must be a mapping, got {type(filter_dict).__name__}.", 'Use e.g. {"tags": ["gpt4"]}.'
        )
    criteria = {str(key): _criteria(values, str(key)) for key, values in filter_dict.items()}
    return [
        (index, entry)
        for index, entry in entries
        if all(_satisfies(entry.get(key), accepted) != exclude for key, accepted in criteria.items())
    ]
