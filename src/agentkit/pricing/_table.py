"""``PriceTable``: offline prices from genai-prices' bundled data, with per-model overrides."""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Mapping
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..exceptions import ConfigurationError
from ._price import ModelPrice

__all__ = ("PriceTable", "PriceTableConfig", "UnknownModelPolicy", "UnpricedModelWarning", "as_price_table")

UnknownModelPolicy = Literal["warn", "raise"]

_SNAPSHOT_SUFFIX = re.compile(r"^(\d[\d-]*|latest|preview)$")
_PRICE_KEYS = ("input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok")


class UnpricedModelWarning(UserWarning):
    """A model has no known price: its calls are recorded with ``cost_usd=None`` and counted as unpriced."""


class PriceTableConfig(BaseModel):
    """Serialisable form of a :class:`PriceTable`."""

    overrides: dict[str, dict[str, str]] = Field(default_factory=dict)
    unknown_model: UnknownModelPolicy = "warn"
    use_genai_prices: bool = True


class _GenaiPricer:
    """A genai-prices model price that is not a flat per-token rate (e.g. tiered by context length)."""

    __slots__ = ("model_price",)

    def __init__(self, model_price: Any) -> None:
        self.model_price = model_price

    def cost(
        self, *, prompt_tokens: int, completion_tokens: int, cached_input_tokens: int = 0, cache_write_tokens: int = 0
    ) -> Decimal:
        from genai_prices import Usage

        usage = Usage(
            input_tokens=prompt_tokens,
            output_tokens=completion_tokens,
            cache_read_tokens=cached_input_tokens,
            cache_write_tokens=cache_write_tokens,
        )
        return Decimal(self.model_price.calc_price(usage)["total_price"])


_snapshot_lock = threading.Lock()
_snapshot: Any = None


def _bundled_snapshot() -> Any:
    """genai-prices' data as shipped in the installed package — never the auto-updated snapshot."""
    global _snapshot
    with _snapshot_lock:
        if _snapshot is None:
            from genai_prices import data, data_snapshot

            _snapshot = data_snapshot.DataSnapshot(providers=data.providers, from_auto_update=False)
        return _snapshot


class PriceTable:
    """Prices for model calls: per-model overrides first, then genai-prices' bundled data, offline.

    Lookup order for a model name (case-insensitive): an override with exactly that name; an override whose
    name is followed by a dated snapshot suffix (``"gpt-4o"`` prices ``"gpt-4o-2024-08-06"`` and
    ``"gpt-4o-latest"``, never ``"gpt-4o-mini"``); then, if
    ``use_genai_prices``, the data bundled in the installed ``genai-prices`` package. agentkit never calls
    genai-prices' ``UpdatePrices`` and never uses a snapshot it fetched: prices change only when you upgrade
    the package. A model's price is resolved once, on first use, and cached.

    Unknown models follow ``unknown_model``:

    - ``"warn"`` (default): an :class:`UnpricedModelWarning` once per model per table; the call is recorded
      with ``cost_usd=None`` and counted in ``UsageTotals.unpriced_requests``. Cost budgets never treat an
      unpriced call as free: ``BudgetTermination`` reports unpriced calls in its stop message, and admission
      control refuses calls to unpriced models when a cost limit is set.
    - ``"raise"``: :class:`~agentkit.exceptions.ConfigurationError` naming the model and how to price it.

    Args:
        overrides: Model name to price: a :class:`ModelPrice` or a plain mapping of its fields
            (``{"input_per_mtok": 0.2, "output_per_mtok": 0.6}``, US dollars per million tokens). Validated
            here: a bad entry raises :class:`~agentkit.exceptions.ConfigurationError` naming ``overrides[model]``.
        unknown_model: ``"warn"`` or ``"raise"``.
        use_genai_prices: Look up models without an override in genai-prices' bundled data.
    """

    def __init__(
        self,
        overrides: Mapping[str, ModelPrice | Mapping[str, Any]] | None = None,
        *,
        unknown_model: UnknownModelPolicy = "warn",
        use_genai_prices: bool = True,
    ) -> None:
        """Build a table (see the class docstring)."""
        if unknown_model not in ("warn", "raise"):
            raise ConfigurationError(
                "unknown_model", f"must be 'warn' or 'raise', got {unknown_model!r}.", "Pick one of the two."
            )
        if overrides is not None and not isinstance(overrides, Mapping):
            raise ConfigurationError(
                "overrides",
                f"must be a mapping of model name to price, got {type(overrides).__name__}.",
                "Pass e.g. {'my-llama': ModelPrice(input_per_mtok=0.2, output_per_mtok=0.6)}.",
            )
        self._overrides: dict[str, ModelPrice] = {}
        for name, price in (overrides or {}).items():
            if not isinstance(name, str) or not name:
                raise ConfigurationError(
                    "overrides", f"keys must be model names, got {name!r}.", "Use the model name, e.g. 'gpt-4o'."
                )
            self._overrides[name.lower()] = _as_model_price(price, f"overrides[{name!r}]")
        self.unknown_model: UnknownModelPolicy = unknown_model
        self.use_genai_prices = use_genai_prices
        self._cache: dict[tuple[str, str | None], ModelPrice | _GenaiPricer | None] = {}
        self._warned: set[str] = set()
        self._lock = threading.Lock()

    @property
    def overrides(self) -> dict[str, ModelPrice]:
        """The per-model overrides (names lower-cased)."""
        return dict(self._overrides)

    def with_overrides(self, overrides: Mapping[str, ModelPrice | Mapping[str, Any]]) -> PriceTable:
        """A new table with ``overrides`` added to (and taking precedence over) this table's."""
        added = PriceTable(overrides).overrides
        merged = {**self._overrides, **added}
        return PriceTable(merged, unknown_model=self.unknown_model, use_genai_prices=self.use_genai_prices)

    def price_for(self, model: str, provider: str | None = None) -> ModelPrice | None:
        """The flat price of ``model``, or ``None`` when it is unknown or not a flat per-token rate.

        Unlike :meth:`cost`, this never warns or raises.
        """
        resolved = self._resolve(model, provider)
        return resolved if isinstance(resolved, ModelPrice) else None

    def is_priced(self, model: str, provider: str | None = None) -> bool:
        """Whether :meth:`cost` can price ``model``."""
        return self._resolve(model, provider) is not None

    def cost(
        self,
        model: str,
        *,
        prompt_tokens: int,
        completion_tokens: int,
        cached_input_tokens: int = 0,
        cache_write_tokens: int = 0,
        provider: str | None = None,
    ) -> Decimal | None:
        """Cost of one call in US dollars; ``None`` for an unknown model under the ``"warn"`` policy.

        ``prompt_tokens`` includes ``cached_input_tokens`` and ``cache_write_tokens``.

        Raises:
            ConfigurationError: The model is unknown and the policy is ``"raise"``.
        """
        pricer = self._resolve(model, provider)
        if pricer is None:
            self._unknown(model)
            return None
        return pricer.cost(
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            cached_input_tokens=cached_input_tokens,
            cache_write_tokens=cache_write_tokens,
        )

    def _unknown(self, model: str) -> None:
        if self.unknown_model == "raise":
            raise ConfigurationError(
                "prices",
                f"no price is known for model {model!r}.",
                f"Pass PriceTable({{{model!r}: ModelPrice(input_per_mtok=..., output_per_mtok=...)}}) or "
                "unknown_model='warn' to record its calls as unpriced.",
            )
        with self._lock:
            if model in self._warned:
                return
            self._warned.add(model)
        warnings.warn(
            f"No price is known for model {model!r}: its calls are recorded as unpriced (cost_usd=None). "
            "Add a ModelPrice override to price it.",
            UnpricedModelWarning,
            stacklevel=3,
        )

    def _resolve(self, model: str, provider: str | None) -> ModelPrice | _GenaiPricer | None:
        key = (model, provider)
        try:
            return self._cache[key]
        except KeyError:
            pass
        resolved = self._lookup(model.lower(), provider)
        self._cache[key] = resolved
        return resolved

    def _lookup(self, name: str, provider: str | None) -> ModelPrice | _GenaiPricer | None:
        override = self._override(name)
        if override is not None:
            return override
        if not self.use_genai_prices:
            return None
        return _genai_lookup(name, provider)

    def _override(self, name: str) -> ModelPrice | None:
        """The user's price for ``name`` (lowercase), or for the model it is a dated snapshot of."""
        if name in self._overrides:
            return self._overrides[name]
        prefixes = [
            k for k in self._overrides if name.startswith(k + "-") and _SNAPSHOT_SUFFIX.match(name[len(k) + 1 :])
        ]
        return self._overrides[max(prefixes, key=len)] if prefixes else None

    def overrides_price_of(self, model: str) -> bool:
        """Whether ``model`` is priced by an override given to this table (not by the bundled snapshot)."""
        return self._override(model.lower()) is not None

    def to_config(self) -> PriceTableConfig:
        """The serialisable form."""
        return PriceTableConfig(
            overrides={k: v.to_dict() for k, v in self._overrides.items()},
            unknown_model=self.unknown_model,
            use_genai_prices=self.use_genai_prices,
        )

    @classmethod
    def from_config(cls, config: PriceTableConfig) -> PriceTable:
        """Inverse of :meth:`to_config`."""
        return cls(
            {k: ModelPrice.from_dict(v) for k, v in config.overrides.items()},
            unknown_model=config.unknown_model,
            use_genai_prices=config.use_genai_prices,
        )

    def __repr__(self) -> str:
        return (
            f"PriceTable(overrides={sorted(self._overrides)}, unknown_model={self.unknown_model!r}, "
            f"use_genai_prices={self.use_genai_prices})"
        )


_PRICE_FIELDS = ("input_per_mtok", "output_per_mtok", "cached_input_per_mtok", "cache_write_per_mtok")


def _as_model_price(value: Any, field: str) -> ModelPrice:
    """A :class:`ModelPrice` from a price or a plain mapping of its fields."""
    if isinstance(value, ModelPrice):
        return value
    if isinstance(value, Mapping):
        unknown = sorted(str(key) for key in value if key not in _PRICE_FIELDS)
        if unknown:
            raise ConfigurationError(
                f"{field}[{unknown[0]!r}]",
                "is not a price field.",
                f"Use {', '.join(_PRICE_FIELDS)} (US dollars per million tokens).",
            )
        missing = [key for key in _PRICE_FIELDS[:2] if value.get(key) is None]
        if missing:
            raise ConfigurationError(
                field,
                f"is missing {missing[0]!r}.",
                "Give both input_per_mtok and output_per_mtok (US dollars per million tokens).",
            )
        try:
            return ModelPrice(**{str(key): item for key, item in value.items()})
        except ConfigurationError as error:
            raise ConfigurationError(f"{field}.{error.field}", error.problem, error.fix) from None
    raise ConfigurationError(
        field,
        f"must be a ModelPrice or a mapping of its fields, got {value!r}.",
        "Use {'input_per_mtok': ..., 'output_per_mtok': ...} (US dollars per million tokens); for a v0.2 "
        "[prompt_per_1k, completion_per_1k] pair use ModelPrice.from_v02_price(pair).",
    )


def as_price_table(value: Any, field: str = "prices") -> PriceTable:
    """A :class:`PriceTable` from a table or a plain mapping of model name to price (see ``PriceTable``).

    Raises:
        ConfigurationError: ``value`` is neither, or one of its prices is invalid (naming ``field[model]``).
    """
    if isinstance(value, PriceTable):
        return value
    if isinstance(value, Mapping):
        try:
            return PriceTable(value)
        except ConfigurationError as error:
            raise ConfigurationError(error.field.replace("overrides", field, 1), error.problem, error.fix) from None
    raise ConfigurationError(
        field,
        f"must be a PriceTable or a mapping of model name to price, got {type(value).__name__}.",
        "Pass e.g. {'my-llama': {'input_per_mtok': 0.2, 'output_per_mtok': 0.6}} or PriceTable({...}).",
    )


def _genai_lookup(name: str, provider: str | None) -> ModelPrice | _GenaiPricer | None:
    snapshot = _bundled_snapshot()
    found: Any = None
    for provider_id in (provider, None) if provider else (None,):
        try:
            found = snapshot.find_provider_model(name, None, provider_id, None)
            break
        except LookupError:
            continue
    if found is None:
        return None
    _, model_info = found
    model_price = model_info.get_prices(datetime.now(timezone.utc))
    values = {key: getattr(model_price, key, None) for key in _PRICE_KEYS}
    if values["input_mtok"] is None and values["output_mtok"] is None:
        return None
    if all(v is None or isinstance(v, Decimal) for v in values.values()):
        return ModelPrice(
            input_per_mtok=values["input_mtok"] or Decimal(0),
            output_per_mtok=values["output_mtok"] or Decimal(0),
            cached_input_per_mtok=values["cache_read_mtok"],
            cache_write_per_mtok=values["cache_write_mtok"],
        )
    return _GenaiPricer(model_price)
