"""Shared helpers for the build tests: seeds folders made on the fly, builds into tmp_path.

Nothing here writes into the repository's ``seeds/`` or ``dist/``: every build goes to a
pytest temporary folder, and the per-document cache lives in a temporary folder too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from temp_root import choose_temp_root

from corpuskit import BuildResult, build, records, shards
from corpuskit.config import load_config
from corpuskit.engine import plan_shards
from corpuskit.fallbacks import STRICT_VARIABLE
from corpuskit.models import RawDocument, SourceRef

# No per-example deadline: a property that holds is not refuted by a slow example, and a
# CI machine under load took 651 ms for one of 200 ms ("Unreliable test timings").
# Derandomized, with no example database: every run tries the same examples, so a CI run
# cannot fail on one no earlier run saw, nor a developer's saved failures make runs differ
# (QA: a random run found 'Â\xa0\rÂ¥', which failed a test on main). A new example is
# found by changing a property's examples or strategy, and kept with @example.
settings.register_profile("corpuskit", deadline=None, derandomize=True, database=None)
settings.load_profile("corpuskit")

# A fast path's unforeseen failure is raised, not fallen back from (corpuskit.fallbacks):
# a bug in one fails a test instead of making it pass slowly. Set in the environment, so
# worker processes and the CLI run in a child process have it too; a test of a fallback
# itself takes it away (monkeypatch.delenv).
os.environ[STRICT_VARIABLE] = "1"


def let_children_take_ctrl_c() -> None:
    """Undo an ignored SIGINT for the programs the tests start.

    A shell script's ``pytest &`` starts pytest with SIGINT ignored, and every program it
    starts inherits that: corpuskit then ignores Ctrl-C too, as it should, and each test
    that sends SIGINT to a child fails (14 did). Ctrl-C is given back its usual handling
    here, which a child's exec resets to the default."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


let_children_take_ctrl_c()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """The tests' temporary folders on a tmpfs where there is room (tests/temp_root.py),
    before pytest makes the first: xdist's workers make theirs inside it."""
    choose_temp_root(config.option.basetemp)


REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SCHEMAS = REPO / "schemas"
DIST = REPO / "dist"
SEED_FILE = "000_5126d78043eeafc4.txt"
SEED_SHA256 = "2e68a5772005630f0f3a8332b32ed7a8bc6952e1e2f6bea7044a26c606d436e5"

#: The committed release of the repository's seeds at the version their corpus.toml says:
#: the latest, the one a build of seeds/ makes.
SEED_RELEASE = DIST / load_config(SEEDS).release_name
#: The first release of the repository's seeds, as committed in dist/: released versions
#: are never rebuilt, so its bytes stay those it was released with.
FIRST_RELEASE = DIST / "corpuskit-seeds-1.0.0"


def copy_seeds_as_template(target: Path) -> Path:
    """A copy of the repository's seeds/ at ``target`` without the ``content_hash`` their
    last release recorded: for tests that change the copy's metadata and build it (build
    refuses other content under a recorded release's version and hash)."""
    shutil.copytree(SEEDS, target)
    toml = target / "corpus.toml"
    toml.write_text(re.sub(r'(?m)^content_hash = ".*"\n', "", toml.read_text("utf-8")),
                    "utf-8")
    return target


def copy_seeds_at_first_release(target: Path) -> Path:
    """A copy of the repository's seeds/ at ``target``, labelled as they were for their
    first release: corpus.toml's version and created those of FIRST_RELEASE's
    datapackage.json (1.0.0, 2026-11-28T00:00:00Z), and CHANGELOG.md the one it ships (its
    one entry). For the tests that take seeds/ as the template of a corpus released once
    at 1.0.0: the repository's seeds move on to a later version with each release."""
    shutil.copytree(SEEDS, target)
    released = json.loads((FIRST_RELEASE / "datapackage.json").read_bytes())
    toml = target / "corpus.toml"
    text = toml.read_text("utf-8")
    for key in ("version", "created"):
        text, count = re.subn(rf'(?m)^{key} = ".*"$', f'{key} = "{released[key]}"', text)
        assert count == 1, f"{SEEDS / 'corpus.toml'}: not one line '{key} = ...' to set"
    # The first release recorded no content_hash (release writes one since): a later
    # release's would be another content's than 1.0.0's, which release refuses.
    text = re.sub(r'(?m)^content_hash = ".*"\n', "", text)
    toml.write_text(text, "utf-8")
    shutil.copyfile(FIRST_RELEASE / "CHANGELOG.md", target / "CHANGELOG.md")
    return target


#: A valid corpus.toml, as a dict; tests override keys with ``config_overrides``.
BASE_CONFIG: dict[str, Any] = {
    "name": "test-corpus",
    "title": "Test corpus",
    "version": "1.0.0",
    "description": "Messy texts made up by the corpuskit test suite.",
    "licenses": [{"name": "CC0-1.0", "title": "CC0 1.0"}],
    "sources": [{"title": "corpuskit tests"}],
}


@pytest.fixture(autouse=True, scope="session")
def _no_source_date_epoch() -> Iterator[None]:
    """No SOURCE_DATE_EPOCH from the caller's shell for the fixtures of a module or the
    session either, which are made before :func:`_isolated_environment` runs: the library's
    build, check and release read it where they are given none, as the CLI does (QA: api 1),
    and a module's build would take the shell's release time."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        yield


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch,
                          tmp_path_factory: pytest.TempPathFactory) -> None:
    """No SOURCE_DATE_EPOCH from the caller's shell; the CLI's cache in a temporary folder;
    no GITHUB_WORKSPACE of a CI run of the tests, which --format github's paths follow."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


@pytest.fixture(autouse=True)
def _parquet_compared_in_process(request: pytest.FixtureRequest,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Validate compares data/documents.parquet in a child forked from its process, which
    pyarrow's aborts cannot take down (:func:`corpuskit.validation.parquetcheck.
    compare_parquet`). Forked from pytest, a process of hundreds of megabytes, each such
    child cost tens of milliseconds of system time: half of test_release's CPU (some 450
    forks) and a sixth of the suite's. Tests compare in this process, with the function
    the child runs (``compare_in_process``); the child's isolation is tested where it
    matters, in processes of their own (test_validate_parquet's aborted pyarrow), and by
    tests marked ``parquet_fork``, which keep it."""
    if request.node.get_closest_marker("parquet_fork") is not None:
        return
    from corpuskit.validation import parquetcheck, precise

    monkeypatch.setattr(precise, "compare_parquet", parquetcheck.compare_in_process)


@pytest.fixture
def empty_user_cache(tmp_path_factory: pytest.TempPathFactory,
                     monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's cache folder (``$XDG_CACHE_HOME/corpuskit``, returned), of this test's
    own and empty: the session's may hold the decoded language model, which every build
    would then read (corpuskit.languageid.languagemodel.kept_folders) instead of decoding it."""
    folder = tmp_path_factory.mktemp("user-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder / "corpuskit"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def toml_text(config: Mapping[str, Any]) -> str:
    """A small TOML writer: top-level keys first, then one ``[table]`` per dict value."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in config.items() if not isinstance(v, dict)]
    for key, table in config.items():
        if isinstance(table, dict):
            lines += ["", f"[{key}]"] + [f"{k} = {_toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def corpus_config(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """BASE_CONFIG with ``overrides`` applied (a value of None removes the key)."""
    config = dict(BASE_CONFIG)
    for key, value in (overrides or {}).items():
        if value is None:
            config.pop(key, None)
        else:
            config[key] = value
    return config


def shard_sizes_of(paths: Iterable[str]) -> list[int]:
    """The documents of each shard a build cuts the seeds files ``paths`` into (sorted
    by id, as discovery sorts them)."""
    refs = sorted(map(SourceRef, paths), key=lambda ref: ref.id)
    return [len(shard) for _, shard in plan_shards(refs)]


def shard_sizes_of_ids(ids: Iterable[str]) -> list[int]:
    """The documents of each shard of the sorted document ``ids``, as a build's plan cuts
    them (:func:`corpuskit.shards.cut`)."""
    listed = list(ids)
    return shards.cut(len(listed), listed.__getitem__)


def two_shard_seeds(tmp_path: Path) -> Path:
    """A seeds folder of two shards (two workers each get one) of short German, English
    and French documents, for tests of who loads the language model."""
    sentences = ["Die Kommission hat am Dienstag neue Regeln für alle Länder beschlossen.",
                 "The committee decided on Tuesday that the new rules apply to everyone.",
                 "La commission a décidé mardi que les nouvelles règles s'appliquent."]
    files = {f"doc-{i:04d}.txt": f"{sentences[i % 3]} ({i})\n" for i in range(552)}
    assert len(shard_sizes_of(files)) == 2
    return make_seeds(tmp_path, files)


def make_seeds(tmp_path: Path, files: Mapping[str, bytes | str],
               config_overrides: Mapping[str, Any] | None = None, *,
               folder: str = "seeds", toml: str | None = None) -> Path:
    """Write a seeds folder: ``files`` (str is written as UTF-8) and a valid corpus.toml.

    ``toml`` replaces the generated corpus.toml text verbatim (for invalid-config tests).
    """
    seeds = tmp_path / folder
    seeds.mkdir(parents=True)
    (seeds / "corpus.toml").write_text(
        toml if toml is not None else toml_text(corpus_config(config_overrides)),
        encoding="utf-8")
    for relpath, content in files.items():
        path = seeds / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return seeds


def build_into(seeds: Path, out: Path, **kwargs: Any) -> BuildResult:
    """Build with the library, one worker, no cache (the CLI is tested on its own)."""
    kwargs.setdefault("jobs", 1)
    return build(seeds, out, **kwargs)


@contextmanager
def umask(mask: int) -> Iterator[None]:
    """This process's umask set to ``mask`` for the block, and set back after it."""
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture()
def processed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The documents the build's (in-process) worker runs the pipeline on."""
    done: list[str] = []
    real = records.process_documents_reported

    def counted(raws: list[RawDocument], config: object,
                source_shas: list[str] | None = None) -> object:
        done.extend(raw.path for raw in raws)
        return real(raws, config, source_shas)  # type: ignore[arg-type]

    monkeypatch.setattr(records, "process_documents_reported", counted)
    return done


def read_records(release: Path) -> list[dict[str, Any]]:
    lines = (release / "data" / "documents.jsonl").read_bytes().splitlines()
    return [json.loads(line) for line in lines]


def records_by_id(release: Path) -> dict[str, dict[str, Any]]:
    return {record["id"]: record for record in read_records(release)}


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative POSIX path (hidden lock files excluded)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(".corpuskit-")
    }


def walk_files(folder: Path) -> Iterator[Path]:
    for root, _, names in os.walk(folder):
        for name in names:
            yield Path(root) / name


# -- A messy corpus of real-looking files, shared by test_build and test_reproducible ------

EN_CRLF = (
    "Harbour Council Approves New Ferry Schedule\r\n\r\n"
    "August 25, 2023\r\n\r\n"
    "The harbour council voted on Thursday to add two evening ferries between the old town "
    "and the island, after months of complaints from commuters.   \r\n\r\n\r\n\r\n"
    "The new timetable starts in September and will be reviewed after one year.\r\n\r\n"
    "© 2023 Harbour Gazette. All rights reserved.\r\n"
)
FR_TEXT = (
    "Le marché de Noël ouvre ses portes\n\n"
    "Le marché de Noël de la vieille ville ouvrira vendredi, avec une quarantaine de chalets "
    "où l'on trouvera des crêpes, du vin chaud et des décorations fabriquées à la main.\n\n"
    "Les organisateurs espèrent accueillir plus de visiteurs que l'année dernière.\n"
)
DE_TEXT = (
    "Neue Brücke über den Fluss eröffnet\n\n"
    "Die neue Fußgängerbrücke über den Fluss wurde am Samstag feierlich eröffnet. Größere "
    "Umwege gehören für die Anwohner nun der Vergangenheit an, sagte die Bürgermeisterin.\n"
)
CS_TEXT = (
    "Nová knihovna v centru města\n\n"
    "Městská knihovna se přestěhovala do nové budovy na náměstí. Čtenáři si mohou půjčovat "
    "knihy každý den kromě neděle a děti mají vlastní oddělení s hračkami.\n"
)
PL_TEXT = (
    "Nowy park w dzielnicy\n\n"
    "Mieszkańcy dzielnicy doczekali się nowego parku. Posadzono tysiąc drzew, a wzdłuż "
    "ścieżek stanęły ławki. Władze miasta zapowiadają też budowę placu zabaw.\n"
)
RU_TEXT = (
    "Новая школа открылась в пригороде\n\n"
    "В понедельник в пригороде открылась новая школа. В ней будут учиться почти тысяча "
    "детей, а в здании есть большой спортивный зал и библиотека.\n"
)
RU_KOI8_TEXT = (
    "Погода на выходные\n\n"
    "В субботу и воскресенье ожидается тёплая солнечная погода без осадков. Синоптики "
    "советуют провести выходные на свежем воздухе.\n"
)
ZH_TEXT = (
    "城市图书馆开放新阅览室\n\n"
    "市图书馆今天开放了新的阅览室，读者可以在这里安静地看书和学习。图书馆还增加了儿童图书区，"
    "周末将举办读书活动。\n"
)
ES_TEXT = (
    "Nueva línea de autobús\n\n"
    "La ciudad inaugura mañana una nueva línea de autobús que unirá la estación con el "
    "hospital. El servicio funcionará todos los días desde las seis de la mañana.\n"
)
MOJIBAKE_TEXT = (
    "The cafÃ© reopens\n\n"
    "Itâ€™s official: the cafÃ© on the corner reopens next week with a new menu.\n"
)
NFD_TEXT = ("Cafe\u0301 ou the\u0301\n\n"
            "Une soire\u0301e au cafe\u0301 du quartier, pre\u0300s de la gare.\n")
NBSP_ZW_TEXT = (
    "Notes\u00a0\n\n"
    "Zero\u200bwidth spaces\u200b and a word\u2060joiner hide in this line.\u00a0\u00a0\n\n"
    "A second paragraph.\n"
)

MESSY_FILES: dict[str, bytes] = {
    "en/harbour.txt": EN_CRLF.encode("utf-8"),
    "fr_bom.txt": b"\xef\xbb\xbf" + FR_TEXT.encode("utf-8"),
    "de_cp1252.txt": DE_TEXT.encode("cp1252"),
    "cs_cp1250.txt": CS_TEXT.encode("cp1250"),
    "pl_cp1250.txt": PL_TEXT.encode("cp1250"),
    "ru_cp1251.txt": RU_TEXT.encode("cp1251"),
    "ru_koi8.txt": RU_KOI8_TEXT.encode("koi8-r"),
    "zh_gb18030.txt": ZH_TEXT.encode("gb18030"),
    "es_utf16.txt": b"\xff\xfe" + ES_TEXT.encode("utf-16-le"),
    "mojibake.txt": MOJIBAKE_TEXT.encode("utf-8"),
    "nfd.txt": NFD_TEXT.encode("utf-8"),
    "sub/deeper/nbsp_zero_width.md": NBSP_ZW_TEXT.encode("utf-8"),
}
#: The codec each messy file must be recorded with.
MESSY_ENCODINGS = {
    "en/harbour": "utf-8",
    "fr_bom": "utf-8-sig",
    "de_cp1252": "cp1252",
    "cs_cp1250": "cp1250",
    "pl_cp1250": "cp1250",
    "ru_cp1251": "cp1251",
    "ru_koi8": "koi8-r",
    "zh_gb18030": "gb18030",
    "es_utf16": "utf-16-le",
    "mojibake": "utf-8",
    "nfd": "utf-8",
    "sub/deeper/nbsp_zero_width": "utf-8",
}


@pytest.fixture
def messy_seeds(tmp_path: Path) -> Path:
    return make_seeds(tmp_path, MESSY_FILES)
