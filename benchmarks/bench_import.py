"""Import cost of agentkit's building blocks over ``autogen_agentchat`` (issue #13 item 12; goal: ≤ 50 ms for all four).

Each measurement is a fresh interpreter; the baseline (``import autogen_agentchat``) is measured in the same run,
interleaved with the candidates, and medians are reported. A second table imports the names users actually use
(``from agentkit.models import FailoverChatCompletionClient`` ...) over the AutoGen imports they come with.

    python benchmarks/bench_import.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

TIMER = "import time; s = time.perf_counter(); {code}; print(time.perf_counter() - s)"

CASES: dict[str, tuple[str, str]] = {
    "agentkit": ("import autogen_agentchat", "import autogen_agentchat, agentkit"),
    "agentkit.models": ("import autogen_agentchat", "import autogen_agentchat, agentkit.models"),
    "agentkit.tools": ("import autogen_agentchat", "import autogen_agentchat, agentkit.tools"),
    "agentkit.conditions": ("import autogen_agentchat", "import autogen_agentchat, agentkit.conditions"),
    "agentkit.migrate": ("import autogen_agentchat", "import autogen_agentchat, agentkit.migrate"),
    "all four packages": (
        "import autogen_agentchat",
        "import autogen_agentchat, agentkit.models, agentkit.tools, agentkit.conditions, agentkit.migrate",
    ),
    "names in use (vs AutoGen's)": (
        "import autogen_agentchat.agents, autogen_agentchat.teams, autogen_agentchat.conditions",
        "import autogen_agentchat.agents, autogen_agentchat.teams, autogen_agentchat.conditions; "
        "from agentkit.models import FailoverChatCompletionClient, MeteredChatCompletionClient; "
        "from agentkit.tools import PolicyWorkbench, ToolPolicy; "
        "from agentkit.conditions import BudgetTermination, DeadlineTermination; "
        "from agentkit.migrate import translate_config",
    ),
}


def _once(code: str) -> float:
    out = subprocess.run([sys.executable, "-c", TIMER.format(code=code)], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    print(f"{'import':32} {'baseline ms':>12} {'with agentkit ms':>17} {'added ms (median of pairs)':>27}")
    for label, (baseline, candidate) in CASES.items():
        base: list[float] = []
        cand: list[float] = []
        for _ in range(rounds):  # interleaved, so machine noise hits both sides alike
            base.append(_once(baseline))
            cand.append(_once(candidate))
        added = statistics.median(c - b for b, c in zip(base, cand, strict=True))
        print(
            f"{label:32} {statistics.median(base) * 1e3:12.1f} {statistics.median(cand) * 1e3:17.1f} "
            f"{added * 1e3:27.1f}"
        )


if __name__ == "__main__":
    main()
