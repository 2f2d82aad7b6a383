"""Offline language identification with py3langid (one model, loaded once per process)."""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
from functools import cache, partial
from pathlib import Path
from typing import Any

#: Characters of text handed to the identifier. Its cost grows with the bytes (~0.1 µs a byte
#: with corpuskit.languageid.fastlangid, ~0.4 µs with py3langid's own Python loop); on the benchmark
#: corpus 300, 512 and 1500 gave the same labels.
SAMPLE_CHARS = 512


_LOADING = threading.Lock()
_LOADED: list[Any] = []
#: The cache folder the model is loaded from and kept in, if any (see use_model_cache).
_MODEL_CACHE: list[Path] = []


def use_model_cache(cache: Path | None) -> None:
    """Load the model from the cache folder ``cache``, keeping it there decoded
    (:mod:`corpuskit.languageid.languagemodel`), if this process has not loaded it yet. A build's
    workers are told their build's cache folder; without one, the model is decoded from
    py3langid's file.

    Never waits: a worker calls this before each shard, while its preloading thread may
    hold the loading lock for the whole load (the shard's reading and copying go on
    meanwhile). A load that starts later reads whichever folder was named last."""
    _MODEL_CACHE[:] = [cache] if cache is not None else []


def _identifier() -> Any:
    """py3langid's identifier with its exact fast path (:mod:`corpuskit.languageid.fastlangid`),
    loaded once per process, by whichever thread asks first."""
    loaded = _LOADED[:1]  # one read: another thread may forget the model (forget_model)
    if loaded:
        return loaded[0]
    with _LOADING:
        if not _LOADED:
            from .fastlangid import FastIdentifier

            cache = _MODEL_CACHE[0] if _MODEL_CACHE else None
            _LOADED.append(FastIdentifier.load(norm_probs=True, cache=cache))
        return _LOADED[0]


def load_model_now() -> None:
    """Load the model in this process now, if it is not loaded yet: from the cache folder
    named last (:func:`use_model_cache`), else decoded (and kept there). ``validate
    --reproduce`` does this before it forks its workers, which then share it."""
    _identifier()


def forget_model() -> None:
    """Let this process's model go (it is loaded again when next asked for). A build's
    parent does this once its workers, forked with the model, have it, and its copy is
    kept in the cache: the parent's memory then does not hold the model while it lists
    the corpus, whose file list grows with the corpus."""
    with _LOADING:
        _LOADED.clear()


def preload(cache: Path | None = None) -> None:
    """Start loading the model in the background (about half a second of CPU).

    A build's workers do this as they start, while the parent lists the corpus on one
    core: the first document that needs a language then finds the model ready. On Linux
    the loading thread runs at the lowest priority, so that it takes only the time no one
    else wants and never slows the listing down. ``cache``: see :func:`use_model_cache`.
    """
    use_model_cache(cache)
    threading.Thread(target=_load_politely, name="corpuskit-language-model",
                     daemon=True).start()


def load_before_forking(cache: Path | None) -> Callable[[], str | None] | None:
    """Load the model in this process now if it would have to be decoded (it is not kept
    in the cache folder ``cache`` yet, nor in the user's, or there is none:
    :func:`corpuskit.languageid.languagemodel.kept_folders`). Returns None if it was not
    loaded, else what keeps the decoded copy in ``cache`` for later builds: call it once
    the workers are forked (in a thread: it writes 97 MB, and a process must not fork
    while a thread runs); it returns why the copy was not kept for want of room, or None.

    Decoding takes about 0.6 s of CPU, and the copy kept in the cache another 0.3 s to
    write: a build's workers, each loading it as they start, did both once per worker (on
    the first build, and every build with ``--no-cache``). Loaded in the parent before it
    forks them, it is done once and the workers share its memory. A model kept already
    is left to the workers: reading it (0.1 s) goes on while the parent lists the corpus.
    """
    from .fastlangid import FastIdentifier
    from .languagemodel import (
        decode_model,
        kept_folders,
        kept_form,
        read_model,
        store_model,
    )

    if _LOADED:  # loaded already (a process that builds again): the workers share it
        return lambda: None
    try:  # its key hashes py3langid's model file: worked out once
        folders = kept_folders(cache) if cache is not None else []
    except OSError:
        folders = []
    # Checked whole (mapped, its CRC-32s taken: about 0.01 s), not only found: a damaged
    # copy, taken for kept, had every worker decode the model and keep it again.
    if any(read_model(folder) is not None for folder in folders):
        return None
    folder = folders[0] if folders else None
    model = kept_form(decode_model())
    use_model_cache(cache)
    with _LOADING:
        if not _LOADED:
            _LOADED.append(FastIdentifier.load(norm_probs=True, model=model))
    return partial(store_model, folder, model) if folder is not None else _kept_nowhere


def _load_politely() -> None:
    """The preloading thread (:func:`preload`): only a head start. A load that fails
    (MemoryError under ``ulimit -v``, a damaged cache) is dropped, for whoever asks for
    the model next loads it again and meets its failure where it is reported, in one
    line; escaping the thread, it printed a traceback first (QA s95 build 2: ``check -j
    2`` at ``ulimit -v 300000``, two of them, from py3langid's modelio)."""
    if sys.platform == "linux":  # a thread id is a process id to setpriority there only
        with suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    with suppress(Exception):  # MemoryError among them: loaded again when asked for
        _identifier()


def iso639_1_many(texts: Sequence[str], *, min_chars: int, min_confidence: float) -> list[str]:
    """An ISO 639-1 code for each of ``texts``, or ``und`` where it is too short
    (:func:`_sample`) or the model unsure (:func:`_code`); the texts identified together
    (about twice as fast a text:
    :meth:`corpuskit.languageid.fastlangid.FastIdentifier.classify_many`)."""
    samples = [_sample(text, min_chars) for text in texts]
    asked = [i for i, sample in enumerate(samples) if sample is not None]
    codes = ["und"] * len(samples)
    found = _identifier().classify_many([samples[i] for i in asked])
    for i, (lang, prob) in zip(asked, found, strict=True):
        codes[i] = _code(str(lang), float(prob), min_confidence)
    return codes


def _sample(text: str, min_chars: int) -> str | None:
    """What the identifier reads of ``text``: its first :data:`SAMPLE_CHARS` characters,
    or, where they hold fewer than ``min_chars`` letters, as much of it as holds that many
    (a label is never read from fewer; a ``language_min_chars`` above the letters of 512
    characters made every text ``und``, however long); None for a text of fewer letters in
    all (a character holds at most one)."""
    sample = text[:SAMPLE_CHARS]
    if min_chars <= 0 or (min_chars <= len(sample) and _letters(min_chars).match(sample)):
        return sample
    if min_chars > len(text):
        return None
    found = _letters(min_chars).match(text)
    return text[:found.end()] if found is not None else None


def _code(lang: str, prob: float, min_confidence: float) -> str:
    """py3langid's label as an ISO 639-1 code, or ``und`` when the model is unsure or the
    label is not a two-letter code."""
    if prob < min_confidence or len(lang) != 2 or not lang.isalpha():
        return "und"
    return lang


@cache
def _letters(count: int) -> re.Pattern[str]:
    """Matches a text that holds ``count`` letters, reading only up to the last of them
    (cheaper than listing every letter: ``[\\W\\d_]`` is all that is not a letter)."""
    return re.compile(rf"(?:[\W\d_]*[^\W\d_]){{{count}}}")


def rank(text: str) -> list[tuple[str, float]]:
    """Every language of the model with its probability for ``text``, most probable first."""
    return [(str(lang), float(prob)) for lang, prob in _identifier().rank(text[:SAMPLE_CHARS])]


def _kept_nowhere() -> None:
    """What keeping the model is where there is no cache folder: nothing."""
    return None
