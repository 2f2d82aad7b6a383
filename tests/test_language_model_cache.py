"""The decoded language model kept in the cache folder (corpuskit.languageid.languagemodel).

Loading it must give py3langid's arrays and labels exactly; a damaged, partial or
foreign copy must never be used; a cache that cannot be written must not fail a build.
"""

from __future__ import annotations

import errno
import json
import mmap
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import make_seeds
from py3langid.langid import MODEL_FILE
from test_language import deterministic_texts

from corpuskit import build, engine
from corpuskit.check import check
from corpuskit.languageid import fastlangid, language, languagemodel, portablefloat
from corpuskit.languageid.fastlangid import PROBES, FastIdentifier
from corpuskit.shardcache import ShardCache
from corpuskit.usercache import model_cache_dir

#: Every test here with a user's cache folder of its own, empty (conftest).
pytestmark = pytest.mark.usefixtures("empty_user_cache")


@pytest.fixture(scope="module")
def decoded() -> languagemodel.Model:
    return languagemodel.decode_model()


@pytest.fixture(scope="module")
def kept(tmp_path_factory: pytest.TempPathFactory, decoded: languagemodel.Model) -> Path:
    """A cache folder holding the decoded model (stored as a first load stores it; a load
    here could read the user's cache folder instead: kept_folders)."""
    cache = tmp_path_factory.mktemp("model-cache")
    languagemodel.store_model(languagemodel.model_folder(cache),
                              languagemodel.kept_form(decoded))
    assert languagemodel.read_model(languagemodel.model_folder(cache)) is not None
    return cache


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch, decoded: languagemodel.Model) -> list[int]:
    """Decoding the model (0.7 s of CPU, a 100 MB temporary file) replaced by handing out
    the module's ``decoded``, py3langid's decoding once, for the tests of where the model
    is read from and kept, not of its decoding; each decoding in this process is counted
    (the process id of each, in the list returned)."""
    calls: list[int] = []

    def decode() -> languagemodel.Model:
        calls.append(os.getpid())
        return decoded

    monkeypatch.setattr(languagemodel, "decode_model", decode)
    monkeypatch.setattr(fastlangid, "decode_model", decode)  # its own name for it
    return calls


def _copy_kept(kept: Path, cache: Path) -> None:
    """A copy of the cache folder ``kept`` at ``cache``, its files hard links (copying 97 MB
    each time cost more than the test): a test that damages one rewrites it as a new file
    (:func:`_rewrite`), and the cache replaces a damaged folder, never writes into it."""
    shutil.copytree(kept, cache, copy_function=os.link)


def _rewrite(path: Path, data: bytes) -> None:
    """``path`` written anew with ``data``: a file of its own, not one linked to ``kept``'s."""
    path.unlink()
    path.write_bytes(data)


def _same(one: languagemodel.Model, other: languagemodel.Model) -> bool:
    """The same model: the same values in each array (a float16 weight is exactly the
    float32 one), the same labels."""
    ptc, pc, classes, nextmove, row, output = one
    ptc2, pc2, classes2, nextmove2, row2, output2 = other
    return (np.array_equal(ptc, ptc2) and pc.dtype == pc2.dtype and np.array_equal(pc, pc2)
            and classes == classes2 and np.array_equal(nextmove, nextmove2)
            and list(row) == list(row2) and output == output2)


def test_the_model_is_kept_ready_to_use(kept: Path, decoded: languagemodel.Model) -> None:
    """The weights as float32 (nothing to convert when loaded), the moves as uint32."""
    again = languagemodel.read_model(languagemodel.model_folder(kept))
    assert again is not None
    ptc, _, _, nextmove, _, _ = again
    assert ptc.dtype == np.float32 and decoded[0].dtype == np.float16
    assert nextmove.dtype == np.uint32 and len(nextmove) == len(decoded[3])


def test_the_kept_model_is_py3langids_model(kept: Path, decoded: languagemodel.Model) -> None:
    again = languagemodel.read_model(languagemodel.model_folder(kept))
    assert again is not None
    assert _same(again, decoded)


def test_an_identifier_from_the_cache_labels_as_py3langid_does(kept: Path) -> None:
    """As the identifier of py3langid's own model file (its walk and float16 table, in
    corpuskit's arithmetic: test_language), bit for bit."""
    plain = FastIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    cached = FastIdentifier.load(norm_probs=True, cache=kept)
    assert cached.fast
    texts: list[Any] = [*PROBES, *deterministic_texts(300, seed="model-cache")]
    assert [cached.classify(t) for t in texts] == [plain.classify(t) for t in texts]
    assert [cached.rank(t) for t in texts[:40]] == [plain.rank(t) for t in texts[:40]]


def test_the_kept_model_brings_its_tables_bounds(kept: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The weight table's bounds are kept with it, as worked out from it: loaded from
    the cache, an identifier labels its first texts without working them out again (four
    passes over the 57 MB table, 22 ms, in each process)."""
    folder = languagemodel.model_folder(kept)
    index = json.loads((folder / "model.json").read_bytes())
    model = languagemodel.read_model(folder)
    assert model is not None
    worked_out = portablefloat.table_bounds(model[0])
    assert index["bounds"] == [worked_out.largest, worked_out.grid, worked_out.bits]

    def not_again(table: Any) -> portablefloat.TableBounds:
        raise AssertionError("the bounds were worked out again")

    monkeypatch.setattr(portablefloat, "table_bounds", not_again)
    assert portablefloat.bounds_of(model[0]) == worked_out
    identifier = FastIdentifier.load(norm_probs=True, cache=kept)  # its self-check scores
    assert identifier.fast
    texts = list(deterministic_texts(20, seed="kept-bounds"))
    assert identifier.classify_many(texts) == [identifier.classify(t) for t in texts]


def test_another_table_has_its_bounds_worked_out(kept: Path) -> None:
    """Bounds are taken for the very array they were kept with, not for an equal-sized
    copy that may differ."""
    model = languagemodel.read_model(languagemodel.model_folder(kept))
    assert model is not None
    other = np.array(model[0][:4], copy=True)
    other[0, 0] = np.float32(-1000.0)
    assert portablefloat.bounds_of(other) == portablefloat.table_bounds(other)
    assert portablefloat.bounds_of(other).largest == 1000.0


@pytest.mark.parametrize("bounds", [None, [1.5, 0.5], ["14", 0.001953125, 11],
                                    [14.984375, 0.001953125, 11.0]])
def test_a_copy_without_usable_bounds_is_not_used(tmp_path: Path, kept: Path,
                                                  bounds: Any) -> None:
    """A copy whose index lacks the bounds (another layout's), or holds them in another
    form, is a miss (its check made to match: not damage, another writer)."""
    cache = tmp_path / "cache"
    _copy_kept(kept, cache)
    folder = languagemodel.model_folder(cache)
    index = json.loads((folder / "model.json").read_bytes())
    if bounds is None:
        del index["bounds"]
    else:
        index["bounds"] = bounds
    index["check"] = languagemodel._index_check(index)
    _rewrite(folder / "model.json", json.dumps(index).encode())
    assert languagemodel.read_model(folder) is None


@pytest.mark.parametrize("damage", ["flip", "truncate", "remove", "index", "label",
                                    "pipe-index", "pipe-array"])
def test_a_damaged_copy_is_not_used_and_is_replaced(
        tmp_path: Path, kept: Path, decoded: languagemodel.Model, decodes: list[int],
        damage: str) -> None:
    cache = tmp_path / "cache"
    _copy_kept(kept, cache)
    folder = languagemodel.model_folder(cache)
    target = folder / ("model.json" if damage in ("index", "label", "pipe-index")
                       else "ptc.npy")
    data = bytearray(target.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x01  # one bit of one weight: a label could change
        _rewrite(target, bytes(data))
    elif damage == "truncate":
        _rewrite(target, bytes(data[:-100]))
    elif damage == "remove":
        target.unlink()
    elif damage.startswith("pipe"):  # read, it would wait for a writer for ever
        target.unlink()
        os.mkfifo(target)
    elif damage == "index":
        _rewrite(target, data.replace(languagemodel.FORMAT.encode(), b"another-format"))
    else:  # still valid JSON, and every array intact: only a label differs
        _rewrite(target, data.replace(b'"fr"', b'"fx"', 1))
    assert languagemodel.read_model(folder) is None
    assert _same(languagemodel.load_model(cache), decoded)
    assert len(decodes) == 1  # decoded, the damaged copy not used
    repaired = languagemodel.read_model(folder)  # written again whole
    assert repaired is not None and _same(repaired, decoded)
    assert languagemodel.read_model(languagemodel.model_folder(kept)) is not None


def test_another_model_file_gets_another_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = languagemodel.model_folder(tmp_path)
    other = tmp_path / "model.npz.xz"
    other.write_bytes(languagemodel.model_file().read_bytes() + b"\0")
    monkeypatch.setattr(languagemodel, "model_file", lambda: other)
    assert languagemodel.model_folder(tmp_path) != first


def test_a_cache_path_that_is_a_file_only_costs_the_decoding(
        tmp_path: Path, decoded: languagemodel.Model, decodes: list[int]) -> None:
    """An unusable cache folder (here a file; a read-only folder is the same to anyone
    but root, who can write into it) fails no load."""
    cache = tmp_path / "cache"
    cache.write_bytes(b"not a folder")
    assert _same(languagemodel.load_model(cache), decoded)
    assert cache.read_bytes() == b"not a folder"
    assert len(decodes) == 1


def test_no_cache_decodes_and_writes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, decoded: languagemodel.Model,
        decodes: list[int]) -> None:
    monkeypatch.chdir(tmp_path)
    assert _same(languagemodel.load_model(None), decoded)
    assert list(tmp_path.iterdir()) == []
    assert len(decodes) == 1


def test_builds_keep_the_model_and_their_output_does_not_depend_on_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, decodes: list[int]) -> None:
    """A build keeps the decoded model in its cache folder; builds from that model, from a
    damaged copy and from no cache write the same bytes. The model's folder is not a
    shard: a cache holding only the model counts as empty (its workers preload)."""
    texts = {"a.txt": "Die Kommission hat am Dienstag beschlossen, dass die neuen Regeln für "
                      "alle Mitgliedstaaten ab dem nächsten Jahr gelten sollen.\n",
             "b.txt": "La commission a décidé mardi que les nouvelles règles s'appliqueront "
                      "à tous les États membres dès le début de l'année prochaine.\n"}
    seeds = make_seeds(tmp_path, texts)
    cache = tmp_path / "cache"

    def fresh_build(out: str, cache: Path | None) -> Any:
        """A build in this process, as the first to load the model (jobs=1: no workers)."""
        monkeypatch.setattr(language, "_LOADED", [])
        monkeypatch.setattr(language, "_MODEL_CACHE", [])
        return build(seeds, tmp_path / out, cache=cache, jobs=1)

    first = fresh_build("first", cache)
    folder = languagemodel.model_folder(cache)
    assert languagemodel.read_model(folder) is not None
    assert len(decodes) == 1
    for shard in [p for p in cache.iterdir() if p.name != languagemodel.MODELS_FOLDER]:
        shutil.rmtree(shard)
    assert not ShardCache(cache).holds_entries()
    ptc = folder / "ptc.npy"
    data = bytearray(ptc.read_bytes())
    data[-1] ^= 0x40
    ptc.write_bytes(bytes(data))
    damaged = fresh_build("damaged", cache)
    assert languagemodel.read_model(folder) is not None  # replaced by a good copy
    assert len(decodes) == 2  # the damaged copy not used
    plain = fresh_build("plain", None)
    assert len(decodes) == 3
    records = (plain.release / "data" / "documents.jsonl").read_bytes()
    assert b'"language":"de"' in records and b'"language":"fr"' in records
    for other in (first, damaged):
        assert (other.release / "data" / "documents.jsonl").read_bytes() == records


def test_naming_the_model_cache_never_waits_for_a_load_in_progress(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker names its cache folder before each shard while its preloading thread may
    hold the loading lock for the whole load; the shard's reading must not wait for it."""
    import threading

    monkeypatch.setattr(language, "_MODEL_CACHE", [])
    named = threading.Event()
    with language._LOADING:  # as held by a load in progress
        worker = threading.Thread(
            target=lambda: (language.use_model_cache(tmp_path), named.set()))
        worker.start()
        assert named.wait(10)
    worker.join()
    assert [tmp_path] == language._MODEL_CACHE


def test_what_a_killed_store_left_is_removed_by_the_next(tmp_path: Path,
                                                         decoded: languagemodel.Model) -> None:
    """A build killed while it kept the model (97 MB) left its half-written folder, and
    every such kill added another; the next store removes those of processes that are
    gone, never one that a running process writes."""
    import os
    import subprocess
    import sys

    cache = tmp_path / "cache"
    folder = languagemodel.model_folder(cache)
    folder.parent.mkdir(parents=True)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    orphan = folder.parent / f".{folder.name}-{gone.pid}-abcd_123"
    writing = folder.parent / f".{folder.name}-{os.getpid()}-efgh_456"
    for scratch in (orphan, writing):
        scratch.mkdir()
        (scratch / "ptc.npy").write_bytes(b"\0" * 1000)
    languagemodel.store_model(folder, languagemodel.kept_form(decoded))
    assert not orphan.exists() and writing.exists()
    assert languagemodel.read_model(folder) is not None


def test_kept_arrays_are_views_of_the_mapped_files(kept: Path) -> None:
    """The kept arrays are read-only views of the files mapped in memory, not copies: the
    workers of a build (one per core) then share one copy of the 97 MB in the page cache."""
    model = languagemodel.read_model(languagemodel.model_folder(kept))
    assert model is not None
    for array in (model[0], model[1], model[3]):
        assert not array.flags.writeable and not array.flags.owndata
        base = array
        while isinstance(base, np.ndarray):
            base = base.base
        assert isinstance(base, memoryview) and isinstance(base.obj, mmap.mmap)


def test_the_model_key_names_the_installed_py3langid() -> None:
    """The kept model's key holds py3langid's version, read from the module (no
    importlib.metadata look-up in every process): the installed distribution's."""
    from importlib.metadata import version

    from corpuskit.languageid.languagemodel import _py3langid_version

    assert _py3langid_version() == version("py3langid")


def _no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> languagemodel.Model:
        raise AssertionError("the model was decoded")

    monkeypatch.setattr(languagemodel, "decode_model", refuse)


def test_a_new_cache_folder_reads_the_model_the_users_cache_keeps(
        tmp_path: Path, kept: Path, decoded: languagemodel.Model, empty_user_cache: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept by a build with the default cache, the model is read from there by a build
    with a cache folder of its own (nothing decoded, nothing written into that folder)."""
    _copy_kept(kept, empty_user_cache)
    _no_decoding(monkeypatch)
    cache = tmp_path / "new-cache"
    loaded = languagemodel.load_model(cache)
    assert _same(loaded, decoded)
    assert not cache.exists()
    monkeypatch.setattr(language, "_LOADED", [])
    assert language.load_before_forking(cache) is None  # left to the workers: kept


def test_a_damaged_copy_in_the_users_cache_is_not_used(
        tmp_path: Path, kept: Path, decoded: languagemodel.Model,
        empty_user_cache: Path, decodes: list[int]) -> None:
    """A copy in the user's cache is checked as any other: damaged, the model is decoded
    and kept in the build's own cache folder (the user's is only read)."""
    _copy_kept(kept, empty_user_cache)
    shared = languagemodel.model_folder(empty_user_cache)
    ptc = shared / "ptc.npy"
    data = bytearray(ptc.read_bytes())
    data[len(data) // 2] ^= 0x01
    _rewrite(ptc, bytes(data))
    cache = tmp_path / "new-cache"
    assert _same(languagemodel.load_model(cache), decoded)
    assert len(decodes) == 1
    assert languagemodel.read_model(languagemodel.model_folder(cache)) is not None
    assert languagemodel.read_model(shared) is None  # left as it was


def test_a_build_with_its_own_cache_folder_does_not_decode_a_model_kept_by_the_user(
        tmp_path: Path, kept: Path, empty_user_cache: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's build with --cache, in a process of its own (its workers fork from it):
    no decoding anywhere, the same records as a build that decoded the model."""
    import subprocess
    import sys

    texts = {"a.txt": "Die Kommission hat am Dienstag beschlossen, dass die neuen Regeln für "
                      "alle Mitgliedstaaten ab dem nächsten Jahr gelten sollen.\n",
             "b.txt": "La commission a décidé mardi que les nouvelles règles s'appliqueront "
                      "à tous les États membres dès le début de l'année prochaine.\n"}
    seeds = make_seeds(tmp_path, texts)
    decoding = ("import sys; from corpuskit.languageid import languagemodel; "
                "from corpuskit.cli import main; "
                "languagemodel.decode_model = lambda: sys.exit('decoded'); "
                "main(sys.argv[1:])")

    def cli_build(out: str, cache: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", decoding, "build", str(seeds), "--out",
                               str(tmp_path / out), "--cache", str(tmp_path / cache),
                               "--jobs", "2"],
                              capture_output=True, text=True, env={
                                  **os.environ, "SOURCE_DATE_EPOCH": "1700000000"})

    refused = cli_build("refused", "cache-1")
    assert refused.returncode != 0 and "decoded" in refused.stderr, refused.stderr
    _copy_kept(kept, empty_user_cache)
    done = cli_build("out", "cache-2")
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "cache-2" / languagemodel.MODELS_FOLDER).exists()
    records = next((tmp_path / "out").glob("*/data/documents.jsonl")).read_bytes()
    assert b'"language":"de"' in records and b'"language":"fr"' in records


_TEXTS = {"a.txt": "Die Kommission hat am Dienstag beschlossen, dass die neuen Regeln für "
                   "alle Mitgliedstaaten ab dem nächsten Jahr gelten sollen.\n",
          "b.txt": "La commission a décidé mardi que les nouvelles règles s'appliqueront "
                   "à tous les États membres dès le début de l'année prochaine.\n"}


def test_check_reads_the_model_the_users_cache_keeps_and_no_shard(
        tmp_path: Path, kept: Path, empty_user_cache: Path, decodes: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """check's throwaway build reads the decoded model where builds keep it, the user's
    cache folder, as validate --reproduce does (decoding it took 0.45 s of a 0.83 s check
    of this repository), and never a shard: every document is processed again."""
    seeds = make_seeds(tmp_path, _TEXTS)
    _copy_kept(kept, empty_user_cache)
    build(seeds, tmp_path / "dist", cache=tmp_path / "cache", jobs=1)
    monkeypatch.setattr(language, "_LOADED", [])  # this process loads it again
    processed: list[str] = []
    real = engine._records

    def counting() -> Any:
        records = real()
        monkeypatch.setattr(records, "process_documents_reported", _counted(
            records.process_documents_reported, processed))
        return records

    monkeypatch.setattr(engine, "_records", counting)
    report = check(seeds, tmp_path / "dist", jobs=1)
    assert report.valid, report.summary()
    assert decodes == []
    assert sorted(processed) == ["a.txt", "b.txt"]
    assert sorted(p.name for p in empty_user_cache.iterdir()) == [languagemodel.MODELS_FOLDER]


@pytest.mark.parametrize("command", ["validate", "info", "diff"])
def test_commands_on_seeds_read_the_model_the_users_cache_keeps(
        tmp_path: Path, kept: Path, empty_user_cache: Path, decodes: list[int],
        monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    """validate, info and diff of a seeds folder process its documents as a build does,
    with the model read where builds keep it (each decoded it: 0.45 s of a 0.82 s info
    of this repository's seeds)."""
    import corpuskit

    seeds = make_seeds(tmp_path, _TEXTS)
    _copy_kept(kept, empty_user_cache)
    monkeypatch.setattr(language, "_LOADED", [])  # loaded again, from where it is named
    monkeypatch.setattr(language, "_MODEL_CACHE", [])  # named by the command, or nowhere
    if command == "validate":
        assert corpuskit.validate(seeds, jobs=1).valid
    elif command == "info":
        from corpuskit.info import info

        assert info(seeds).documents == 2
    else:
        other = make_seeds(tmp_path, _TEXTS, folder="other")
        assert corpuskit.diff(seeds, other).same_content
    assert decodes == []
    assert language._LOADED  # the model was needed, and read


def test_a_seeds_command_without_a_kept_model_keeps_it_where_builds_read_it(
        tmp_path: Path, empty_user_cache: Path, decodes: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import corpuskit

    seeds = make_seeds(tmp_path, _TEXTS)
    monkeypatch.setattr(language, "_LOADED", [])
    monkeypatch.setattr(language, "_MODEL_CACHE", [])
    assert corpuskit.validate(seeds, jobs=1).valid
    assert len(decodes) == 1
    assert languagemodel.read_model(languagemodel.model_folder(empty_user_cache)) is not None
    assert sorted(p.name for p in seeds.iterdir()) == ["a.txt", "b.txt", "corpus.toml"]


def _counted(process: Any, processed: list[str]) -> Any:
    def counting(raws: Any, *args: Any, **kwargs: Any) -> Any:
        processed.extend(raw.path for raw in raws)
        return process(raws, *args, **kwargs)
    return counting


def test_check_decodes_a_model_not_kept_once_and_keeps_it_for_the_next(
        tmp_path: Path, empty_user_cache: Path, decodes: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = make_seeds(tmp_path, _TEXTS)
    monkeypatch.setattr(language, "_LOADED", [])
    build(seeds, tmp_path / "dist", cache=None, jobs=1)
    assert len(decodes) == 1
    assert not empty_user_cache.exists()  # a build without a cache keeps it nowhere
    for _ in range(2):
        monkeypatch.setattr(language, "_LOADED", [])
        assert check(seeds, tmp_path / "dist", jobs=1).valid
    assert len(decodes) == 2  # once by the first check, which kept it
    assert languagemodel.read_model(languagemodel.model_folder(empty_user_cache)) is not None


def test_the_model_cache_of_a_process_without_shards(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's cache folder, unless it is inside a folder the process must not write
    into, or the folder it would be made in does not exist (nothing is made)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert model_cache_dir() is None  # no tmp_path/xdg: not made
    (tmp_path / "xdg").mkdir()
    assert model_cache_dir(None, tmp_path / "elsewhere") == tmp_path / "xdg" / "corpuskit"
    assert model_cache_dir(tmp_path) is None
    assert model_cache_dir(tmp_path / "xdg" / "corpuskit") is None
    assert not (tmp_path / "xdg" / "corpuskit").exists()


def _no_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """A user id the system does not know, without HOME or XDG_CACHE_HOME (a container run
    as ``--user 12345``): ``Path.home()`` raises RuntimeError."""
    def home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(home))


def test_a_user_without_a_home_folder_loads_the_model_from_the_cache_folder(
        tmp_path: Path, kept: Path, decoded: languagemodel.Model,
        monkeypatch: pytest.MonkeyPatch, decodes: list[int]) -> None:
    from corpuskit.usercache import user_cache_dir

    _no_home(monkeypatch)
    assert user_cache_dir() is None
    assert languagemodel.kept_folders(kept) == [languagemodel.model_folder(kept)]
    assert _same(languagemodel.load_model(kept), decoded)
    assert decodes == []  # read from the cache folder
    cache = tmp_path / "new-cache"
    assert _same(languagemodel.load_model(cache), decoded)  # decoded, kept there
    assert len(decodes) == 1
    assert languagemodel.read_model(languagemodel.model_folder(cache)) is not None


def test_a_build_without_a_home_folder_needs_a_cache_folder_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], decodes: list[int]) -> None:
    """With --cache or --no-cache it builds; without either there is no default cache
    folder: a usage error that says what to pass, not a traceback."""
    from corpuskit.cli import main

    seeds = make_seeds(tmp_path, {"a.txt": "A short English text about the weather.\n"})
    _no_home(monkeypatch)
    capsys.readouterr()
    assert main(["build", str(seeds), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "pass --cache DIR (or --no-cache)" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()
    for option in (["--cache", str(tmp_path / "cache")], ["--no-cache"]):
        out = tmp_path / f"out{len(option)}"
        assert main(["build", str(seeds), "--out", str(out), "--jobs", "2", *option]) == 0


def test_a_damaged_copy_is_decoded_again_once_not_by_every_worker(
        tmp_path: Path, kept: Path, empty_user_cache: Path, decoded: languagemodel.Model,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy in the user's cache whose index is there but whose weights are damaged: the
    parent, which checks a copy whole before leaving the model to the workers, decodes it
    once before forking them (it counted as kept, and each worker decoded it)."""
    from conftest import two_shard_seeds

    _copy_kept(kept, empty_user_cache)
    ptc = languagemodel.model_folder(empty_user_cache) / "ptc.npy"
    data = bytearray(ptc.read_bytes())
    data[len(data) // 2] ^= 0x01
    _rewrite(ptc, bytes(data))
    decodes = tmp_path / "decodes"  # appended to by whichever process decodes

    def counted() -> languagemodel.Model:
        with decodes.open("a") as counter:
            counter.write(".")
        return decoded  # py3langid's decoding, done once for the module (0.7 s of CPU)

    monkeypatch.setattr(languagemodel, "decode_model", counted)
    monkeypatch.setattr(fastlangid, "decode_model", counted)  # its own name for it
    monkeypatch.setattr(language, "_LOADED", [])
    monkeypatch.setattr(language, "_MODEL_CACHE", [])
    seeds = two_shard_seeds(tmp_path)
    cache = tmp_path / "cache"
    result = build(seeds, tmp_path / "out", jobs=2, cache=cache)
    assert decodes.read_text() == "."
    assert languagemodel.read_model(languagemodel.model_folder(cache)) is not None
    records = (result.release / "data" / "documents.jsonl").read_bytes()
    assert b'"language":"de"' in records and b'"language":"en"' in records


def test_a_relative_xdg_cache_home_is_ignored(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The XDG Base Directory Specification: a relative path in XDG_CACHE_HOME is invalid
    and ignored; the cache is then under ~/.cache, wherever a build is run from."""
    from corpuskit.usercache import default_cache_dir, user_cache_dir

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    for relative in ("cache", "./cache", "dist"):
        monkeypatch.setenv("XDG_CACHE_HOME", relative)
        assert user_cache_dir() == tmp_path / "home" / ".cache" / "corpuskit"
        assert default_cache_dir().is_absolute()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache_dir() == tmp_path / "xdg" / "corpuskit"


@pytest.mark.parametrize("cache", ["cache", None])
def test_a_temporary_folder_without_room_for_the_model_is_said_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: str | None) -> None:
    """py3langid unpacks its model into a temporary file (about 100 MB): a full TMPDIR
    ended build and check in a traceback from shutil.copyfileobj, and validate
    --reproduce in an internal error (QA). It is an OutputError naming the folder and
    what to do, and nothing is written."""
    import errno

    from py3langid import langid

    from corpuskit.errors import OutputError

    def full(path: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(langid, "_load_model_file", full)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    monkeypatch.setattr(language, "_LOADED", [])
    monkeypatch.setattr(language, "_MODEL_CACHE", [])
    said = (f"cannot decode the language model: py3langid unpacks it into a temporary file "
            f"in {tmp_path} (No space left on device); free about 100 MB there, or set "
            "TMPDIR to a writable folder that has it")
    with pytest.raises(OutputError) as raised:
        languagemodel.decode_model()
    assert str(raised.value).startswith(said)
    seeds = make_seeds(tmp_path, {"a.txt": "A text long enough to be told a language by "
                                           "the identifier, in plain English words.\n"})
    with pytest.raises(OutputError, match="cannot decode the language model"):
        build(seeds, tmp_path / "out", jobs=1, cache=tmp_path / cache if cache else None)
    assert not (tmp_path / "out").exists()


def test_a_file_size_limit_under_the_model_is_said_so_not_a_full_disk(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under ``ulimit -f 20000``, the unpacked model (about 100 MB) fails with EFBIG: it was
    told to free 100 MB in /tmp, which had 57 GB free (QA). The limit is named, with what
    to do."""
    import errno

    from py3langid import langid

    from corpuskit.errors import OutputError

    def too_large(path: Any) -> Any:
        raise OSError(errno.EFBIG, "File too large")

    monkeypatch.setattr(langid, "_load_model_file", too_large)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    with pytest.raises(OutputError) as raised:
        languagemodel.decode_model()
    said = str(raised.value)
    assert said == (f"cannot decode the language model: py3langid unpacks it into a "
                    f"temporary file in {tmp_path}, of about 100 MB, over this process's "
                    "limit on the size of a file it writes (File too large: ulimit -f); "
                    "raise the limit (ulimit -f unlimited), then run the command again"), said


@pytest.mark.parametrize("failure", [(errno.EMFILE, "Too many open files"),
                                     (errno.ENFILE, "Too many open files in system")],
                         ids=["emfile", "enfile"])
def test_no_descriptor_left_for_the_model_is_said_so_not_a_full_disk(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: tuple[int, str]) -> None:
    """Under ``ulimit -n 5``, ``diff`` was told to free about 100 MB in /tmp, which had
    24 GB free (QA s83 review2, finding 4): the open-files limit is named, with what to
    do, and no word of room or of TMPDIR."""
    from py3langid import langid

    from corpuskit.errors import OutputError

    def no_descriptor(path: Any) -> Any:
        raise OSError(*failure)

    monkeypatch.setattr(langid, "_load_model_file", no_descriptor)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    with pytest.raises(OutputError) as raised:
        languagemodel.decode_model()
    said = str(raised.value)
    assert said.startswith(f"cannot decode the language model: py3langid unpacks it into a "
                           f"temporary file in {tmp_path} ({failure[1]}); this process may "
                           "open no more files"), said
    assert "ulimit -n" in said and "then run the command again" in said, said
    assert "free about" not in said and "TMPDIR" not in said, said


def test_the_model_is_kept_only_where_the_disk_has_room_beside_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, decoded: languagemodel.Model,
        decodes: list[int]) -> None:
    """Keeping the model (about 94 MB) filled a small disk, and the build that kept it
    failed on its own files, which fitted without it (QA). Where the disk has not room for
    it and as much again, it is not kept, and the build says so."""
    import collections

    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr(languagemodel.shutil, "disk_usage",
                        lambda path: usage(30 << 20, 0, 30 << 20))
    folder = languagemodel.model_folder(tmp_path / "cache")
    said = languagemodel.store_model(folder, languagemodel.kept_form(decoded))
    assert said is not None and said.startswith("the language model (")
    assert f"was not kept in the cache folder {tmp_path / 'cache'}: 30 MB are free" in said
    assert not folder.exists()
    monkeypatch.setattr(language, "_LOADED", [])
    monkeypatch.setattr(language, "_MODEL_CACHE", [])
    files = {f"{n}.txt": f"Text number {n} of a few plain English words, enough for the "
                         "identifier.\n" for n in range(3)}
    # and a megabyte of text: two batches of documents for the two workers the model is
    # kept for (a build forks no more workers than it has work for)
    files["long.txt"] = "A long text\n\n" + "Words of a long text. " * 50_000 + "\n"
    seeds = make_seeds(tmp_path, files)
    result = build(seeds, tmp_path / "out", jobs=2, cache=tmp_path / "cache")
    assert said in result.notes, result.notes
    monkeypatch.undo()
    assert languagemodel.store_model(folder, languagemodel.kept_form(decoded)) is None
    assert languagemodel.read_model(folder) is not None


@pytest.fixture
def decoding_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                       decoded: languagemodel.Model) -> Path:
    """Decoding the model replaced by handing out the module's ``decoded`` (as
    :func:`decodes` does), in this process and in the workers forked from it: each
    decoding appends its process id to the file returned, a line each."""
    counter = tmp_path / "decoding-processes"
    counter.write_text("")

    def decode() -> languagemodel.Model:
        with counter.open("a") as lines:
            lines.write(f"{os.getpid()}\n")
        return decoded

    monkeypatch.setattr(languagemodel, "decode_model", decode)
    monkeypatch.setattr(fastlangid, "decode_model", decode)  # its own name for it
    return counter


def _reproduce_package(tmp_path: Path, overrides: dict[str, Any] | None = None) -> Any:
    """A build of 150 short German, English and French documents: three batches of records
    to re-derive (REPRODUCE_BATCH), for two workers."""
    sentences = ["Die Kommission hat am Dienstag neue Regeln für alle Länder beschlossen.",
                 "The committee decided on Tuesday that the new rules apply to everyone.",
                 "La commission a décidé mardi que les nouvelles règles s'appliquent."]
    seeds = make_seeds(tmp_path, {f"doc-{i:03d}.txt": f"{sentences[i % 3]} ({i})\n"
                                  for i in range(150)}, overrides)
    return build(seeds, tmp_path / "out", jobs=1, cache=None)


def _as_a_fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """No model loaded in this process, nor any cache folder named for it."""
    monkeypatch.setattr(language, "_LOADED", [])
    monkeypatch.setattr(language, "_MODEL_CACHE", [])


def test_validate_reproduce_loads_the_model_once_before_forking_its_workers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, empty_user_cache: Path,
        decoding_processes: Path) -> None:
    """validate --reproduce's workers each decoded py3langid's model themselves (about
    0.6 s of CPU each), never from the copy builds keep (QA). As a build with the default
    cache, it decodes the model once, in the parent, before forking (the workers share
    it), and keeps it in the user's cache folder; the next run reads it there, decoding
    nothing. The reports are the same."""
    from corpuskit import validate

    built = _reproduce_package(tmp_path)
    _as_a_fresh_process(monkeypatch)
    decoding_processes.write_text("")
    first = validate(built.release, reproduce=True, jobs=2)
    assert first.valid, first.problems
    assert decoding_processes.read_text().split() == [str(os.getpid())]
    assert languagemodel.read_model(languagemodel.model_folder(empty_user_cache)) is not None
    _as_a_fresh_process(monkeypatch)
    decoding_processes.write_text("")
    again = validate(built.release, reproduce=True, jobs=2)
    assert again.as_dict() == first.as_dict()
    assert decoding_processes.read_text() == ""  # read from the copy kept
    assert language._LOADED  # here, before forking: the workers found it loaded


def test_validate_reproduce_keeps_the_model_out_of_the_package_it_checks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        decoding_processes: Path) -> None:
    """A user's cache folder inside the package checked (XDG_CACHE_HOME there): the model
    is decoded, once, and kept nowhere; validate writes nothing into the package."""
    from corpuskit import validate

    built = _reproduce_package(tmp_path)
    before = sorted(path for path in built.release.rglob("*"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(built.release / "data" / "xdg"))
    for jobs in (2, 1):
        _as_a_fresh_process(monkeypatch)
        decoding_processes.write_text("")
        report = validate(built.release, reproduce=True, jobs=jobs)
        assert report.valid, report.problems
        assert decoding_processes.read_text().split() == [str(os.getpid())]
        assert sorted(path for path in built.release.rglob("*")) == before


def test_validate_reproduce_makes_no_home_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        decoding_processes: Path) -> None:
    """HOME a folder that does not exist, XDG_CACHE_HOME unset: the model is decoded, once,
    and kept nowhere; validate makes no home folder (QA: it made HOME's folders, and
    ``.cache/corpuskit/models`` in them)."""
    from corpuskit import validate

    built = _reproduce_package(tmp_path)
    home = tmp_path / "gone" / "home"
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(home))
    _as_a_fresh_process(monkeypatch)
    decoding_processes.write_text("")
    report = validate(built.release, reproduce=True, jobs=2)
    assert report.valid, report.problems
    assert decoding_processes.read_text().split() == [str(os.getpid())]
    assert not (tmp_path / "gone").exists()


def test_validate_reproduce_loads_no_model_for_settings_that_identify_no_language(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, empty_user_cache: Path,
        decoding_processes: Path) -> None:
    """A package built with extract.language off needs no model to re-derive its records:
    none is loaded, here or in the workers, nor kept."""
    from corpuskit import validate

    built = _reproduce_package(tmp_path, {"extract": {"language": False}})
    _as_a_fresh_process(monkeypatch)
    decoding_processes.write_text("")
    report = validate(built.release, reproduce=True, jobs=2)
    assert report.valid, report.problems
    assert decoding_processes.read_text() == ""
    assert language._LOADED == []
    assert not empty_user_cache.exists()
