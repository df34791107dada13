"""A fork server that runs each documentation code block as if it were a fresh ``python`` process.

Used by ``tests/test_docs.py``; run as a script (``python tests/_doc_forkserver.py``). It imports the heavy
modules every block needs once (AutoGen, agentkit), then serves requests read as JSON lines on stdin: for each,
it ``fork()``s a child that changes into the requested working directory, points file descriptors 1 and 2 at
the requested files, executes the code in a brand-new ``__main__`` module (nothing from any other block),
runs what a real interpreter runs at exit (non-daemon threads joined, ``atexit`` handlers, a final garbage
collection so ``__del__`` noise shows up on stderr) and exits with the code ``python file.py`` would have. The
reply is one JSON line ``{"status": <exit code>}``; a child killed by a signal (the per-request timeout is an
``alarm``) reports ``-signal``.

Before serving, the server prints one JSON line ``{"ready": true, "preload_stderr": "..."}``: anything the
preload imports wrote to stderr (it would be hidden from the blocks, which therefore must not depend on it).
"""

from __future__ import annotations

import atexit
import builtins
import gc
import importlib
import io
import json
import os
import signal
import sys
import threading
import traceback
import types
from contextlib import redirect_stderr, suppress
from typing import Any

PRELOAD = (
    "asyncio",
    "autogen_core",
    "autogen_core.models",
    "autogen_core.tools",
    "autogen_agentchat.agents",
    "autogen_agentchat.conditions",
    "autogen_agentchat.messages",
    "autogen_agentchat.teams",
    "autogen_agentchat.ui",
    "agentkit",
    "agentkit.conditions",
    "agentkit.deadlines",
    "agentkit.events",
    "agentkit.exceptions",
    "agentkit.migrate",
    "agentkit.models",
    "agentkit.pricing",
    "agentkit.testing",
    "agentkit.tools",
    "agentkit.usage",
    # The SDK-backed clients most blocks use (optional: a plain install may not have them).
    "autogen_ext.models.openai",
    "autogen_ext.models.anthropic",
)


def _preload() -> str:
    captured = io.StringIO()
    with redirect_stderr(captured):
        for name in PRELOAD:
            with suppress(ImportError):
                importlib.import_module(name)
    return captured.getvalue()


def _exit_code(error: SystemExit) -> int:
    code = error.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _child(request: dict[str, Any]) -> int:
    """Run one request in the forked child; returns the exit code (never returns normally to the server)."""
    signal.alarm(int(request.get("timeout", 120)))
    os.chdir(request["cwd"])
    stdin = os.open(os.devnull, os.O_RDONLY)  # never the server's request pipe
    os.dup2(stdin, 0)
    os.close(stdin)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115 - fd 0 for the rest of the child's life
    for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(target, fd)
        os.close(target)
    sys.argv = [request["filename"]]
    sys.path[0] = request.get("path0") or request["cwd"]
    # A brand-new __main__ module, registered as such (pickle and AutoGen's component loader look classes up in
    # sys.modules["__main__"], which must be the block's module, not this server's).
    main = types.ModuleType("__main__")
    namespace: dict[str, Any] = main.__dict__
    namespace["__builtins__"] = builtins
    if request.get("file"):
        namespace["__file__"] = request["file"]
    sys.modules["__main__"] = main
    del main
    try:
        exec(compile(request["code"], request["filename"], "exec"), namespace)
        code = 0
    except SystemExit as stop:
        code = _exit_code(stop)
    except BaseException as error:
        tb = error.__traceback__.tb_next if error.__traceback__ else None  # a real interpreter has no _child frame
        sys.excepthook(type(error), error.with_traceback(tb), tb)
        code = 1
    try:
        for thread in threading.enumerate():  # the order of Py_FinalizeEx: threads, atexit, then teardown
            if thread is not threading.main_thread() and not thread.daemon:
                thread.join()
        atexit._run_exitfuncs()
        namespace.clear()
        del namespace
        gc.collect()
    except BaseException:  # pragma: no cover - reported like an interpreter's shutdown error
        traceback.print_exc()
        code = code or 1
    return code


def serve() -> None:
    """Preload, announce readiness, then run requests until stdin closes."""
    preload_stderr = _preload()
    print(json.dumps({"ready": True, "preload_stderr": preload_stderr}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child
            code = 1
            try:
                code = _child(request)
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(code & 0xFF if code >= 0 else 1)
        _, status = os.waitpid(pid, 0)
        result = os.waitstatus_to_exitcode(status)
        print(json.dumps({"status": result}), flush=True)


if __name__ == "__main__":
    serve()
