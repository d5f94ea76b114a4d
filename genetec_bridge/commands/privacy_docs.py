"""`genetec-bridge privacy-docs --config FILE --out DIR`: the processing register, a data sheet for the
impact assessment and a public notice per camera, in French and English, as Markdown, HTML and PDF."""

import argparse
from pathlib import Path

from genetec_bridge.commands import INVALID_CONFIG, load_site_or_report
from genetec_bridge.privacy.documents import FORMATS, LANGUAGES, site_documents, write_documents
from genetec_bridge.privacy.facts import site_facts


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "privacy-docs",
        help="generate the processing register, impact-assessment data sheets and public notices",
        description="Write DIR/LANG/register.*, dpia-CAMERA.* and notice-CAMERA.* from the site config. "
        "What the config cannot know comes from its [privacy] table; anything missing is a placeholder, "
        "listed at the top of each document.",
    )
    parser.add_argument("--config", required=True, help="the site config file (TOML)")
    parser.add_argument("--out", required=True, type=Path, help="the directory to write")
    parser.add_argument(
        "--language", action="append", choices=LANGUAGES, help="only this language (repeatable; default all)"
    )
    parser.add_argument(
        "--format", action="append", choices=FORMATS, help="only this format (repeatable; default all)"
    )
    parser.set_defaults(handler=privacy_docs)


def privacy_docs(args: argparse.Namespace) -> int:
    site = load_site_or_report(args.config)
    if site is None:
        return INVALID_CONFIG
    documents = site_documents(site, args.language or LANGUAGES)
    written = write_documents(documents, args.out, args.format or FORMATS)
    print(f"wrote {len(written)} files to {args.out}")
    placeholders = site_facts(site).placeholders
    if placeholders:
        print(f"to complete in [privacy] (placeholders in the documents): {', '.join(placeholders)}")
    return 0
