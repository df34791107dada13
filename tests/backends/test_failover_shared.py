"""FailoverChatCompletionClient(circuit_store=...) across processes: an opened member is skipped by all."""

from __future__ import annotations

import asyncio

from agentkit.models import FailoverChatCompletionClient
from agentkit.models._breaker import CircuitState
from agentkit.testing import ScriptedChatCompletionClient

from ._procs import context
from ._workload import MESSAGES, failover_client, open_with_failover


def _open_in_another_process(url: str) -> str:
    ctx = context()
    out = ctx.Queue()
    proc = ctx.Process(target=open_with_failover, args=(url, out))
    proc.start()
    state = out.get(timeout=60)
    proc.join(timeout=30)
    assert proc.exitcode == 0
    return str(state)


async def test_a_member_opened_in_one_process_is_skipped_by_another_on_its_next_call(flushed: str) -> None:
    here = failover_client(flushed, primary_fails=False)  # this process's primary would answer
    assert isinstance(here, FailoverChatCompletionClient)
    first = await here.create(MESSAGES)
    assert first.content == "from the primary"
    assert await asyncio.to_thread(_open_in_another_process, flushed) == "open"
    result = await here.create(MESSAGES)  # the next call here
    assert result.content == "from the backup"
    assert here.circuit_state("primary") is CircuitState.OPEN
    primary = here.members[0]
    assert isinstance(primary, ScriptedChatCompletionClient)
    assert len(primary.calls) == 1  # only the call made before the other process opened it
    await here.close()


async def test_circuit_store_round_trips_through_the_config(flushed: str) -> None:
    client = failover_client(flushed + "?namespace=ci", primary_fails=False)
    dumped = client.dump_component()
    assert dumped.config["circuit_store"] == flushed + "?namespace=ci"
    loaded = FailoverChatCompletionClient.load_component(dumped)
    assert loaded._circuits.store.namespace == "ci"
