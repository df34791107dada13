"""Score ``agentkit migrate code`` on the migration corpus: converts? runs on v0.4? behaves like v0.2?

For every program in ``tests/migrate/corpus/`` (pyautogen v0.2 programs with recorded pyautogen 0.2.35
behaviour): migrate a copy with ``migrate_paths`` (twice: the second run must change nothing), run the result on
AutoGen v0.4 against a FakeProvider scripted like the v0.2 recording, and compare the speaker order and stop
reason. Prints the Markdown table with totals (``--markdown FILE`` also writes it) and exits 1 when the
acceptance bars are missed (>= 90 % free of v0.2 imports, >= 80 % running with v0.2's speakers and stop).

    python benchmarks/score_migration.py [--markdown docs/_corpus_table.md] [--details]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.migrate.corpus import _pipeline as pipeline
from tests.migrate.corpus._harness import load_json, programs

CONVERT_BAR = 0.90
MATCH_BAR = 0.80


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument("--details", action="store_true", help="print why each failing program fails")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="corpus-") as scratch:
        root = Path(scratch)
        started = time.perf_counter()
        migrated = pipeline.migrate(root)
        migrate_s = time.perf_counter() - started
        runnable = [
            p.name for p in programs() if "convert_only" not in load_json(p / "expected.json") and p.name in migrated
        ]
        started = time.perf_counter()
        results = pipeline.run(root, migrated, runnable)
        run_s = time.perf_counter() - started
    rows = pipeline.score(migrated, results)
    text = pipeline.table(rows)
    print(text)
    print(f"\nmigrate x2: {migrate_s:.1f} s, run on v0.4: {run_s:.1f} s ({len(runnable)} programs, one interpreter)")
    if args.details:
        for row in rows:
            if row.detail:
                print(f"- {row.name}: {row.detail}")
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    n = len(rows)
    converted = sum(r.converted for r in rows) / n
    matched = sum(bool(r.matched) for r in rows) / n
    return 0 if converted >= CONVERT_BAR and matched >= MATCH_BAR else 1


if __name__ == "__main__":
    raise SystemExit(main())
