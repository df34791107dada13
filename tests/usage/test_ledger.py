"""UsageLedger: totals, runs, marks, snapshots, reset semantics and concurrency."""

from __future__ import annotations

import asyncio
import json
import threading
from decimal import Decimal

from agentkit.usage import UNATTRIBUTED, CallRecord, UsageLedger, UsageSnapshot, UsageTotals


def _rec(**kw: object) -> CallRecord:
    base: dict[str, object] = {"model": "gpt-4o", "prompt_tokens": 10, "completion_tokens": 5}
    base.update(kw)
    return CallRecord(**base)  # type: ignore[arg-type]


def test_totals_count_billed_calls_only() -> None:
    ledger = UsageLedger()
    ledger.record(_rec(agent="a", cost_usd=Decimal("0.01"), tool_calls=2, latency_s=1.0, cached_input_tokens=4))
    ledger.record(_rec(agent="a", cached=True, cost_usd=Decimal(0), tool_calls=1))
    ledger.record(_rec(agent="b", outcome="error", error="APIError"))
    ledger.record(_rec(agent="b", outcome="refused"))
    ledger.record(_rec(agent=None, model="mystery", cost_usd=None, estimated=True, reasoning_tokens=3))
    t = ledger.totals()
    assert (t.requests, t.cache_hits, t.errors, t.refused) == (2, 1, 1, 1)
    assert (t.prompt_tokens, t.completion_tokens, t.total_tokens) == (20, 10, 30)
    assert t.cost_usd == Decimal("0.01")
    assert t.unpriced_requests == 1
    assert t.estimated_requests == 1
    assert t.tool_calls == 3
    assert t.cached_input_tokens == 4
    assert t.reasoning_tokens == 3
    assert t.mean_latency_s == 0.5
    assert ledger.totals(agent="a").requests == 1
    assert ledger.totals(agent=UNATTRIBUTED).unpriced_requests == 1
    assert ledger.totals(model="mystery").requests == 1
    assert set(ledger.by_model()) == {"gpt-4o", "mystery"}
    assert ledger.totals(agent="a", model="gpt-4o").tool_calls == 3
    assert UsageTotals().mean_latency_s is None


def test_runs_stamp_records_and_give_per_run_totals() -> None:
    ledger = UsageLedger()
    ledger.record(_rec())
    first = ledger.start_run()
    ledger.record(_rec())
    second = ledger.start_run("nightly")
    ledger.record(_rec())
    ledger.record(_rec(run="explicit"))
    ledger.end_run()
    ledger.record(_rec())
    assert (first, second) == ("run-1", "nightly")
    assert [r.run for r in ledger.records] == [None, "run-1", "nightly", "explicit", None]
    assert {k: v.requests for k, v in ledger.by_run().items()} == {"run-1": 1, "nightly": 1, "explicit": 1}
    assert ledger.totals(run="nightly").requests == 1
    assert ledger.current_run is None


def test_mark_and_totals_since() -> None:
    ledger = UsageLedger()
    ledger.record(_rec(agent="a", cost_usd=Decimal("1")))
    mark = ledger.mark()
    ledger.record(_rec(agent="a", cost_usd=Decimal("2")))
    ledger.record(_rec(agent="b", cost_usd=Decimal("4")))
    assert ledger.totals_since(mark).cost_usd == Decimal("6")
    assert ledger.totals_since(mark, agent="a").cost_usd == Decimal("2")
    assert ledger.totals_since(None).cost_usd == Decimal("7")
    ledger.reset()
    ledger.record(_rec(agent="a", cost_usd=Decimal("8")))
    assert ledger.totals_since(mark).cost_usd == Decimal("8")  # a mark from before reset counts from zero


def test_snapshot_json_round_trip_and_restore() -> None:
    ledger = UsageLedger()
    ledger.start_run()
    ledger.record(_rec(agent="a", cost_usd=Decimal("0.000123456789"), latency_s=0.25, ttft_s=0.1, stream=True))
    ledger.record(_rec(agent="b", cost_usd=None, cached_input_tokens=3, cache_write_tokens=2))
    snap = ledger.snapshot()
    text = snap.to_json()
    assert json.loads(text)["totals"]["cost_usd"] == "0.000123456789"
    back = UsageSnapshot.from_json(text)
    assert back == snap
    restored = UsageLedger.from_snapshot(back)
    assert restored.totals() == ledger.totals()
    assert restored.by_agent() == ledger.by_agent()
    assert restored.records == ledger.records
    state = ledger.save_state()
    other = UsageLedger()
    other.load_state(json.loads(json.dumps(state)))
    assert other.current_run == "run-1"
    assert other.by_run() == ledger.by_run()
    assert ledger.snapshot(records=False).records == ()


def test_table_lists_agents_and_total() -> None:
    ledger = UsageLedger()
    ledger.record(_rec(agent="writer", cost_usd=Decimal("0.5")))
    ledger.record(_rec(agent="critic", cost_usd=None))
    table = ledger.snapshot().table()
    lines = table.splitlines()
    assert lines[0].split()[:2] == ["agent", "requests"]
    assert any(line.startswith("writer") and "0.500000" in line for line in lines)
    assert any(line.startswith("critic") and "(+1 unpriced)" in line for line in lines)
    assert lines[-1].startswith("total")
    assert "gpt-4o" in ledger.snapshot().table(by="model")


def test_reset_erases_everything_but_keeps_listeners() -> None:
    ledger = UsageLedger()
    seen: list[CallRecord] = []
    ledger.subscribe(seen.append)
    ledger.start_run()
    ledger.record(_rec())
    ledger.reset()
    assert ledger.records == ()
    assert ledger.totals() == UsageTotals()
    assert ledger.by_agent() == {}
    assert ledger.current_run is None
    ledger.record(_rec())
    assert len(seen) == 2
    assert len(ledger) == 1


def test_unsubscribe() -> None:
    ledger = UsageLedger()
    seen: list[CallRecord] = []
    unsubscribe = ledger.subscribe(seen.append)
    ledger.record(_rec())
    unsubscribe()
    unsubscribe()
    ledger.record(_rec())
    assert len(seen) == 1


def test_exact_totals_under_many_threads() -> None:
    ledger = UsageLedger()
    per_thread, threads = 500, 8

    def work(index: int) -> None:
        for i in range(per_thread):
            ledger.record(_rec(agent=f"a{index % 3}", prompt_tokens=i, completion_tokens=1, cost_usd=Decimal("0.001")))

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    totals = ledger.totals()
    assert totals.requests == per_thread * threads
    assert totals.prompt_tokens == threads * sum(range(per_thread))
    assert totals.cost_usd == Decimal("0.001") * per_thread * threads
    assert sum(v.requests for v in ledger.by_agent().values()) == per_thread * threads
    assert len(ledger.records) == per_thread * threads


async def test_exact_totals_under_many_tasks() -> None:
    ledger = UsageLedger()

    async def work(i: int) -> None:
        await asyncio.sleep(0)
        ledger.record(_rec(agent="x", completion_tokens=i, cost_usd=Decimal("0.01")))

    await asyncio.gather(*(work(i) for i in range(1000)))
    assert ledger.totals().completion_tokens == sum(range(1000))
    assert ledger.totals(agent="x").cost_usd == Decimal("10.00")
