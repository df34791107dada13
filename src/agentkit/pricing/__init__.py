"""Offline model prices (from genai-prices' bundled data) with per-model overrides.

agentkit never fetches prices at run time: it reads the data shipped inside the installed ``genai-prices``
package and never starts its ``UpdatePrices`` thread. See :class:`PriceTable` for the lookup order and the
unknown-model policy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from ._price import ModelPrice
    from ._table import PriceTable, PriceTableConfig, UnknownModelPolicy, UnpricedModelWarning

__all__ = (
    "ModelPrice",
    "PriceTable",
    "PriceTableConfig",
    "UnknownModelPolicy",
    "UnpricedModelWarning",
)

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "ModelPrice": "._price",
        "PriceTable": "._table",
        "PriceTableConfig": "._table",
        "UnknownModelPolicy": "._table",
        "UnpricedModelWarning": "._table",
    },
)
