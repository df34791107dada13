"""Record what pyautogen 0.2.35 does on each corpus program: the oracle for ``tests/migrate/test_corpus.py``.

Not run in CI (it needs pyautogen). Set up a scratch venv outside the repository once::

    python -m venv /tmp/v02venv && /tmp/v02venv/bin/pip install pyautogen==0.2.35 anthropic
    python tests/migrate/corpus/_record_v02.py --v02-python /tmp/v02venv/bin/python [NN_name ...]

For each program: start a FakeProvider (this venv) scripted with ``script.json``, copy the program into a
temporary directory with the ``OAI_CONFIG_LIST`` / environment the test also writes, run it under pyautogen
0.2.35 (``_v02_trace.py`` hooks the agents; scripted human input on stdin) and write ``expected.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from agentkit.testing import FakeProvider
from tests.migrate.corpus._harness import load_json, prepare, program_file, programs, script_provider

TRACER = Path(__file__).resolve().parent / "_v02_trace.py"


def record(directory: Path, provider: FakeProvider, python: str) -> dict[str, Any]:
    script = load_json(directory / "script.json")
    if script.get("run", "").startswith("convert-only"):
        return {"convert_only": script["run"]}
    script_provider(provider, script)
    with tempfile.TemporaryDirectory(prefix="v02-") as tmp:
        work = Path(tmp)
        program = program_file(directory)
        shutil.copy(program, work / program.name)
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        env.update(prepare(work, provider, script))
        inputs = script.get("human_input", [])
        done = subprocess.run(
            [python, str(TRACER), program.name, "trace.json"],
            cwd=work,
            env=env,
            input="".join(line + "\n" for line in inputs),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        trace_file = work / "trace.json"
        if not trace_file.exists():
            raise RuntimeError(f"{directory.name}: no trace\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        trace = json.loads(trace_file.read_text(encoding="utf-8"))
    chats = [
        {
            "initiator": chat["initiator"],
            "recipient": chat["recipient"],
            "speakers": [m["speaker"] for m in chat["messages"]],
            "kinds": [m["kind"] for m in chat["messages"]],
            "stop": chat["stop"],
        }
        for chat in trace["chats"]
    ]
    expected: dict[str, Any] = {
        "recorded_with": "pyautogen 0.2.35",
        "speakers": [s for chat in chats for s in chat["speakers"]],
        "stop": chats[-1]["stop"] if chats else "none",
        "chats": chats,
        "model_requests": len(provider.requests),
        "unused_replies": provider.pending("*"),
    }
    if trace["error"]:
        expected["error"] = trace["error"].splitlines()[0][:300]
    if expected["unused_replies"] or trace["error"]:
        sys.stderr.write(f"--- {directory.name}\n{done.stdout[-2500:]}\n{done.stderr[-2500:]}\n")
    return expected


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--v02-python", default="/tmp/v02venv/bin/python")
    parser.add_argument("names", nargs="*", help="program directories to record (default: all)")
    args = parser.parse_args()
    selected = [p for p in programs() if not args.names or p.name in args.names]
    with FakeProvider() as provider:
        for directory in selected:
            expected = record(directory, provider, args.v02_python)
            (directory / "expected.json").write_text(json.dumps(expected, indent=2) + "\n", encoding="utf-8")
            summary = expected.get("convert_only") or f"{' '.join(expected['speakers'])} | {expected['stop']}"
            print(f"{directory.name}: {summary}  unused={expected.get('unused_replies')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
