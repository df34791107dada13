"""Aggregate round results into the run's table, and write Markdown, JSON and the PNG chart."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from .measure import ANSWERED, ERROR, FALLBACK, HUNG, PRIMARY, RECOVERED, TRUNCATED, RoundResult
from .scenarios import Knobs, Scenario

__all__ = ("PACKAGES", "Summary", "machine", "summarise", "write_chart", "write_json", "write_markdown")

PACKAGES = (
    "autogen-agentkit",
    "autogen-core",
    "autogen-ext",
    "openai",
    "httpx",
    "httpx2",
    "litellm",
    "pydantic-ai-slim",
    "matplotlib",
)
BASELINE = "bare"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git_commit(root: Path) -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() or "unknown"


def machine(root: Path) -> dict[str, Any]:
    """Describe the machine and software the run used."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "date_utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "load_avg_1m_at_start": round(load[0], 2),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "git_commit": _git_commit(root),
        "packages": {name: _version(name) for name in PACKAGES},
    }


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _median_or_none(values: Sequence[int | None]) -> float | None:
    known = [float(v) for v in values if v is not None]
    return _median(known) if known else None


def _fmt_attempts(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"


@dataclass
class Summary:
    """One (scenario, contender) cell of the table, over all rounds."""

    scenario: str
    contender: str
    rounds: int
    calls: int
    outcomes: dict[str, int]
    errors: dict[str, int]
    attempts_primary: float | None
    attempts_fallback: float | None
    wall_s: float
    wall_min_s: float
    wall_max_s: float
    per_call_s: float
    per_call_min_s: float
    per_call_max_s: float
    ratio: float | None = None
    ratio_min: float | None = None
    ratio_max: float | None = None

    @property
    def answered(self) -> int:
        """Calls that got a full answer (from either model)."""
        return sum(self.outcomes.get(o, 0) for o in ANSWERED)


def _summarise_cell(rounds: list[RoundResult], happy: bool) -> Summary:
    outcomes: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    per_round_call: list[float] = []
    for r in rounds:
        for c in r.calls:
            outcomes[c.outcome] += 1
            if c.error:
                errors[c.error] += 1
        # Happy path: the median call of the round. Faults: the mean (one slow call out of three matters).
        seconds = [c.seconds for c in r.calls]
        per_round_call.append(_median(seconds) if happy else sum(seconds) / max(1, len(seconds)))
    walls = [r.wall_s for r in rounds]
    return Summary(
        scenario=rounds[0].scenario,
        contender=rounds[0].contender,
        rounds=len(rounds),
        calls=sum(len(r.calls) for r in rounds),
        outcomes=dict(outcomes),
        errors=dict(errors),
        attempts_primary=_median_or_none([r.attempts_primary for r in rounds]),
        attempts_fallback=_median_or_none([r.attempts_fallback for r in rounds]),
        wall_s=_median(walls),
        wall_min_s=min(walls),
        wall_max_s=max(walls),
        per_call_s=_median(per_round_call),
        per_call_min_s=min(per_round_call),
        per_call_max_s=max(per_round_call),
    )


def summarise(results: list[RoundResult], scenarios: Sequence[Scenario], contenders: Sequence[str]) -> list[Summary]:
    """One summary per (scenario, contender), with ratios against the bare client.

    Happy-path ratios are paired per round (each round's median ms/call over the bare client's median in the
    same round) and then the median of those ratios is reported, so slow periods on the shared machine hit
    both sides of a ratio. Fault-scenario ratios compare median wall times.
    """
    summaries: list[Summary] = []
    for scenario in scenarios:
        by_contender: dict[str, list[RoundResult]] = {}
        for r in results:
            if r.scenario == scenario.key:
                by_contender.setdefault(r.contender, []).append(r)
        base_rounds = {r.round: r for r in by_contender.get(BASELINE, [])}
        for name in contenders:
            rounds = by_contender.get(name)
            if not rounds:
                continue
            cell = _summarise_cell(rounds, scenario.happy)
            if scenario.happy and base_rounds:
                paired = [
                    _median([c.seconds for c in r.calls]) / _median([c.seconds for c in base_rounds[r.round].calls])
                    for r in rounds
                    if r.round in base_rounds
                ]
                if paired:
                    cell.ratio, cell.ratio_min, cell.ratio_max = _median(paired), min(paired), max(paired)
            elif base_rounds:
                base_wall = _median([r.wall_s for r in base_rounds.values()])
                cell.ratio = cell.wall_s / base_wall if base_wall > 0 else None
            summaries.append(cell)
    return summaries


def _fmt_ratio(s: Summary) -> str:
    if s.ratio is None:
        return "n/a"
    if s.ratio_min is not None and s.ratio_max is not None:
        return f"{s.ratio:.2f}x ({s.ratio_min:.2f}-{s.ratio_max:.2f})"
    return f"{s.ratio:.2f}x"


def _fmt_errors(s: Summary) -> str:
    return ", ".join(f"{name} x{n}" for name, n in sorted(s.errors.items())) or "-"


def _verdict(s: Summary) -> str:
    """A short cell for the overview matrix."""
    n = s.calls
    parts: list[str] = []
    answered = s.answered
    if answered:
        who = []
        if s.outcomes.get(PRIMARY):
            who.append(f"P{s.outcomes[PRIMARY]}")
        if s.outcomes.get(FALLBACK):
            who.append(f"F{s.outcomes[FALLBACK]}")
        if s.outcomes.get(RECOVERED):
            who.append(f"R{s.outcomes[RECOVERED]}")
        parts.append(f"answered {answered}/{n} ({' '.join(who)})")
    if s.outcomes.get(ERROR):
        parts.append(f"error {s.outcomes[ERROR]}/{n}")
    if s.outcomes.get(TRUNCATED):
        parts.append(f"**truncated {s.outcomes[TRUNCATED]}/{n}**")
    if s.outcomes.get(HUNG):
        parts.append(f"**hung {s.outcomes[HUNG]}/{n}**")
    return "; ".join(parts) + f"; {s.per_call_s:.2f} s/call"


def render_markdown(
    info: dict[str, Any],
    knobs: Knobs,
    scenarios: Sequence[Scenario],
    summaries: list[Summary],
    labels: dict[str, str],
    configs: dict[str, str],
    run_seconds: float,
    rounds: dict[str, int],
) -> str:
    """The run's report as Markdown (the same text goes to results/ and, trimmed, to docs/)."""
    contenders = list(dict.fromkeys(s.contender for s in summaries))
    fault_keys = {sc.key for sc in scenarios if not sc.happy}
    fault_contenders = [c for c in contenders if any(s.contender == c and s.scenario in fault_keys for s in summaries)]
    cells = {(s.scenario, s.contender): s for s in summaries}
    lines: list[str] = []
    lines.append(f"Run of {info['date_utc']} on {info['cpu']} ({info['cores']} cores, shared with other jobs), ")
    lines[-1] += f"Python {info['python']}, "
    lines[-1] += f"commit `{info['git_commit']}`; whole run {run_seconds:.0f} s."
    pk = info["packages"]
    lines.append("")
    lines.append("Packages: " + ", ".join(f"{k} {v}" for k, v in pk.items()) + ".")
    lines.append("")
    lines.append(
        f"Knobs given to every contender that has them: attempt timeout {knobs.attempt_timeout} s, first-token "
        f"timeout {knobs.first_token_timeout} s, stream idle timeout {knobs.stream_idle_timeout} s; harness "
        f"deadline {knobs.call_deadline} s per call. Rounds: {rounds['happy']} (happy path, interleaved), "
        f"{rounds['faults']} (fault scenarios, interleaved); contender order rotates every round, and on the "
        "happy path the contenders' calls alternate one by one."
    )
    lines.append("")
    lines.append("### Happy-path overhead")
    lines.append("")
    lines.append("| Mode | Contender | ms per call, median (min-max of round medians) | vs bare, paired per round |")
    lines.append("|---|---|---|---|")
    for scenario in scenarios:
        if not scenario.happy:
            continue
        for name in contenders:
            s = cells.get((scenario.key, name))
            if s is None:
                continue
            lines.append(
                f"| {scenario.title} | {labels[name]} | {s.per_call_s * 1000:.2f} "
                f"({s.per_call_min_s * 1000:.2f}-{s.per_call_max_s * 1000:.2f}) | {_fmt_ratio(s)} |"
            )
    lines.append("")
    lines.append("### Fault scenarios: overview")
    lines.append("")
    lines.append(
        "P/F = full answers from the primary / the fallback, summed over all rounds; s/call = mean time per "
        "call (median over rounds)."
    )
    lines.append("")
    lines.append("| Scenario | " + " | ".join(labels[c] for c in fault_contenders) + " |")
    lines.append("|---|" + "---|" * len(fault_contenders))
    for scenario in scenarios:
        if scenario.happy:
            continue
        row = [scenario.title]
        for name in fault_contenders:
            s = cells.get((scenario.key, name))
            row.append(_verdict(s) if s else "n/a")
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines.append("### Fault scenarios: detail")
    lines.append("")
    lines.append(
        "| Scenario | Contender | Rescued (answered) | Clean errors | Truncated success | Hung | "
        "Attempts primary / fallback (median per round) | Wall s, median (min-max) | vs bare |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|")
    for scenario in scenarios:
        if scenario.happy:
            continue
        for name in contenders:
            s = cells.get((scenario.key, name))
            if s is None:
                continue
            lines.append(
                f"| {scenario.title} | {labels[name]} | {s.answered}/{s.calls} | "
                f"{s.outcomes.get(ERROR, 0)} ({_fmt_errors(s)}) | {s.outcomes.get(TRUNCATED, 0)} | "
                f"{s.outcomes.get(HUNG, 0)} | "
                f"{_fmt_attempts(s.attempts_primary)} / {_fmt_attempts(s.attempts_fallback)} | "
                f"{s.wall_s:.2f} ({s.wall_min_s:.2f}-{s.wall_max_s:.2f}) | {_fmt_ratio(s)} |"
            )
    lines.append("")
    lines.append("### Scenarios")
    lines.append("")
    lines.append("| Scenario | Calls per round | What the primary does | What a good failover client should do |")
    lines.append("|---|---|---|---|")
    for scenario in scenarios:
        mode = "stream" if scenario.stream else "create"
        n_calls = rounds.get("happy_calls", scenario.calls) if scenario.happy else scenario.calls
        lines.append(f"| {scenario.title} | {n_calls} ({mode}) | {scenario.what} | {scenario.ideal} |")
    lines.append("")
    lines.append("### Contenders")
    lines.append("")
    lines.append("| Contender | Configuration |")
    lines.append("|---|---|")
    for name in contenders:
        lines.append(f"| {labels[name]} | {configs[name]} |")
    lines.append("")
    return "\n".join(lines)


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_markdown(path: Path, text: str) -> None:
    """Write the Markdown report atomically."""
    _atomic_write(path, text.encode("utf-8"))


def write_json(
    path: Path,
    info: dict[str, Any],
    knobs: Knobs,
    scenarios: Sequence[Scenario],
    summaries: list[Summary],
    results: list[RoundResult],
    configs: dict[str, str],
) -> None:
    """Write every round and every summary as JSON (compact: one line per top-level key), atomically."""
    doc = {
        "machine": info,
        "knobs": knobs.__dict__,
        "scenarios": [
            {
                "key": sc.key,
                "title": sc.title,
                "what": sc.what,
                "ideal": sc.ideal,
                "calls": sc.calls,
                "stream": sc.stream,
                "dead_primary": sc.dead_primary,
                "happy": sc.happy,
            }
            for sc in scenarios
        ],
        "contenders": configs,
        "summaries": [{**s.__dict__, "answered": s.answered} for s in summaries],
        "rounds": [r.as_json() for r in results],
    }
    body = ",\n".join(f"{json.dumps(key)}: {json.dumps(value, separators=(',', ':'))}" for key, value in doc.items())
    _atomic_write(path, ("{\n" + body + "\n}\n").encode("utf-8"))


def write_chart(
    path: Path, scenarios: Sequence[Scenario], summaries: list[Summary], labels: dict[str, str], title: str
) -> None:
    """Grouped horizontal bars: seconds per call for each scenario and contender (log scale).

    Happy path: the median call; fault scenarios: the mean call (so one slow call among three shows).

    A hatched bar means the calls did not all end with a full answer (the time is then time-to-error or
    time-to-truncated-success); the error bars span the round medians.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    contenders = list(dict.fromkeys(s.contender for s in summaries))
    cells = {(s.scenario, s.contender): s for s in summaries}
    palette = {
        "bare": "#8c8c8c",
        "bare-again": "#cfcfcf",
        "agentkit": "#d62728",
        "litellm": "#1f77b4",
        "pydantic-ai": "#2ca02c",
    }
    spare = ["#9467bd", "#8c564b", "#e377c2", "#17becf"]
    height = 0.8 / max(1, len(contenders))
    fig, ax = plt.subplots(figsize=(11, 0.62 * len(scenarios) + 1.8), dpi=110)
    for j, name in enumerate(contenders):
        ys: list[float] = []
        xs: list[float] = []
        lo: list[float] = []
        hi: list[float] = []
        hatches: list[str] = []
        for i, scenario in enumerate(scenarios):
            s = cells.get((scenario.key, name))
            if s is None:
                continue
            ys.append(len(scenarios) - 1 - i + (len(contenders) / 2 - j - 0.5) * height)
            xs.append(max(s.per_call_s, 1e-4))
            lo.append(max(s.per_call_s - s.per_call_min_s, 0.0))
            hi.append(max(s.per_call_max_s - s.per_call_s, 0.0))
            hatches.append("" if s.answered == s.calls else "///")
        bars = ax.barh(ys, xs, height=height, color=palette.get(name, spare[j % len(spare)]), label=labels[name])
        ax.errorbar(xs, ys, xerr=[lo, hi], fmt="none", ecolor="black", elinewidth=0.6, capsize=1.5)
        for bar, hatch in zip(bars, hatches, strict=True):
            bar.set_hatch(hatch)
            if hatch:
                bar.set_edgecolor("black")
    ax.set_yticks([len(scenarios) - 1 - i for i in range(len(scenarios))])
    ax.set_yticklabels([s.title for s in scenarios])
    ax.set_xscale("log")
    ax.set_xlabel(
        "seconds per call, log scale (happy path: median call; faults: mean call); median over rounds, bars span "
        "min-max;\nhatched = not every call got a full answer (time to error / to a truncated success)"
    )
    ax.set_title(title, pad=28)
    ax.grid(axis="x", which="both", alpha=0.25)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(contenders), fontsize=8, frameon=False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.png")
    fig.savefig(tmp, format="png")
    plt.close(fig)
    os.replace(tmp, path)
