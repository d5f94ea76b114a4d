"""`genetec-bridge schemas --write DIR | --check DIR`: the JSON Schemas of schemas/, from the models."""

import argparse
import json
import sys
from pathlib import Path

from pydantic import TypeAdapter

from genetec_bridge.schema_registry import SCHEMAS

STALE = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "schemas",
        help="write or check the JSON Schemas generated from the models",
        description="Generate the JSON Schemas of the config file, the analytics event and the messages "
        "between the processes. --check exits 1 when DIR differs from what the models give.",
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", metavar="DIR", type=Path, help="(re)write the schema files in DIR")
    action.add_argument("--check", metavar="DIR", type=Path, help="check that DIR holds the current schemas")
    parser.set_defaults(handler=schemas)


def generated_schemas() -> dict[str, str]:
    """File name -> schema text, exactly as written to disk."""
    return {
        name: json.dumps(TypeAdapter(model).json_schema(), indent=2, ensure_ascii=False) + "\n"
        for name, model in SCHEMAS
    }


def stale_schemas(directory: Path) -> list[str]:
    """What in `directory` differs from the models: missing, outdated or no longer generated files."""
    expected = generated_schemas()
    problems = []
    for name, text in expected.items():
        path = directory / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{name}: outdated")
    problems += [
        f"{path.name}: no model generates it"
        for path in sorted(directory.glob("*.schema.json"))
        if path.name not in expected
    ]
    return problems


def schemas(args: argparse.Namespace) -> int:
    if args.write is not None:
        args.write.mkdir(parents=True, exist_ok=True)
        for name, text in generated_schemas().items():
            (args.write / name).write_text(text, encoding="utf-8")
        print(f"wrote {len(SCHEMAS)} schemas to {args.write}")
        return 0
    problems = stale_schemas(args.check)
    for problem in problems:
        print(f"{args.check}: {problem}", file=sys.stderr)
    if problems:
        print("regenerate them with: make schemas", file=sys.stderr)
        return STALE
    print(f"{args.check}: {len(SCHEMAS)} schemas up to date")
    return 0
