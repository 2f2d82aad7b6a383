"""The command line: parse options, call one library function, render its result.

Errors from the library are mapped to exit codes in :func:`main` only. Machine output
goes to stdout; messages and progress go to stderr.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from . import __version__
from .build import build as build_package
from .engine import default_cache_dir
from .errors import EXIT_USAGE, CorpuskitError, InputError


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _report_error(error: CorpuskitError) -> None:
    if isinstance(error, InputError):
        for problem in error.problems:
            click.echo(f"error: {problem.render()}", err=True)
        click.echo(f"corpuskit: {error.summary}", err=True)
    else:
        click.echo(f"corpuskit: error: {error}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="corpuskit")
def cli() -> None:
    """Package raw text corpora as reproducible, checksummed data packages.

    \b
    Example:
      corpuskit build seeds --out dist
      corpuskit validate dist/*.zip
    """


@cli.command()
@click.argument("seeds", default="seeds", type=click.Path(path_type=Path))
@click.option("--out", "out", default="dist", show_default=True, type=click.Path(path_type=Path),
              help="Folder that receives <name>-<version>/ and <name>-<version>.zip.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for the per-document work [default: all cores].")
@click.option("--cache", "cache", type=click.Path(path_type=Path), default=None,
              help="Cache folder for incremental builds [default: $XDG_CACHE_HOME/corpuskit "
                   "or ~/.cache/corpuskit].")
@click.option("--no-cache", is_flag=True, help="Process every document, use no cache.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
def build(seeds: Path, out: Path, jobs: int | None, cache: Path | None, no_cache: bool,
          as_json: bool) -> None:
    """Build the release of SEEDS (default: seeds) into --out (default: dist).

    Every file in SEEDS except corpus.toml, CHANGELOG.md and hidden files is a document.
    The per-document work runs on all cores (--jobs) and is cached by content (--cache),
    so rebuilding after a small change is fast; neither changes a byte of the output.
    Bad input is reported one line per problem and nothing is written (exit 1). A release
    that already exists with identical content is left as it is; one with other content is
    refused, because released versions are immutable.

    \b
    Example:
      corpuskit build seeds --out dist
    """
    result = build_package(seeds, out, source_date_epoch=os.environ.get("SOURCE_DATE_EPOCH"),
                           jobs=jobs, cache=None if no_cache else (cache or default_cache_dir()))
    for path, reason in result.skipped:
        click.echo(f"skipped: {path} ({reason})", err=True)
    if as_json:
        _emit_json({
            "status": result.status,
            "release": str(result.release),
            "archive": str(result.archive),
            "documents": result.documents,
            "content_hash": result.content_hash,
            "cached_shards": result.cached_shards,
            "skipped": [{"path": p, "reason": r} for p, r in result.skipped],
        })
    elif result.status == "unchanged":
        click.echo(f"{result.release} already built with identical content; nothing to do",
                   err=True)
    else:
        click.echo(f"built {result.release} and {result.archive.name} "
                   f"({result.documents} documents, {result.content_hash})", err=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit status (the one place errors become exit codes)."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="corpuskit",
                 standalone_mode=False)
    except CorpuskitError as error:
        _report_error(error)
        return error.exit_code
    except click.exceptions.Abort:
        click.echo("corpuskit: aborted", err=True)
        return 130
    except click.ClickException as error:
        error.show()
        return EXIT_USAGE if isinstance(error, click.UsageError) else error.exit_code
    except click.exceptions.Exit as done:
        return done.exit_code
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
