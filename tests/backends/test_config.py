"""Store URLs in configs, reprs and errors: credentials never shown, bad input refused at construction."""

from __future__ import annotations

import json

import pytest

from agentkit.backends import RedisStore, redact_store_url
from agentkit.conditions import BudgetTermination
from agentkit.exceptions import ConfigurationError, StoreUnavailableError
from agentkit.usage import UsageLedger

from ._workload import MESSAGES, make_client

SECRET = "s3cr3t-Pa55word"


def test_dumped_config_masks_the_password_and_refuses_to_load_it_back() -> None:
    budget = BudgetTermination(
        max_requests=3, ledger=UsageLedger(), store=f"redis://app:{SECRET}@cache.internal:6379/0", store_scope="t1"
    )
    dumped = budget.dump_component().model_dump_json()
    assert SECRET not in dumped
    assert SECRET not in repr(budget.store)
    assert SECRET not in repr(budget.store.store)
    assert "cache.internal:6379/0" in json.loads(dumped)["config"]["store"]
    with pytest.raises(ConfigurationError) as caught:
        BudgetTermination.load_component(json.loads(dumped))
    assert caught.value.field == "store"
    assert "password_env" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_redact_store_url_keeps_options_and_hides_credentials() -> None:
    url = f"redis://user:{SECRET}@h:6379/1?namespace=a&password_env=REDIS_PW&socket_keepalive=true"
    shown = redact_store_url(url)
    assert SECRET not in shown
    assert "user" not in shown
    assert "namespace=a" in shown
    assert "password_env=REDIS_PW" in shown


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"url_or_client": "http://h:6379"}, "store"),
        ({"url_or_client": 42}, "store"),
        ({"url_or_client": "redis://h", "namespace": "a b"}, "namespace"),
        ({"url_or_client": "redis://h", "on_unavailable": "maybe"}, "on_unavailable"),
        ({"url_or_client": "redis://h", "timeout": 0}, "timeout"),
        ({"url_or_client": "redis://h?reservation_ttl=soon"}, "reservation_ttl"),
        ({"url_or_client": "redis://h", "max_connections": 0}, "max_connections"),
    ],
)
def test_bad_options_fail_at_construction(kwargs: dict[str, object], field: str) -> None:
    url = kwargs.pop("url_or_client")
    with pytest.raises(ConfigurationError) as caught:
        RedisStore(url, **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_bad_scope_fails_at_construction() -> None:
    with pytest.raises(ConfigurationError) as caught:
        BudgetTermination(max_requests=1, ledger=UsageLedger(), store="redis://h", store_scope="a {b}")
    assert caught.value.field == "store_scope"


async def test_errors_never_show_the_password(redis_url: str) -> None:
    url = redis_url.replace("redis://", f"redis://app:{SECRET}@") + "?timeout=2"  # no such user: AUTH fails
    client = make_client(url, "auth", max_requests=5)
    with pytest.raises(StoreUnavailableError) as caught:
        await client.create(MESSAGES)
    assert SECRET not in str(caught.value)
    assert SECRET not in repr(caught.value)
    assert SECRET not in caught.value.store
