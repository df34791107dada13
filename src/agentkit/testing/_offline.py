"""Offline guards: make tiktoken fail fast instead of downloading encodings."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ("TiktokenDownloadBlockedError", "tiktoken_cache_file", "tiktoken_offline")

_ENCODING_URLS = {
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
    "p50k_base": "https://openaipublic.blob.core.windows.net/encodings/p50k_base.tiktoken",
    "r50k_base": "https://openaipublic.blob.core.windows.net/encodings/r50k_base.tiktoken",
}


class TiktokenDownloadBlockedError(ConnectionError):
    """tiktoken tried to download an encoding while :func:`tiktoken_offline` was active."""


def tiktoken_cache_file(encoding: str, cache_dir: str | os.PathLike[str] | None = None) -> str:
    """Where tiktoken looks for ``encoding`` (e.g. ``"o200k_base"``) in its cache directory.

    tiktoken names cache files by the SHA-1 of the download URL. Copy the ``.tiktoken`` file there (from a
    machine with network access) to make ``count_tokens`` of the real clients work offline.

    Args:
        encoding: ``o200k_base``, ``cl100k_base``, ``p50k_base`` or ``r50k_base``.
        cache_dir: The cache directory; default ``$TIKTOKEN_CACHE_DIR``, then ``$DATA_GYM_CACHE_DIR``, then
            ``<tmp>/data-gym-cache`` (tiktoken's own order).
    """
    from ..exceptions import ConfigurationError

    if encoding not in _ENCODING_URLS:
        raise ConfigurationError(
            "encoding", f"unknown tiktoken encoding {encoding!r}.", f"Use one of {sorted(_ENCODING_URLS)}."
        )
    if cache_dir is None:
        import tempfile

        cache_dir = os.environ.get("TIKTOKEN_CACHE_DIR") or os.environ.get(
            "DATA_GYM_CACHE_DIR", os.path.join(tempfile.gettempdir(), "data-gym-cache")
        )
    return os.path.join(os.fspath(cache_dir), hashlib.sha1(_ENCODING_URLS[encoding].encode()).hexdigest())


@contextmanager
def tiktoken_offline() -> Iterator[None]:
    """Make tiktoken raise :class:`TiktokenDownloadBlockedError` at once instead of downloading encodings.

    Cached encodings still load. Use it around tests (or any code) that must not touch the network, so a
    stray ``count_tokens`` on a real OpenAI/Anthropic client fails loudly and fast instead of hanging on DNS::

        with tiktoken_offline():
            run_my_offline_suite()

    Does nothing if tiktoken is not installed.
    """
    try:
        import tiktoken.load as tiktoken_load
    except ImportError:  # pragma: no cover - tiktoken ships with autogen-ext[openai]
        yield
        return
    original: Any = tiktoken_load.read_file

    def blocked(blobpath: str) -> bytes:
        if "://" in blobpath and not blobpath.startswith("file://"):
            raise TiktokenDownloadBlockedError(
                f"tiktoken tried to download {blobpath} while offline. A real client's count_tokens() needs it; "
                "pre-seed $TIKTOKEN_CACHE_DIR (see agentkit.testing.tiktoken_cache_file) or avoid count_tokens."
            )
        data: bytes = original(blobpath)
        return data

    tiktoken_load.read_file = blocked
    try:
        yield
    finally:
        tiktoken_load.read_file = original
