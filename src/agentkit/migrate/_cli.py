"""``agentkit migrate``: ``config`` (this module) and ``code`` (registered by ``agentkit.migrate.codemods._cli``).

Nothing heavy is imported until a subcommand runs, so ``agentkit --help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ("register",)

_CONFIG_EPILOG = """\
exit codes: 0 translated; 1 changes pending / manual work (--check found items needing manual work, or nothing
could be translated); 2 bad input or environment (one line on stderr naming the location or path and the fix).

Output: the component JSON goes to -o OUT.json, or to stdout. The report goes to stderr, except --report json,
which prints the report alone on stdout (then write the component with -o, or use --check).

The JSON never contains an API key: keys are read from environment variables when the client is loaded
(agentkit.migrate.load_client(PATH)); the report lists every variable.
"""


def register(subparsers: Any) -> None:
    """Add the ``migrate`` subcommand with its ``config`` sub-subcommand (and ``code`` when available)."""
    migrate: argparse.ArgumentParser = subparsers.add_parser(
        "migrate",
        help="migrate pyautogen v0.2 model configs and code to AutoGen v0.4",
        description="Migrate pyautogen v0.2 projects to AutoGen v0.4.",
    )
    migrate.set_defaults(handler=lambda args: _print_help(migrate))
    migrate_subparsers = migrate.add_subparsers(dest="migrate_command", metavar="WHAT")
    config = migrate_subparsers.add_parser(
        "config",
        help="translate an OAI_CONFIG_LIST / llm_config JSON into a v0.4 model client component",
        description=(
            "Translate a pyautogen v0.2 OAI_CONFIG_LIST (or llm_config JSON) into an AutoGen v0.4 "
            "ComponentModel JSON for ChatCompletionClient.load_component, with a report of every key."
        ),
        epilog=_CONFIG_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    config.add_argument(
        "source",
        metavar="PATH|ENVVAR",
        help="a JSON file, or an environment variable holding the JSON or a path (config_list_from_json rules)",
    )
    config.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="KEY=VALUE[,VALUE...]",
        help="keep entries whose KEY is one of the values (repeatable; list keys such as tags match any element)",
    )
    config.add_argument("--exclude", action="store_true", help="keep the entries that do NOT match --filter")
    config.add_argument("--file-location", metavar="DIR", help="directory to look the file up in (v0.2 file_location)")
    config.add_argument("-o", "--output", metavar="OUT.json", help="write the component JSON here (default: stdout)")
    config.add_argument("--prices", metavar="PRICES.json", help="write v0.2 price entries as a PriceTable config here")
    config.add_argument(
        "--no-default-cache",
        action="store_true",
        help="do not keep v0.2's implicit disk cache (cache_seed 41) for entries without cache_seed",
    )
    config.add_argument(
        "--report",
        choices=("text", "json"),
        default="text",
        help="report format: text on stderr (default), or json alone on stdout",
    )
    config.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if anything needs manual work, 0 otherwise",
    )
    config.set_defaults(handler=_handle_config)
    # --- Migration II hook: `agentkit migrate code` registers itself here. -------------------------------------
    try:
        from .codemods._cli import register_code
    except ModuleNotFoundError as error:
        if error.name not in (f"{__package__}.codemods._cli", f"{__package__}.codemods"):
            raise
    else:
        register_code(migrate_subparsers)


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


def _parse_filters(raw: list[str]) -> dict[str, list[str]]:
    from ..exceptions import ConfigTranslationError

    filters: dict[str, list[str]] = {}
    for item in raw:
        key, sep, values = item.partition("=")
        if not sep or not key.strip():
            raise ConfigTranslationError(
                "--filter", "must be KEY=VALUE.", "Use e.g. --filter tags=gpt4 or --filter model=gpt-4o."
            )
        filters.setdefault(key.strip(), []).extend(values.split(","))
    return filters


def _error(message: object) -> int:
    """Print one line on stderr (bad input or environment) and return exit code 2."""
    print("error: " + " ".join(str(message).split()), file=sys.stderr)
    return 2


def _wrapped(text: str) -> str:
    """The text report wrapped to the terminal width at word boundaries, each line under its own indent."""
    from .._cli import wrap

    lines = []
    for line in text.splitlines():
        body = line.lstrip()
        lead = " " * (len(line) - len(body))
        lines.append(wrap(body, indent=lead, hanging=lead + "    ") if body else "")
    return "\n".join(lines)


def _check_writable(option: str, path: str) -> str | None:
    """A one-line problem if ``path`` cannot be written (checked before any work), else ``None``."""
    import os

    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        return f"{option} {path}: is a directory. Name a file, e.g. {option} {os.path.join(path, 'out.json')}."
    if not os.path.isdir(directory):
        return f"{option} {path}: the directory {directory} does not exist. Create it first or choose another path."
    if not os.access(directory, os.W_OK):
        return f"{option} {path}: the directory {directory} is not writable. Choose a writable path."
    return None


def _handle_config(args: argparse.Namespace) -> int:
    from .._redaction import redact_text
    from ..exceptions import AgentkitError
    from ._config import translate_config, write_atomic

    if not args.check:
        for option, path in (("-o", args.output), ("--prices", args.prices)):
            problem = path and _check_writable(option, path)
            if problem:
                return _error(redact_text(problem))
        if args.report == "json" and not args.output:
            return _error(
                "--report json prints the report alone on stdout, so the component needs a file. "
                "Add -o OUT.json (or use --check)."
            )
    try:
        filters = _parse_filters(args.filter)
        translation = translate_config(
            args.source,
            filter_dict=filters or None,
            file_location=args.file_location,
            exclude=args.exclude,
            default_cache=not args.no_default_cache,
        )
    except AgentkitError as error:  # ConfigTranslationError and ConfigurationError: messages are redacted
        return _error(error)
    report = translation.report
    if args.report == "json":
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(_wrapped(report.to_text()), file=sys.stderr)
    if args.check:
        return 1 if report.needs_manual_work else 0
    if translation.component is None:
        print("nothing written: the input translates to no model client (see the report).", file=sys.stderr)
        return 1 if report.needs_manual_work else 0
    try:
        if args.output:
            translation.save(args.output)
            print(f"wrote {redact_text(args.output)}", file=sys.stderr)
        else:
            print(translation.to_json())
        if args.prices and translation.prices:
            config = translation.price_table().to_config()
            write_atomic(args.prices, config.model_dump_json(indent=2) + "\n")
            print(f"wrote {redact_text(args.prices)}", file=sys.stderr)
    except OSError as error:
        where = redact_text(str(error.filename or args.output or args.prices))
        return _error(f"{where}: cannot be written ({error.strerror or type(error).__name__}). Choose a writable path.")
    return 0
