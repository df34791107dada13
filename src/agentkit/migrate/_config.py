"""``translate_config``: a pyautogen v0.2 ``llm_config`` / ``config_list`` / ``OAI_CONFIG_LIST`` to v0.4.

Pure data in: nothing imports pyautogen. The output is AutoGen ``ComponentModel`` JSON (never holding a
secret), a report of every key, and a live client built on demand from that same JSON.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import tempfile
from collections import ChainMap
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..exceptions import ConfigTranslationError
from ._failover import failover_component
from ._load import build_client
from ._mapping import AZURE, EntryResult, EnvAllocator, stable_digest, translate_entry
from ._report import ReportItem, TranslationReport
from ._source import filter_entries, read_source

if TYPE_CHECKING:
    from autogen_core.models import ChatCompletionClient

    from ..pricing import ModelPrice, PriceTable

__all__ = ("CACHE_ROOT", "ConfigTranslation", "translate_config")

CACHE_ROOT = ".cache/autogen-v0.4"
"""Where translated ``cache_seed`` caches live (relative to the working directory, as v0.2's ``.cache``)."""


class ConfigTranslation:
    """The result of :func:`translate_config`.

    Attributes:
        component: The ``ComponentModel`` dict, loadable by ``ChatCompletionClient.load_component`` (or
            :func:`~agentkit.migrate.load_client`, which also resolves ``${VAR}`` references). ``None`` when
            there is no model client (``llm_config=False``, or every entry needs manual translation).
        report: What happened to every key (:class:`~agentkit.migrate.TranslationReport`).
        prices: v0.2 ``price`` entries as :class:`~agentkit.pricing.ModelPrice` overrides, by model name.
    """

    def __init__(
        self,
        component: dict[str, Any] | None,
        report: TranslationReport,
        *,
        secrets: Mapping[str, str],
        prices: Mapping[str, ModelPrice],
    ) -> None:
        self.component = component
        self.report = report
        self.prices: dict[str, ModelPrice] = dict(prices)
        self._secrets = dict(secrets)
        self._client: ChatCompletionClient | None = None

    def __repr__(self) -> str:
        provider = None if self.component is None else self.component.get("provider")
        return (
            f"ConfigTranslation(provider={provider!r}, items={len(self.report)}, "
            f"needs_manual_work={self.report.needs_manual_work})"
        )

    @property
    def client(self) -> ChatCompletionClient | None:
        """The live client, built on first access from :attr:`component` (no network).

        API keys from the input are used in memory; keys the input left to the environment are read from
        ``os.environ``. ``None`` when :attr:`component` is ``None``. A translated ``cache_seed`` opens (and
        creates) its disk-cache directory, relative to the working directory, at this point.

        Raises:
            MissingEnvironmentVariableError: a key is neither in the input nor in the environment.
        """
        if self.component is None:
            return None
        if self._client is None:
            self._client = build_client(self.component, ChainMap(self._secrets, dict(os.environ)))
        return self._client

    def price_table(self, base: PriceTable | None = None) -> PriceTable:
        """A :class:`~agentkit.pricing.PriceTable` with the v0.2 ``price`` overrides (added to ``base``)."""
        from ..pricing import PriceTable

        table = base if base is not None else PriceTable()
        return table.with_overrides(self.prices)

    def to_json(self, *, indent: int | None = 2) -> str:
        """The component as JSON text (``"null"`` when there is none)."""
        return json.dumps(self.component, indent=indent)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`to_json` to ``path`` atomically (a temporary file, then ``os.replace``)."""
        write_atomic(path, self.to_json() + "\n")


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same directory and ``os.replace``."""
    target = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(target))
    handle, temp = tempfile.mkstemp(prefix=".agentkit-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def _dedupe(items: list[ReportItem]) -> tuple[ReportItem, ...]:
    seen: set[ReportItem] = set()
    unique: list[ReportItem] = []
    for item in items:
        if item not in seen:
            seen.add(item)
            unique.append(item)
    return tuple(unique)


def _cache_wrap(client: dict[str, Any], seed: int | str) -> dict[str, Any]:
    directory = f"{CACHE_ROOT}/{seed}/{stable_digest(client)}"  # "/" on every OS: the JSON is portable
    return {
        "provider": "autogen_ext.models.cache.ChatCompletionCache",
        "component_type": "chat_completion_cache",
        "version": 1,
        "component_version": 1,
        "description": f"Disk cache translated from v0.2 cache_seed={seed}.",
        "label": "ChatCompletionCache",
        "config": {
            "client": client,
            "store": {
                "provider": "autogen_ext.cache_store.diskcache.DiskCacheStore",
                "component_type": "cache_store",
                "version": 1,
                "component_version": 1,
                "label": "DiskCacheStore",
                "config": {"directory": directory},
            },
        },
    }


def _member_settings(result: EntryResult, items: list[ReportItem]) -> dict[str, Any]:
    """``FailoverMemberConfig`` settings for a leaf; its SDK ``max_retries`` becomes the member's attempts."""
    assert result.component is not None
    leaf = result.component["config"]
    settings: dict[str, Any] = {}
    retries = leaf.pop("max_retries", None)
    if isinstance(retries, int):
        items[:] = [
            i
            for i in items
            if not (
                i.key == "max_retries"
                and i.status == "mapped"
                and i.location.startswith(f"{result.location}.max_retries")
            )
        ]
        settings["max_attempts"] = max(retries, 0) + 1
        items.append(
            ReportItem(
                next((i.location for i in result.items if i.key == "max_retries"), f"{result.location}.max_retries"),
                "max_retries",
                "changed",
                f"FailoverMember.max_attempts = {settings['max_attempts']}",
                "in a chain the failover client retries (with backoff and Retry-After) and turns the SDK's own "
                "retries off, so they do not multiply.",
            )
        )
    timeout = leaf.get("timeout")
    if isinstance(timeout, (int, float)):
        settings["attempt_timeout"] = float(timeout)
    return settings


def translate_config(
    source: Any,
    *,
    filter_dict: Mapping[str, Any] | None = None,
    file_location: str | os.PathLike[str] | None = None,
    exclude: bool = False,
    default_cache: bool = True,
) -> ConfigTranslation:
    """Translate a pyautogen v0.2 model configuration into a v0.4 client, its component JSON and a report.

    Args:
        source: One of: an ``llm_config`` dict (its top-level keys are merged under every ``config_list``
            entry, the entry winning, as v0.2 did); a ``config_list`` (list of dicts); ``False`` (v0.2's
            ``llm_config=False``: no model); a path (``str`` or ``PathLike``) to an ``OAI_CONFIG_LIST`` JSON
            file; or the name of an environment variable holding that JSON or a path to it
            (``config_list_from_json`` semantics: an environment variable wins over a file of the same name).
        filter_dict: v0.2's ``filter_dict``: ``{key: [accepted values]}``; list values such as ``tags`` match
            when they share one element. Applied to the entries before merging.
        file_location: v0.2's ``file_location``: the directory a file name is looked up in.
        exclude: v0.2's ``filter_config(exclude=True)``: keep the entries that do *not* match.
        default_cache: v0.2 cached every response on disk by default (``cache_seed`` 41). ``True`` (default)
            keeps that behaviour for entries without ``cache_seed``; ``False`` drops it (and says so).

    Returns:
        A :class:`ConfigTranslation` with ``.component``, ``.client`` (built lazily, no network) and ``.report``.

    Raises:
        ConfigTranslationError: malformed JSON, a wrong type, a missing model, an unknown ``api_type`` or an
            empty list after filtering; the message gives the location (file, entry index, key).
    """
    loaded = read_source(source, file_location=file_location)
    items: list[ReportItem] = []
    notes: list[str] = []
    if loaded.disabled:
        items.append(
            ReportItem(
                loaded.label,
                "llm_config",
                "changed",
                "no model client",
                "llm_config=False: the agent used no model.",
                "In v0.4 use an agent without a model client (UserProxyAgent, CodeExecutorAgent).",
            )
        )
        return ConfigTranslation(None, TranslationReport(loaded.label, tuple(items)), secrets={}, prices={})

    entries = filter_entries(loaded.entries, filter_dict, exclude=exclude)
    kept = {index for index, _ in entries}
    for index, _ in loaded.entries:
        if index not in kept:
            items.append(
                ReportItem(
                    loaded.entry_location(index),
                    "(entry)",
                    "dropped",
                    "",
                    "excluded by filter_dict, as config_list_from_json/filter_config did.",
                )
            )
    if not entries:
        total = len(loaded.entries)
        if filter_dict:
            keys = ", ".join(sorted(str(k) for k in filter_dict))
            raise ConfigTranslationError(
                loaded.label,
                f"no entry left after filtering ({total} entries, filter on {keys}).",
                "Check the filter values (a missing key never matches, as in v0.2).",
            )
        raise ConfigTranslationError(loaded.label, "the config list is empty.", 'Add at least one {"model": ...}.')

    env = EnvAllocator()
    top = loaded.top_level
    results: list[EntryResult] = []
    for index, entry in entries:
        merged = {**top, **entry}
        origins = {key: f"{loaded.top_label}.{key}" for key in top if key not in entry}
        results.append(translate_entry(index, merged, loaded.entry_location(index), origins, env))
    for result in results:
        items.extend(result.items)
    for key in top:
        if all(key in entry for _, entry in entries):
            items.append(
                ReportItem(
                    f"{loaded.top_label}.{key}",
                    key,
                    "dropped",
                    "",
                    "every config_list entry sets it too, and the entry wins (v0.2 merge order).",
                )
            )

    leaves = [r for r in results if r.component is not None]
    component: dict[str, Any] | None = None
    if leaves:
        seeds = {r.cache_seed if (r.cache_seed_explicit or default_cache) else None for r in leaves}
        _cache_items(leaves, items, default_cache)
        if len(leaves) == 1:
            leaf = leaves[0]
            assert leaf.component is not None
            component = leaf.component
            if leaf.cache_seed is not None and (leaf.cache_seed_explicit or default_cache):
                component = _cache_wrap(component, leaf.cache_seed)
        else:
            uniform = len(seeds) == 1
            members: list[dict[str, Any]] = []
            for leaf in leaves:
                settings = _member_settings(leaf, items)
                assert leaf.component is not None
                client = leaf.component
                seed = leaf.cache_seed if (leaf.cache_seed_explicit or default_cache) else None
                if not uniform and seed is not None:
                    client = _cache_wrap(client, seed)
                members.append({"client": client, **settings})
            component = failover_component(members)
            (only_seed,) = seeds if uniform else (None,)
            if uniform and only_seed is not None:
                component = _cache_wrap(component, only_seed)
            order = ", ".join(f"{r.location} ({r.model})" for r in leaves)
            notes.append(
                f"{len(leaves)} entries -> agentkit.models.FailoverChatCompletionClient, tried in v0.2's order: "
                f"{order}."
            )
            notes.append(
                "As in v0.2, a content-filter error is raised, not failed over (error_policy content_filter=raise). "
                "Differences: agentkit retries 429/5xx/connection errors on the same member with backoff before "
                "failing over (v0.2 left that to the SDK's max_retries), and raises other 400 errors at once "
                "(v0.2 tried the next entry). Edit error_policy in the output to change either."
            )
    else:
        notes.append("No entry could be translated automatically: see the manual items.")
    if any(_provider(r.component) == AZURE for r in leaves) and not _installed("azure.core"):
        notes.append(
            "Azure OpenAI: AutoGen's ChatCompletionClient.load_component imports azure-core for this component, "
            'which is not installed: pip install "autogen-agentkit[azure]" where the output is loaded '
            "(agentkit.migrate.load_client and translation.client work without it, unless "
            "azure_ad_token_provider is used)."
        )
    prices = _prices(results, items)
    report = TranslationReport(loaded.label, _dedupe(items), dict(sorted(env.described.items())), tuple(notes))
    return ConfigTranslation(component, report, secrets=env.secrets, prices=prices)


def _provider(component: dict[str, Any] | None) -> str:
    return "" if component is None else str(component.get("provider", ""))


def _installed(module: str) -> bool:
    """Whether ``module`` can be imported, without importing it."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a missing parent package
        return False


def _cache_items(leaves: list[EntryResult], items: list[ReportItem], default_cache: bool) -> None:
    for leaf in leaves:
        where = f"{leaf.location}.cache_seed"
        if leaf.cache_seed_explicit and leaf.cache_seed is None:
            items.append(
                ReportItem(where, "cache_seed", "dropped", "", "cache_seed=None disabled v0.2's cache; no cache.")
            )
        elif leaf.cache_seed_explicit:
            items.append(
                ReportItem(
                    where,
                    "cache_seed",
                    "changed",
                    "ChatCompletionCache + DiskCacheStore",
                    f"disk cache under {CACHE_ROOT}/{leaf.cache_seed}/<digest of the client config> (v0.2 used "
                    f".cache/{leaf.cache_seed}; its entries cannot be reused: different keys and value types).",
                    'Needs diskcache: pip install "autogen-agentkit[migrate]". Set cache_seed to null to disable.',
                )
            )
        elif default_cache:
            items.append(
                ReportItem(
                    where,
                    "cache_seed",
                    "added",
                    "ChatCompletionCache + DiskCacheStore",
                    "not set: v0.2 cached every response on disk by default (cache_seed 41), so the translation "
                    f"keeps a disk cache under {CACHE_ROOT}/41/.",
                    "Set cache_seed to null in the input (or pass default_cache=False / --no-default-cache) to "
                    "drop the cache.",
                )
            )
        else:
            items.append(
                ReportItem(
                    where,
                    "cache_seed",
                    "dropped",
                    "",
                    "not set: v0.2 would have cached with seed 41; dropped because default_cache=False.",
                )
            )


def _prices(results: list[EntryResult], items: list[ReportItem]) -> dict[str, ModelPrice]:
    prices: dict[str, ModelPrice] = {}
    with_price = [r for r in results if r.price is not None]
    if not with_price:
        return prices
    from ..pricing import ModelPrice

    for result in with_price:
        assert result.price is not None
        prompt, completion = result.price
        price = ModelPrice.per_1k(input_per_1k=Decimal(str(prompt)), output_per_1k=Decimal(str(completion)))
        where = f"{result.location}.price"
        if result.model in prices and prices[result.model] != price:
            items.append(
                ReportItem(
                    where,
                    "price",
                    "manual",
                    f"PriceTable override for {result.model!r}",
                    "another entry prices the same model differently; the first price is kept.",
                    "Keep one price per model name.",
                )
            )
            continue
        prices[result.model] = price
        items.append(
            ReportItem(
                where,
                "price",
                "changed",
                f"agentkit.pricing override for {result.model!r}",
                f"${price.input_per_mtok}/M prompt, ${price.output_per_mtok}/M completion tokens (v0.2: per 1K).",
                "Use translation.price_table() with MeteredChatCompletionClient / BudgetTermination.",
            )
        )
    return prices
