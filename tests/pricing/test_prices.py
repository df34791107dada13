"""Prices: genai-prices' bundled data (offline), cached input, overrides, the unknown-model policy."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import genai_prices
import pytest
from genai_prices import Usage

from agentkit.exceptions import ConfigurationError
from agentkit.pricing import ModelPrice, PriceTable, PriceTableConfig, UnpricedModelWarning

CASES = [
    ("gpt-4o", "openai", 1200, 300, 1000),
    ("gpt-4o-mini", "openai", 50_000, 2_000, 20_000),
    ("o3-mini", "openai", 7_000, 9_000, 0),
    ("claude-3-5-haiku-20241022", "anthropic", 3_000, 700, 2_000),
    ("claude-sonnet-4-20250514", "anthropic", 10_000, 1_000, 8_000),
]


@pytest.mark.parametrize(("model", "provider", "prompt", "completion", "cached"), CASES)
def test_cost_matches_genai_prices_including_cached_tokens(
    model: str, provider: str, prompt: int, completion: int, cached: int
) -> None:
    expected = genai_prices.calc_price(
        Usage(input_tokens=prompt, output_tokens=completion, cache_read_tokens=cached), model, provider_id=provider
    ).total_price
    ours = PriceTable().cost(model, prompt_tokens=prompt, completion_tokens=completion, cached_input_tokens=cached)
    assert ours == expected
    if cached:  # cached input is cheaper than uncached input for every model above
        full = PriceTable().cost(model, prompt_tokens=prompt, completion_tokens=completion)
        assert ours is not None
        assert full is not None
        assert ours < full


def test_cache_writes_priced_like_genai_prices() -> None:
    expected = genai_prices.calc_price(
        Usage(input_tokens=5000, output_tokens=100, cache_write_tokens=4000), "claude-3-5-haiku-20241022"
    ).total_price
    assert (
        PriceTable().cost(
            "claude-3-5-haiku-20241022", prompt_tokens=5000, completion_tokens=100, cache_write_tokens=4000
        )
        == expected
    )


def test_no_fetch_happens(monkeypatch: pytest.MonkeyPatch) -> None:
    import genai_prices.update_prices as update_prices

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("genai-prices tried to fetch prices")

    monkeypatch.setattr(update_prices.UpdatePrices, "fetch", refuse)
    monkeypatch.setattr(update_prices.httpx2, "get", refuse)  # type: ignore[attr-defined]
    before = {t.name for t in threading.enumerate()}
    table = PriceTable()
    assert table.cost("gpt-4o-mini", prompt_tokens=1_000_000, completion_tokens=0) == Decimal("0.15")
    assert {t.name for t in threading.enumerate()} <= before


def test_override_takes_precedence_and_prices_dated_snapshots_only() -> None:
    table = PriceTable({"gpt-4o": ModelPrice(input_per_mtok=1, output_per_mtok=2, cached_input_per_mtok="0.5")})
    assert table.cost("gpt-4o", prompt_tokens=1_000_000, completion_tokens=1_000_000) == Decimal(3)
    assert table.cost(
        "GPT-4o-2024-08-06", prompt_tokens=2_000_000, completion_tokens=0, cached_input_tokens=1_000_000
    ) == Decimal("1.5")
    mini = table.cost("gpt-4o-mini", prompt_tokens=1_000_000, completion_tokens=0)
    assert mini == Decimal("0.15")  # genai-prices, not the gpt-4o override


def test_v02_price_is_per_1k() -> None:
    price = ModelPrice.from_v02_price([0.0025, 0.01])
    assert price.input_per_mtok == Decimal("2.5")
    assert price.output_per_mtok == Decimal("10")
    assert price.cost(prompt_tokens=1000, completion_tokens=1000) == Decimal("0.0125")
    assert ModelPrice.per_1k(input_per_1k=1, output_per_1k=2, cached_input_per_1k="0.5").cached_input_per_mtok == 500
    for bad in ([1], [1, 2, 3], "12", [-1, 1], ["x", 1]):
        with pytest.raises(ConfigurationError):
            ModelPrice.from_v02_price(bad)  # type: ignore[arg-type]


def test_unknown_model_warns_once_and_is_unpriced() -> None:
    table = PriceTable()
    with pytest.warns(UnpricedModelWarning, match="my-local-llama"):
        assert table.cost("my-local-llama", prompt_tokens=10, completion_tokens=10) is None
    assert table.cost("my-local-llama", prompt_tokens=10, completion_tokens=10) is None  # no second warning
    assert not table.is_priced("my-local-llama")
    assert table.price_for("my-local-llama") is None


def test_unknown_model_can_raise() -> None:
    with pytest.raises(ConfigurationError, match="no price is known for model 'my-local-llama'"):
        PriceTable(unknown_model="raise").cost("my-local-llama", prompt_tokens=1, completion_tokens=1)
    with pytest.raises(ConfigurationError):
        PriceTable(unknown_model="ignore")  # type: ignore[arg-type]


def test_genai_can_be_disabled_and_config_round_trips() -> None:
    table = PriceTable({"m": ModelPrice(input_per_mtok="0.1", output_per_mtok="0.2")}, use_genai_prices=False)
    assert not table.is_priced("gpt-4o")
    back = PriceTable.from_config(PriceTableConfig.model_validate_json(table.to_config().model_dump_json()))
    assert back.cost("m", prompt_tokens=10**6, completion_tokens=10**6) == Decimal("0.3")
    assert not back.use_genai_prices
    with pytest.raises(ConfigurationError):
        PriceTable({"m": (1, 2)})  # type: ignore[dict-item]
    with pytest.raises(ConfigurationError):
        ModelPrice(input_per_mtok=-1, output_per_mtok=1)
    assert table.with_overrides({"n": ModelPrice(input_per_mtok=1, output_per_mtok=1)}).is_priced("m")
