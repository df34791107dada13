"""pytest plugin: the ``fake_provider`` fixture (registered as the ``pytest11`` entry point ``agentkit``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._fake_provider import FakeProvider

__all__ = ("fake_provider",)


@pytest.fixture
def fake_provider() -> Iterator[FakeProvider]:
    """A running :class:`~agentkit.testing.FakeProvider`, stopped after the test.

    It serves from its own thread, so it works in sync and async tests alike::

        async def test_retry(fake_provider):
            fake_provider.script("gpt-4o", Fault.status(503), Reply.text("ok"))
            client = fake_provider.openai_client("gpt-4o")
    """
    with FakeProvider() as provider:
        yield provider
