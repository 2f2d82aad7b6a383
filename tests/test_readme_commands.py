"""The README's Commands table against each command's ``--help``: every command has a row,
the row shows the command's usage as ``--help`` does, and it names every option of the
command, short and long, with the choices of each that has them, and no option the command
does not have (QA: check's options, release --dry-run and export --no-verify were missing,
and nothing failed). And every place in the README an error message sends the user to is
there.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

import click
import pytest
from conftest import REPO

from corpuskit.cli import cli

README = REPO / "README.md"
#: A row of the Commands table: ``| `corpuskit NAME ARGUMENTS` | does | exit |``.
ROW = re.compile(r"^\| `corpuskit (?P<name>[a-z]+)(?P<usage>[^`]*)` \|(?P<rest>.*)\|$",
                 re.MULTILINE)
#: An option as a code span shows it: ``--out``, ``-j`` (not a negative number, not ``--``).
OPTION = re.compile(r"(?<![\w-])(--?[a-z][a-z-]*)")


def _section() -> str:
    """The README's Commands section, its table's escaped ``\\|`` read as ``|``."""
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Commands\n")
    end = text.index("\n## ", start + 1)
    return text[start:end].replace("\\|", "|")


def _rows() -> dict[str, re.Match[str]]:
    rows: dict[str, re.Match[str]] = {}
    for row in ROW.finditer(_section()):
        assert row["name"] not in rows, f"two rows for {row['name']}"
        rows[row["name"]] = row
    return rows


def _spans(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


def _options(command: click.Command) -> list[click.Option]:
    return [param for param in command.params
            if isinstance(param, click.Option) and param.name != "help"]


def test_every_command_has_a_row() -> None:
    assert sorted(_rows()) == sorted(cli.commands)


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_a_row_shows_the_usage_of_help(name: str) -> None:
    command = cli.commands[name]
    with click.Context(command, info_name=name, parent=click.Context(
            cli, info_name="corpuskit")) as ctx:
        pieces = [piece for piece in command.collect_usage_pieces(ctx)
                  if piece != "[OPTIONS]"]
    assert _rows()[name]["usage"].split() == pieces


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_a_row_names_every_option_of_the_command_and_no_other(name: str) -> None:
    command = cli.commands[name]
    row = _rows()[name]
    shown = {option for span in _spans(row["rest"]) for option in OPTION.findall(span)}
    expected = {opt for option in _options(command)
                for opt in (*option.opts, *option.secondary_opts)}
    assert shown == expected, (f"missing from the README's row: {sorted(expected - shown)}; "
                               f"not options of {name}: {sorted(shown - expected)}")
    for option in _options(command):
        if isinstance(option.type, click.Choice):
            choices = "|".join(map(str, option.type.choices))
            assert any(f"{option.opts[-1]} {choices}" in span
                       for span in _spans(row["rest"])), (option.opts, choices)


def test_the_section_names_the_options_of_corpuskit_itself() -> None:
    spans = _spans(_section())
    for option in [*_options(cli), cli.get_help_option(click.Context(cli))]:
        assert option is not None
        for opt in option.opts:
            assert any(re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", span)
                       for span in spans), opt


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_the_first_line_of_help_names_only_the_command_s_arguments(name: str) -> None:
    """release's said "Release SEEDS", but it takes --seeds, and 'corpuskit release
    myseeds' is a usage error (QA: docs 3). A word in capitals in the line that
    'corpuskit --help' lists is one of the command's arguments (PATH for PATHS too)."""
    command = cli.commands[name]
    first = (command.help or "").split("\n\n")[0]
    arguments = {param.human_readable_name for param in command.params
                 if isinstance(param, click.Argument)}
    for word in re.findall(r"\b[A-Z][A-Z_]+\b", first):
        assert word in arguments or f"{word}S" in arguments, (name, word, arguments)


#: A place in the README a message sends the user to: ``(README: Heading)``, or
#: ``(README: Heading, Lead)`` for the bullet of that section whose bold lead it is.
POINTER = re.compile(r"\(README: ([^)]+)\)")


def _message_strings() -> Iterator[tuple[str, str]]:
    """Each string of corpuskit's code but its docstrings, by the file it is in (the
    literals a message is written in as one: Python joins adjacent ones)."""
    for path in sorted((REPO / "corpuskit").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                           ast.AsyncFunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and id(node) not in docstrings):
                yield str(path.relative_to(REPO)), node.value


def test_every_place_in_the_readme_a_message_names_is_there() -> None:
    """The Dask engine's errors sent the user to "README: The Dask engine", which is no
    heading of the README (QA: its part is the bullet "A Dask cluster." of Large corpora)."""
    text = README.read_text(encoding="utf-8")
    sections = {heading.replace("`", ""): body for heading, _, body in
                (part.partition("\n") for part in re.split(r"^## ", text, flags=re.MULTILINE))}
    named = [(path, place) for path, string in _message_strings()
             for place in POINTER.findall(string)]
    for path, place in named:
        heading, _, lead = place.partition(", ")
        assert heading in sections, f"{path}: README has no heading {heading!r}"
        assert not lead or f"**{lead}" in sections[heading], (
            f"{path}: README's {heading!r} has no bullet {lead!r}")
    assert any(place.startswith("Large corpora, A Dask cluster") for _, place in named)
