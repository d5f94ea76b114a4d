"""`genetec-bridge box add-user NAME --role ROLE --config FILE`: create an account of the
configuration box. The password is asked twice on a terminal, else read from standard input or from
--password-file (first line); there is never a default one."""

import argparse
import getpass
import sys
from pathlib import Path

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.box.accounts import AccountError, AccountStore, Role
from genetec_bridge.commands import INVALID_CONFIG, load_site_or_report


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("box", help="configuration box accounts", description=__doc__)
    commands = parser.add_subparsers(dest="box_command", required=True)
    add = commands.add_parser("add-user", help="create an account of the configuration box")
    add.add_argument("name", help="account name (letters, digits, - _ .)")
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.add_argument("--config", required=True, help="the site config file (TOML): where accounts are kept")
    add.add_argument("--password-file", type=Path, help="read the password from this file's first line")
    add.set_defaults(handler=add_user)


def _password(args: argparse.Namespace) -> str | None:
    if args.password_file is not None:
        return (
            args.password_file.read_text(encoding="utf-8").splitlines()[0]
            if args.password_file.stat().st_size
            else ""
        )
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(f"password for {args.name}: ")
    if getpass.getpass("again: ") != first:
        print("the two passwords differ", file=sys.stderr)
        return None
    return first


def add_user(args: argparse.Namespace) -> int:
    site = load_site_or_report(args.config)
    if site is None:
        return INVALID_CONFIG
    password = _password(args)
    if password is None:
        return 1
    try:
        AccountStore(site.box.accounts_path).add(args.name, Role(args.role), password)
    except AccountError as error:
        print(f"box add-user: {error}", file=sys.stderr)
        return 1
    AuditTrail(site.audit.path).append("(command line)", "account.create", args.name, {"role": args.role})
    print(f"account '{args.name}' ({args.role}) created in {site.box.accounts_path}")
    return 0
