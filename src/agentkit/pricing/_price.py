"""``ModelPrice``: what one model costs, per million tokens, in US dollars."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..exceptions import ConfigurationError

__all__ = ("ModelPrice",)

_MILLION = Decimal(1_000_000)


def _dec(field: str, value: Decimal | float | int | str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        result = value if isinstance(value, Decimal) else Decimal(str(value))
    except Exception as exc:  # decimal.InvalidOperation and friends
        raise ConfigurationError(field, f"must be a number of US dollars, got {value!r}.", "Pass e.g. 2.5.") from exc
    if not result.is_finite() or result < 0:
        raise ConfigurationError(field, f"must be a finite amount >= 0, got {value!r}.", "Pass e.g. 2.5.")
    return result


@dataclass(frozen=True, slots=True, init=False)
class ModelPrice:
    """The price of one model in US dollars per million tokens.

    Attributes:
        input_per_mtok: Price of one million uncached input (prompt) tokens.
        output_per_mtok: Price of one million output (completion) tokens, reasoning tokens included.
        cached_input_per_mtok: Price of one million input tokens read from the provider's prompt cache;
            ``None`` means "same as ``input_per_mtok``".
        cache_write_per_mtok: Price of one million input tokens written to the prompt cache (Anthropic);
            ``None`` means "same as ``input_per_mtok``".

    Example::

        ModelPrice(input_per_mtok=2.5, output_per_mtok=10, cached_input_per_mtok=1.25)
        ModelPrice.from_v02_price([0.0025, 0.01])   # pyautogen v0.2: [prompt_per_1k, completion_per_1k]
    """

    input_per_mtok: Decimal
    output_per_mtok: Decimal
    cached_input_per_mtok: Decimal | None
    cache_write_per_mtok: Decimal | None

    def __init__(
        self,
        *,
        input_per_mtok: Decimal | float | int | str,
        output_per_mtok: Decimal | float | int | str,
        cached_input_per_mtok: Decimal | float | int | str | None = None,
        cache_write_per_mtok: Decimal | float | int | str | None = None,
    ) -> None:
        """Build a price; amounts are US dollars per million tokens (floats are converted via ``str``)."""
        object.__setattr__(self, "input_per_mtok", _dec("input_per_mtok", input_per_mtok))
        object.__setattr__(self, "output_per_mtok", _dec("output_per_mtok", output_per_mtok))
        object.__setattr__(self, "cached_input_per_mtok", _dec("cached_input_per_mtok", cached_input_per_mtok))
        object.__setattr__(self, "cache_write_per_mtok", _dec("cache_write_per_mtok", cache_write_per_mtok))

    @classmethod
    def per_1k(
        cls,
        *,
        input_per_1k: Decimal | float | int | str,
        output_per_1k: Decimal | float | int | str,
        cached_input_per_1k: Decimal | float | int | str | None = None,
    ) -> ModelPrice:
        """Build a price from US dollars per thousand tokens."""
        k = Decimal(1000)
        cached = _dec("cached_input_per_1k", cached_input_per_1k)
        return cls(
            input_per_mtok=_dec("input_per_1k", input_per_1k) * k,  # type: ignore[operator]
            output_per_mtok=_dec("output_per_1k", output_per_1k) * k,  # type: ignore[operator]
            cached_input_per_mtok=None if cached is None else cached * k,
        )

    @classmethod
    def from_v02_price(cls, price: Sequence[Decimal | float | int | str]) -> ModelPrice:
        """Build a price from pyautogen v0.2's ``price: [prompt_per_1k, completion_per_1k]`` config entry.

        Raises:
            ConfigurationError: ``price`` is not a pair of non-negative numbers.
        """
        if isinstance(price, (str, bytes)) or len(price) != 2:
            raise ConfigurationError(
                "price",
                f"must be [prompt_price_per_1k, completion_price_per_1k], got {price!r}.",
                "Pass two numbers, e.g. [0.0025, 0.01].",
            )
        return cls.per_1k(input_per_1k=price[0], output_per_1k=price[1])

    def cost(
        self,
        *,
        prompt_tokens: int,
        completion_tokens: int,
        cached_input_tokens: int = 0,
        cache_write_tokens: int = 0,
    ) -> Decimal:
        """Cost in US dollars. ``prompt_tokens`` includes the cached and cache-write input tokens."""
        cached_price = self.input_per_mtok if self.cached_input_per_mtok is None else self.cached_input_per_mtok
        write_price = self.input_per_mtok if self.cache_write_per_mtok is None else self.cache_write_per_mtok
        uncached = max(prompt_tokens - cached_input_tokens - cache_write_tokens, 0)
        total = (
            uncached * self.input_per_mtok
            + cached_input_tokens * cached_price
            + cache_write_tokens * write_price
            + completion_tokens * self.output_per_mtok
        )
        return total / _MILLION

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict (amounts as strings, ``None`` fields omitted)."""
        data = {
            "input_per_mtok": str(self.input_per_mtok),
            "output_per_mtok": str(self.output_per_mtok),
            "cached_input_per_mtok": None if self.cached_input_per_mtok is None else str(self.cached_input_per_mtok),
            "cache_write_per_mtok": None if self.cache_write_per_mtok is None else str(self.cache_write_per_mtok),
        }
        return {k: v for k, v in data.items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelPrice:
        """Inverse of :meth:`to_dict`."""
        return cls(**data)
