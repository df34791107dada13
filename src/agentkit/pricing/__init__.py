"""Offline model prices (from genai-prices' bundled data) with per-model overrides.

agentkit never fetches prices at run time: it reads the data shipped inside the installed ``genai-prices``
package and never starts its ``UpdatePrices`` thread. See :class:`PriceTable` for the lookup order and the
unknown-model policy.
"""

from __future__ import annotations

from ._price import ModelPrice
from ._table import PriceTable, PriceTableConfig, UnknownModelPolicy, UnpricedModelWarning

__all__ = ("ModelPrice", "PriceTable", "PriceTableConfig", "UnknownModelPolicy", "UnpricedModelWarning")

for _cls in (ModelPrice, PriceTable, PriceTableConfig, UnpricedModelWarning):
    _cls.__module__ = __name__
