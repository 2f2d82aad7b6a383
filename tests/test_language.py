"""Language identification (corpuskit.languageid.fastlangid,
corpuskit.languageid.portablefloat): the fast path gives, bit for bit, what py3langid's own
walk gives in the same arithmetic, that arithmetic gives the same bits on every machine, and
its labels are py3langid's own.

``plain`` is a ``FastIdentifier`` as py3langid's ``from_model_file`` makes it: the fast path
off, so py3langid's DFA walk (``visit_counts``) and its float16 table, scored and decided in
corpuskit's portable arithmetic. Comparisons with it are exact: the same label and
probability from ``classify`` and the same list of (label, probability) from ``rank`` (all
140 probabilities, compared as floats with ``==``). ``py3langid`` is py3langid itself,
whose float32 arithmetic depends on the machine's BLAS and SIMD kernels: its labels are
compared.
"""

from __future__ import annotations

import os
import random
import re
import sys
from collections.abc import Iterator
from itertools import count as itertools_count
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import SEED_FILE, SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from property_budget import examples
from py3langid import langid
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from corpuskit.fallbacks import STRICT_VARIABLE
from corpuskit.languageid import fastlangid, language
from corpuskit.languageid.fastlangid import FastIdentifier

Text = str | bytes


@pytest.fixture(scope="module")
def plain() -> Any:
    reference = _plain()
    assert not reference.fast and reference.nb_ptc.dtype == np.float16
    return reference


@pytest.fixture(scope="module")
def py3langid() -> Any:
    return _as_from_model_file(LanguageIdentifier, norm_probs=True)


@pytest.fixture(scope="module")
def fast() -> Any:
    identifier = language._identifier()
    assert isinstance(identifier, FastIdentifier)
    return identifier


def differences(fast: Any, plain: Any, texts: list[Text]) -> list[Text]:
    """The texts on which the fast identifier's classify or rank differ from py3langid's."""
    return [text for text in texts
            if fast.classify(text) != plain.classify(text) or fast.rank(text) != plain.rank(text)]


# -- texts -------------------------------------------------------------------------------

WORDS = {
    "en": "the of and to in is that for it with as was on government said new year market",
    "fr": "le la les des et est une pour dans que qui été école élection président où œuvre",
    "de": "der die das und ist nicht mit für auf Größe Märkte Schüler öffentlich heute",
    "es": "el la los de que y en un por con para más año política económica según",
    "ru": "и в не на что с по это как к правительство объявило новой политике году",
    "zh": "的 是 在 和 了 有 政府 宣布 新的 经济 政策 市场 学生 国家",
    "ja": "の に は を た が で て と し れ さ ある いる する 日本語 テキスト",
    "ar": "في من على أن إلى عن مع هذا التي الحكومة الجديدة السياسة",
    "el": "και το της την του η με για από είναι κυβέρνηση νέα πολιτική",
    "hi": "के में की है और से को एक पर यह सरकार नई नीति",
    "ko": "그 이 저 것 수 등 정부 새로운 경제 정책 시장",
    "th": "การ ของ และ ที่ ใน มี ได้ รัฐบาล นโยบาย ใหม่",
}
SEPARATORS = (" ", " ", " ", "  ", ", ", ". ", "\n", "\n\n", "\t", " - ", "… ", "! ", "?")
EXTRAS = ("2024", "12.5%", "https://example.org/a?b=1", "e-mail", "(", ")", "“", "”", "«",
          "»", "—", "x", "QQQ", "\u00a0", "\u200b", "\u0301", "\ufeff", "🙂", "\U0001f1eb")


def deterministic_texts(count: int, seed: str = "fastlangid") -> Iterator[str]:
    """Texts of every length (0 to ~3000 characters) in one or several languages, some in
    capitals (py3langid lowers all-capital text), with numbers, URLs, symbols and emoji.

    The first ``count`` of the seed's texts, made once and kept: several tests read the
    same ones (the first 300 of a seed's are the first 300 of its 3000)."""
    made, more = _MADE.setdefault(seed, ([], _generate_texts(seed)))
    made.extend(islice(more, max(0, count - len(made))))
    return iter(made[:count])


#: Each seed's texts made so far, and the generator that makes the next.
_MADE: dict[str, tuple[list[str], Iterator[str]]] = {}


def _generate_texts(seed: str) -> Iterator[str]:
    """The texts of :func:`deterministic_texts`, without end."""
    rng = random.Random(seed)
    vocab = {lang: words.split() for lang, words in WORDS.items()}
    langs = sorted(vocab)
    for i in itertools_count():
        mix = rng.sample(langs, rng.choice((1, 1, 1, 2, 3)))
        length = rng.choice((0, 1, 2, 5, 20, 100, 300, 512, 800, 1500, 3000))
        parts: list[str] = []
        size = 0
        while size < length:
            lang = rng.choice(mix)
            word = rng.choice(EXTRAS) if rng.random() < 0.08 else rng.choice(vocab[lang])
            parts += (word, rng.choice(SEPARATORS))
            size += len(word) + 1
        text = "".join(parts)[:length]
        if i % 7 == 0:
            text = text.upper()
        elif i % 11 == 0:
            text = text.title()
        yield text


def test_deterministic_texts_give_py3langids_results(fast: Any, plain: Any) -> None:
    texts: list[Text] = list(deterministic_texts(3000))
    seed_text = (SEEDS / SEED_FILE).read_text("utf-8")
    texts += [seed_text[i:i + n] for i in range(0, len(seed_text), 97) for n in (7, 512)]
    texts += [t.encode("utf-8") for t in texts[:300]]  # classify takes UTF-8 bytes too
    assert differences(fast, plain, texts) == []


def test_labels_are_py3langids_and_probabilities_within_its_float32(
        fast: Any, py3langid: Any) -> None:
    """The portable arithmetic is float64 where py3langid's is float32 (about 7 digits):
    on these texts every label is py3langid's, and every probability within 1e-4 of its
    own; a text whose probability lies closer than that to a threshold or to the second
    language's may be labelled otherwise, the same on every machine."""
    texts: list[Text] = list(deterministic_texts(3000))
    ours = [fast.classify(text) for text in texts]
    theirs = [py3langid.classify(text) for text in texts]
    assert [label for label, _ in ours] == [label for label, _ in theirs]
    assert max(abs(a - b) for (_, a), (_, b) in zip(ours, theirs, strict=True)) < 1e-4
    for text in texts[:200]:
        mine, other = dict(fast.rank(text)), dict(py3langid.rank(text))
        assert mine.keys() == other.keys()
        assert max(abs(mine[label] - other[label]) for label in mine) < 1e-4


def test_the_fast_path_is_taken(fast: Any, plain: Any, monkeypatch: pytest.MonkeyPatch
                                ) -> None:
    """Not a comparison of py3langid with itself: the fast identifier walks py3langid's DFA
    only for texts with no feature (py3langid's fill for those is used as it is)."""
    assert fast.fast
    texts = list(deterministic_texts(400, seed="taken"))
    featureless = sum(
        langid.visit_counts(plain.tk_nextmove, plain._rowbase, plain.tk_output,
                            plain._encode(t)) is None for t in texts)
    walks = 0
    visit_counts = langid.visit_counts

    def counting(*args: Any) -> Any:
        nonlocal walks
        walks += 1
        return visit_counts(*args)

    monkeypatch.setattr(langid, "visit_counts", counting)
    for text in texts:
        fast.classify(text)
    assert featureless < len(texts) // 4  # the empty and one-character ones
    assert walks == featureless


def test_the_order_of_the_features_changes_no_bit(fast: Any, plain: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The features' rows are summed exactly, so the order they come in cannot matter
    (py3langid's float32 product gave other last bits in another order): sorted, or
    reversed, the scores are the same bits."""
    first_visit = FastIdentifier._first_visit_counts
    texts = list(deterministic_texts(300))
    expected = [(plain.classify(text), plain.rank(text)) for text in texts]
    for reorder in (np.argsort, lambda keys: np.arange(len(keys))[::-1]):
        def reordered(self: Any, features: Any, reorder: Any = reorder) -> tuple[Any, Any]:
            keys, counts = first_visit(self, features)
            order = reorder(keys)
            return keys[order], counts[order]

        monkeypatch.setattr(FastIdentifier, "_first_visit_counts", reordered)
        assert [(fast.classify(text), fast.rank(text)) for text in texts] == expected


def test_a_changed_weight_is_caught(fast: Any, plain: Any,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparisons are sharp: one weight of the table a float16 step away changes the
    probabilities of the texts with that feature."""
    table = fast._float32_table().copy()
    nextmove, rowbase, output = fast._arrays()
    text = fast._encode("Le gouvernement a annoncé une nouvelle politique économique.")
    states = fastlangid.settled_walk(nextmove, rowbase, np.frombuffer(text, np.uint8))
    feature = int(output.take(states)[output.take(states) >= 0][0])
    table[feature, 0] = np.nextafter(np.float16(table[feature, 0]), np.float16(0))
    monkeypatch.setattr(FastIdentifier, "_float32_table", lambda self: table)
    assert fast.rank(text) != plain.rank(text)


# -- hypothesis: any text --------------------------------------------------------------

SCRIPT_RANGES = (
    (0x61, 0x7A), (0xC0, 0x17F), (0x391, 0x3C9), (0x410, 0x44F), (0x5D0, 0x5EA),
    (0x621, 0x64A), (0x905, 0x939), (0xE01, 0xE30), (0x10D0, 0x10F0), (0x3041, 0x30FF),
    (0x4E00, 0x4FFF), (0xAC00, 0xAD00), (0x1F600, 0x1F64F),
)
script_words = st.one_of(*(
    st.text(st.characters(min_codepoint=lo, max_codepoint=hi), min_size=1, max_size=12)
    for lo, hi in SCRIPT_RANGES))
separators = st.sampled_from(SEPARATORS)
sentences = st.lists(st.tuples(script_words, separators), max_size=400).map(
    lambda pairs: "".join(w + s for w, s in pairs))
any_text = st.one_of(
    sentences,
    sentences.map(str.upper),
    st.text(max_size=3000),  # any code points
    st.text(st.characters(codec=None, exclude_categories=()), max_size=200),  # surrogates
    st.text(" \t\n\r\x0b\x0c\u00a0\u2028\u3000", max_size=50),  # whitespace only
    st.text(max_size=3),  # very short
    st.binary(max_size=600),  # bytes, valid UTF-8 or not
    st.lists(st.sampled_from([w for ws in WORDS.values() for w in ws.split()]),
             max_size=600).map(" ".join),
)


@settings(max_examples=examples(1000), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_any_text_gives_py3langids_results(text: Text) -> None:
    fast, plain = language._identifier(), _plain()
    assert fast.classify(text) == plain.classify(text)
    assert fast.rank(text) == plain.rank(text)


_PLAIN: list[Any] = []


def _plain() -> Any:
    """``plain`` (the fixture), for the tests that cannot take a fixture; made once."""
    if not _PLAIN:
        _PLAIN.append(FastIdentifier.from_model_file(MODEL_FILE, norm_probs=True))
    return _PLAIN[0]


def _decoded() -> Any:
    """The model as py3langid's loader decodes it (corpuskit.languageid.languagemodel.decode_model):
    the very arrays ``from_model_file`` gave ``plain``. Decoding takes 0.6 s of CPU and a
    100 MB temporary file: done once for the module, not once for each identifier and
    build here whose subject is not the decoding."""
    made = _plain()
    return (made.nb_ptc, made.nb_pc, made.nb_classes, made.tk_nextmove, made.tk_row,
            made.tk_output)


def _as_from_model_file(cls: Any, *, norm_probs: bool) -> Any:
    """An identifier of class ``cls`` as ``cls.from_model_file(MODEL_FILE, norm_probs=...)``
    makes it (its constructor, given the arrays py3langid's loader decodes), without
    decoding the model again: :func:`_decoded`."""
    ptc, pc, classes, nextmove, row, output = _decoded()
    return cls(np.asarray(ptc), np.asarray(pc), classes, nextmove, output,
               norm_probs=norm_probs, tk_row=row)


# -- the walk and the fallbacks --------------------------------------------------------

def test_walk_that_does_not_settle_goes_to_py3langid(fast: Any, plain: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastlangid, "MAX_ROUNDS", 2)
    nextmove, rowbase, _ = fast._arrays()
    data = np.frombuffer(b"Hello world", dtype=np.uint8)
    assert fastlangid.settled_walk(nextmove, rowbase, data) is None
    texts = list(deterministic_texts(100, seed="unsettled"))
    assert differences(fast, plain, texts) == []


def test_settled_walk_is_py3langids_walk(fast: Any) -> None:
    nextmove, rowbase, _ = fast._arrays()
    for text in deterministic_texts(200, seed="walk"):
        data = fast._encode(text)
        state, expected = 0, []
        for byte in data:
            state = fast.tk_nextmove[fast._rowbase[state] + byte]
            expected.append(state)
        walked = fastlangid.settled_walk(nextmove, rowbase, np.frombuffer(data, np.uint8))
        assert walked is not None and walked.tolist() == expected


def _walks_every_round(nextmove: Any, rowbase: Any, texts: list[bytes]
                       ) -> tuple[Any, Any, Any] | None:
    """settled_walks's definition: every round computes every position (as it did before
    the later rounds computed only the positions whose state before changed)."""
    starts = np.cumsum([0] + [len(text) + 1 for text in texts[:-1]])
    data = np.frombuffer(b"\0" + b"\0".join(texts), dtype=np.uint8)
    before = np.zeros(len(data) + 1, dtype=nextmove.dtype)
    previous, after = before[:-1], before[1:]
    for done in range(1, fastlangid.MAX_ROUNDS + 1):
        states = nextmove.take(rowbase.take(previous) + data)
        states[starts] = 0
        if done == fastlangid.MAX_ROUNDS:
            settled = np.ones(len(texts), dtype=bool)
            changed = np.flatnonzero(states != after)
            settled[np.searchsorted(starts, changed, side="right") - 1] = False
            return (after, starts, settled) if settled.any() else None
        after[:] = states
    return None


@settings(max_examples=examples(300), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_text, min_size=1, max_size=6), st.sampled_from([1, 2, 3, 5, 6, 7, 16]),
       st.sampled_from([1, 3, 5]))
def test_walk_rounds_of_changed_positions_are_the_rounds_of_every_position(
        texts: list[Text], max_rounds: int, settle_rounds: int) -> None:
    """After SETTLE_ROUNDS, a round computes only the positions whose state before
    changed: the same states, and the same texts settled, as every round of every
    position (MAX_ROUNDS of them: a text that changes in the last is not settled)."""
    identifier = language._identifier()
    nextmove, rowbase, _ = identifier._arrays()
    encoded = [identifier._encode(text) for text in texts]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fastlangid, "MAX_ROUNDS", max_rounds)
        patch.setattr(fastlangid, "SETTLE_ROUNDS", settle_rounds)
        expected = _walks_every_round(nextmove, rowbase, encoded)
        got = fastlangid.settled_walks(nextmove, rowbase, encoded)
        assert (got is None) == (expected is None)
        if got is not None and expected is not None:
            settled = expected[2]
            assert got[2].tolist() == settled.tolist() and got[1].tolist() == expected[1].tolist()
            for start, text, ok in zip(expected[1].tolist(), encoded, settled, strict=True):
                if ok:
                    span = slice(start, start + len(text) + 1)
                    assert got[0][span].tolist() == expected[0][span].tolist()
        each = expected[2].tolist() if expected is not None else [False] * len(encoded)
        for text, ok in zip(encoded, each, strict=True):  # and each text alone
            alone = fastlangid.settled_walk(nextmove, rowbase, np.frombuffer(text, np.uint8))
            assert (alone is not None) == ok


def test_one_table_is_kept_and_py3langids_own_walk_gives_the_same_bits(
        fast: Any, plain: Any) -> None:
    """The loaded identifier keeps only the float32 table (the float16 one, 27 MB, is
    dropped), and py3langid's own walk, which the fast path falls back to, gives from
    it the very scores it gives from the float16 table."""
    assert fast.nb_ptc.dtype == np.float32 and plain.nb_ptc.dtype == np.float16
    assert fast._full_model[0] is fast.nb_ptc
    texts: list[Text] = list(deterministic_texts(600, seed="one table"))
    for text in texts:
        encoded = plain._encode(text)
        ours = LanguageIdentifier._raw_score(fast, encoded)
        theirs = LanguageIdentifier._raw_score(plain, encoded)
        assert ours.dtype == theirs.dtype and ours.tobytes() == theirs.tobytes(), text


def test_missing_py3langid_internals_turn_the_fast_path_off(
        fast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert fast.self_check()
    monkeypatch.delattr(LanguageIdentifier, "_sparse_score")
    assert not fast.self_check()
    assert fast.fast  # a check does not switch the path; load does


def test_a_fast_path_that_fails_its_check_is_turned_off_or_under_corpuskit_strict_raises(
        fast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """By design a fast walk that fails on the probes is not used (py3langid's is): the
    build is only slower. The tests (CORPUSKIT_STRICT=1) see the failure (QA s83 review,
    finding 7)."""
    def broken(self: Any, texts: Any) -> Any:
        raise IndexError("a bug of the fast walk")

    monkeypatch.setattr(FastIdentifier, "classify_many", broken)
    monkeypatch.setenv(STRICT_VARIABLE, "1")
    with pytest.raises(IndexError, match="a bug of the fast walk"):
        fast.self_check()
    monkeypatch.delenv(STRICT_VARIABLE)
    assert not fast.self_check()
    assert fast.fast  # a check does not switch the path; load does


def test_a_fast_path_that_differs_is_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    table = FastIdentifier._float32_table
    monkeypatch.setattr(FastIdentifier, "_float32_table", lambda self: table(self) * 2)
    identifier = FastIdentifier.load(norm_probs=True, model=_decoded())
    assert not identifier.fast
    text = "Le gouvernement a annoncé une nouvelle politique."
    assert identifier.classify(text) == _plain().classify(text)


# -- many texts at once ----------------------------------------------------------------

def _batches(texts: list[str], size: int) -> Iterator[list[str]]:
    return (texts[i:i + size] for i in range(0, len(texts), size))


def test_many_texts_at_once_give_py3langids_results(fast: Any, plain: Any) -> None:
    """Batches of every size, with texts repeated within a batch (each gets its own
    score), empty ones and ones with no feature (py3langid's fill)."""
    texts = list(deterministic_texts(1200, seed="many"))
    texts += [*texts[:40], "", " ", "a", "1234", "", "\u200b"]
    expected = [plain.classify(text) for text in texts]
    for size in (1, 2, 15, 16, 17, 128, len(texts)):
        got = [found for batch in _batches(texts, size) for found in fast.classify_many(batch)]
        assert got == expected, size


def test_many_texts_are_walked_together(fast: Any, plain: Any,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Not the one-text path called for each: that path's walk is not called at all."""
    texts = [text for text in deterministic_texts(200, seed="together") if len(text) > 20]
    expected = [plain.classify(text) for text in texts]

    def not_here(*args: Any) -> None:
        raise AssertionError("walked one text at a time")

    monkeypatch.setattr(fastlangid, "settled_walk", not_here)
    assert fast.classify_many(texts) == expected
    with pytest.raises(AssertionError, match="one text at a time"):
        fast.classify(texts[0])


def test_many_texts_are_decided_together(fast: Any, plain: Any,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Probabilities, aliases folded and labels of all the texts with a score at once, as
    py3langid's _decide and classify give them one by one: neither is called for them."""
    texts = [text for text in deterministic_texts(300, seed="decided") if len(text) > 20]
    texts += ["Ово је реченица на српском језику, написана ћирилицом.",
              "Ovo je rečenica na srpskom jeziku, napisana latinicom."]  # aliased labels
    expected = [plain.classify(text) for text in texts]

    def not_here(*args: Any) -> None:
        raise AssertionError("decided one text at a time")

    monkeypatch.setattr(fast, "_decide", not_here)
    monkeypatch.setattr(fast, "classify", not_here)
    assert fast.classify_many(texts) == expected


def test_many_texts_without_probabilities_are_decided_by_py3langid(plain: Any) -> None:
    """An identifier of raw scores (norm_probs off) takes py3langid's classify for each."""
    raw = FastIdentifier.load(norm_probs=False, model=_decoded())
    assert raw.fast
    texts = [text for text in deterministic_texts(100, seed="raw scores") if text]
    unnormalized = _as_from_model_file(FastIdentifier, norm_probs=False)
    assert raw.classify_many(texts) == [unnormalized.classify(text) for text in texts]
    theirs = _as_from_model_file(LanguageIdentifier, norm_probs=False)
    assert ([label for label, _ in raw.classify_many(texts)]
            == [theirs.classify(text)[0] for text in texts])


def test_walks_of_many_texts_are_each_texts_walk(fast: Any) -> None:
    nextmove, rowbase, _ = fast._arrays()
    texts = [fast._encode(text) for text in deterministic_texts(300, seed="walks")]
    walked = fastlangid.settled_walks(nextmove, rowbase, texts)
    assert walked is not None
    states, starts, settled = walked
    assert settled.all() and starts[0] == 0 and len(states) == sum(map(len, texts)) + len(texts)
    for text, start in zip(texts, starts, strict=True):
        alone = fastlangid.settled_walk(nextmove, rowbase, np.frombuffer(text, np.uint8))
        assert alone is not None
        assert states[start] == 0
        assert states[start + 1:start + 1 + len(text)].tolist() == alone.tolist()


def test_many_texts_whose_walks_do_not_settle_go_to_py3langid(
        fast: Any, plain: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two rounds settle only texts without two-byte features: the others are scored
    alone, by py3langid's own loop."""
    monkeypatch.setattr(fastlangid, "MAX_ROUNDS", 2)
    nextmove, rowbase, _ = fast._arrays()
    texts = [*deterministic_texts(150, seed="unsettled many"), "a", "", "b"]
    walked = fastlangid.settled_walks(nextmove, rowbase, [fast._encode(t) for t in texts])
    assert walked is not None and 0 < walked[2].sum() < len(texts)
    assert fast.classify_many(texts) == [plain.classify(text) for text in texts]


class _ForwardWrites(np.ndarray):
    """An array whose fancy assignment keeps the first of repeated writes, not the last."""

    def __setitem__(self, index: Any, values: Any) -> None:
        if isinstance(index, np.ndarray) and np.ndim(values):
            index, values = index[::-1], np.asarray(values)[::-1]
        super().__setitem__(index, values)


def test_first_positions_do_not_rely_on_which_repeated_write_stays() -> None:
    slots = np.array([5, 3, 5, 7, 3, 3, 9, 5])
    positions = np.arange(len(slots), dtype=np.int32)
    expected = [0, 1, 0, 3, 1, 1, 6, 0]
    plain_scratch = np.zeros(10, dtype=np.int32)
    assert fastlangid.first_positions(slots, positions, plain_scratch).tolist() == expected
    forward = np.zeros(10, dtype=np.int32).view(_ForwardWrites)
    assert fastlangid.first_positions(slots, positions, forward).tolist() == expected


def test_grouped_first_visits_are_each_texts_first_visits(fast: Any) -> None:
    """Texts of a group share one scratch array: each text's keys and counts, in order of
    first visit, are those of the text alone."""
    nextmove, rowbase, output = fast._arrays()
    texts = [fast._encode(t) for t in deterministic_texts(16, seed="grouped") if t]
    alone = []
    features_of = []
    for text in texts:
        states = fastlangid.settled_walk(nextmove, rowbase, np.frombuffer(text, np.uint8))
        features = output.take(states)
        features_of.append(features[features >= 0])
        alone.append(fast._first_visit_counts(features_of[-1]))
    owner = np.repeat(np.arange(len(texts)), [len(f) for f in features_of])
    keys, counts, of = fast._grouped_first_visit_counts(np.concatenate(features_of), owner,
                                                       owner + 100)
    for index, (alone_keys, alone_counts) in enumerate(alone):
        mine = of == index + 100
        assert keys[mine].tolist() == alone_keys.tolist()
        assert counts[mine].tolist() == alone_counts.tolist()


# -- iso639_1_many ---------------------------------------------------------------------

_LETTER = re.compile(r"[^\W\d_]")


def _iso639_1_defined(text: str, *, min_chars: int, min_confidence: float) -> str:
    """A text's code as iso639_1_many's definition reads: ``und`` for a text of fewer
    than ``min_chars`` letters (the whole text's), else the label, when sure, of its first
    512 characters, or of as much as holds ``min_chars`` letters where those hold fewer."""
    positions = [match.end() for match in _LETTER.finditer(text)]
    if len(positions) < min_chars:
        return "und"
    sample = text[:language.SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < min_chars:
        sample = text[:positions[min_chars - 1]]
    lang, prob = language._identifier().classify(sample)
    if prob < min_confidence or len(lang) != 2 or not lang.isalpha():
        return "und"
    return lang


@settings(max_examples=examples(1500), deadline=None)
@given(st.lists(st.one_of(st.text(max_size=700), sentences, st.text("a1_ .é\n-", max_size=700),
                          st.builds(lambda *parts: " ".join(parts), sentences, sentences,
                                    sentences)),
                min_size=1, max_size=4),
       st.one_of(st.integers(0, 120), st.integers(300, 900), st.integers(0, 2**59)),
       st.sampled_from([0.0, 0.5, 0.8, 0.99]))
def test_iso639_1_many_is_its_definition(texts: list[str], min_chars: int,
                                         min_confidence: float) -> None:
    """Alone or together (the build's workers identify a batch of texts at once, which
    takes the identifier's batched path from two texts on), each text's code is its
    definition's."""
    assert language.iso639_1_many(texts, min_chars=min_chars,
                                  min_confidence=min_confidence) == [
        _iso639_1_defined(text, min_chars=min_chars, min_confidence=min_confidence)
        for text in texts]


def test_a_long_text_is_identified_whatever_min_chars_below_its_letters() -> None:
    """Letters were counted in the identifier's 512-character sample only: with
    language_min_chars = 600 every document was und, however long (QA)."""
    text = " ".join(["The river runs past the old mill and under the stone bridge."] * 80)
    letters = len(_LETTER.findall(text))
    for min_chars in (20, 450, 600, letters):
        assert language.iso639_1_many([text, text], min_chars=min_chars,
                                      min_confidence=0.5) == ["en", "en"]
        assert language.iso639_1_many([text], min_chars=min_chars,
                                      min_confidence=0.5) == ["en"]
    assert language.iso639_1_many([text], min_chars=letters + 1,
                                  min_confidence=0.5) == ["und"]


def test_a_label_is_never_read_from_fewer_letters_than_min_chars() -> None:
    """Counting the whole text's letters but reading only its first 512 characters labelled
    a text whose head holds 10 Thai letters among numbers, then English, 'th' from those
    10 letters (QA); it was und before. The identifier now reads as far as holds 20."""
    head = ("สวัสดีครับ " + "1234 5678 90 " * 46)[:600]
    text = head + "\n\nThe quick brown fox jumps over the lazy dog and keeps running. " * 3
    letters = [match.end() for match in _LETTER.finditer(text)]
    assert len(_LETTER.findall(text[:language.SAMPLE_CHARS])) < 20 <= len(letters)
    read = language._identifier().classify(text[:language.SAMPLE_CHARS])
    assert read[0] == "th" and read[1] >= 0.8
    label, probability = language._identifier().classify(text[:letters[19]])
    expected = label if probability >= 0.8 and len(label) == 2 else "und"
    assert expected != "th"
    assert language.iso639_1_many([text], min_chars=20, min_confidence=0.8) == [expected]
    assert language.iso639_1_many([text, text], min_chars=20,
                                  min_confidence=0.8) == [expected, expected]


def test_the_language_is_that_of_the_first_characters_of_the_body_as_the_readme_says(
        ) -> None:
    """QA: a 500-character English preface before 10,000 characters of German was labelled
    ``en``, and the README did not say that only the body's first 512 characters are read:
    it says so (the number the code reads), where ``language`` is described and in the
    ``[extract]`` settings."""
    from corpuskit.config import ExtractConfig
    from corpuskit.extract import extract_parts, languages

    english = ("This short preface is written in English and explains where the following "
               "report came from, who translated it, and why it is published here. ") * 3
    german = ("Die Stadtverwaltung hat am Montag beschlossen, die Bibliothek im Zentrum "
              "umfassend zu renovieren. Die Arbeiten sollen im Frühjahr beginnen. ") * 60
    config = ExtractConfig()
    parts = extract_parts(f"Bericht\n\n{english}\n\n{german}\n", config)
    assert parts.title == "Bericht" and len(english) < language.SAMPLE_CHARS < len(parts.text)
    assert languages([parts.text, german], config) == ["en", "de"]
    readme = " ".join((Path(__file__).resolve().parents[1] / "README.md").read_text(
        "utf-8").split())
    sample = f"from the first {language.SAMPLE_CHARS} characters of the body"
    assert f"The language is identified {sample}, the text once the title and date" in readme
    assert f"'und' when unsure; read from the first {language.SAMPLE_CHARS} # characters of " \
        "the body (after the title and date) only" in readme  # (the [extract] comment)
    assert f"that of the first {language.SAMPLE_CHARS} characters of `text`" in readme


def test_iso639_1_of_many_texts_is_the_definition_of_each() -> None:
    texts = [*deterministic_texts(400, seed="iso many"), "", "Hi", "12345 67890"]
    for min_chars, min_confidence in ((0, 0.0), (20, 0.5), (200, 0.99)):
        assert language.iso639_1_many(texts, min_chars=min_chars,
                                      min_confidence=min_confidence) == [
            _iso639_1_defined(text, min_chars=min_chars, min_confidence=min_confidence)
            for text in texts]
    assert language.iso639_1_many([], min_chars=0, min_confidence=0.0) == []


def test_the_model_is_loaded_once_whichever_threads_ask_first(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers preload the model in a thread while the first document may already ask for
    it: one load, one identifier, for every caller."""
    import threading
    import time

    loads: list[int] = []

    def slow_load(*, norm_probs: bool, cache: Path | None = None) -> object:
        loads.append(1)
        time.sleep(0.05)  # long enough for the other callers to arrive meanwhile
        return object()

    monkeypatch.setattr(language, "_LOADED", [])
    monkeypatch.setattr(FastIdentifier, "load", slow_load)
    language.preload()
    got: list[object] = []
    callers = [threading.Thread(target=lambda: got.append(language._identifier()))
               for _ in range(4)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    assert len(loads) == 1
    assert len(got) == 4 and all(found is got[0] for found in got)


def test_pool_workers_warmed_up_with_preload_load_the_model_before_any_task(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from corpuskit.engine import local_pool
    from corpuskit.languageid import languagemodel

    monkeypatch.setattr(language, "_LOADED", [])  # as forked, the workers have no model
    # Each worker's load hands out the model decoded here once (decoding it in each
    # worker cost 0.6 s of CPU there; when it loads is what is tested).
    decoded = _decoded()
    monkeypatch.setattr(languagemodel, "decode_model", lambda: decoded)
    monkeypatch.setattr(fastlangid, "decode_model", lambda: decoded)
    with local_pool(2, warm_up=language.preload) as pool:
        assert pool is not None
        assert pool.submit(_model_loaded_within, 30.0).result()
    with local_pool(2) as pool:
        assert pool is not None
        assert not pool.submit(_model_loaded_within, 0.2).result()


def _model_loaded_within(seconds: float) -> bool:
    """In a worker: whether the language model is loaded, waiting up to ``seconds``."""
    import time

    deadline = time.monotonic() + seconds
    while not language._LOADED and time.monotonic() < deadline:
        time.sleep(0.01)
    return bool(language._LOADED)


@pytest.mark.usefixtures("empty_user_cache")
def test_a_model_to_decode_is_decoded_once_by_the_parent_and_one_kept_is_read_by_the_workers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each build here starts as a fresh process would, with no model loaded.

    - An empty cache: the parent decodes the model once, before forking (the workers share
      it: none preloads), and keeps it in the cache.
    - A cache holding shards mostly hits, and a hit needs no model: no one loads it in
      advance (a miss loads it when it first asks).
    - No cache: the parent decodes it, once.
    - A cache holding only the kept model: the workers read it while the parent lists the
      corpus.
    The records are the same whoever loaded the model."""
    import shutil

    from conftest import make_seeds

    from corpuskit import build
    from corpuskit.languageid import languagemodel

    module = sys.modules["corpuskit.build"]
    asked: list[Any] = []
    pool = module.local_pool

    def spy(jobs: int, *, warm_up: Any = None) -> Any:
        asked.append(warm_up)
        return pool(jobs, warm_up=warm_up)

    decodes = tmp_path / "decodes"  # appended to by whichever process decodes

    def counted() -> Any:
        with decodes.open("a") as counter:
            counter.write(".")
        return _decoded()  # py3langid's decoding, done once for the module

    _decoded()  # (here, before any build forks its workers)
    monkeypatch.setattr(module, "local_pool", spy)
    monkeypatch.setattr(languagemodel, "decode_model", counted)
    monkeypatch.setattr(fastlangid, "decode_model", counted)  # its own name for it
    texts = {"de": "Die Kommission hat am Dienstag beschlossen, dass die neuen Regeln für "
                   "alle Mitgliedstaaten ab dem nächsten Jahr gelten sollen.\n",
             "en": "The committee decided on Tuesday that the new rules will apply to all "
                   "member states from the beginning of next year.\n",
             "fr": "La commission a décidé mardi que les nouvelles règles s'appliqueront à "
                   "tous les États membres dès le début de l'année prochaine.\n"}
    # and a megabyte of text: two batches of documents for two workers (a build forks no
    # more workers than it has work for)
    seeds = make_seeds(tmp_path, {"a.txt": texts["de"], "b.txt": texts["en"],
                                  "long.txt": "A long text\n\n" + texts["en"] * 10_000})
    cache, kept_only = tmp_path / "cache", tmp_path / "kept-only"

    def fresh_build(out: str, cache: Path | None) -> Any:
        monkeypatch.setattr(language, "_LOADED", [])
        monkeypatch.setattr(language, "_MODEL_CACHE", [])
        decodes.write_text("")
        result = build(seeds, tmp_path / out, jobs=2, cache=cache)
        return result, len(decodes.read_text())

    first, first_decodes = fresh_build("one", cache)
    assert languagemodel.read_model(languagemodel.model_folder(cache)) is not None
    shutil.copytree(cache / languagemodel.MODELS_FOLDER, kept_only / languagemodel.MODELS_FOLDER)
    (seeds / "c.txt").write_text(texts["fr"], encoding="utf-8")
    warm, warm_decodes = fresh_build("two", cache)
    cold, cold_decodes = fresh_build("three", None)
    read, read_decodes = fresh_build("four", kept_only)
    assert (first_decodes, warm_decodes, cold_decodes, read_decodes) == (1, 0, 1, 0)
    assert [(w.func, w.args) if w is not None else None for w in asked] == [
        None, None, None, (language.preload, (kept_only,))]
    records = (warm.release / "data" / "documents.jsonl").read_bytes()
    assert b'"language":"fr"' in records  # the miss loaded the model when it asked
    for other in (cold, read):
        assert (other.release / "data" / "documents.jsonl").read_bytes() == records
    assert b'"language":"de"' in (first.release / "data" / "documents.jsonl").read_bytes()


@pytest.mark.usefixtures("empty_user_cache")
def test_a_parent_that_decoded_the_model_lets_it_go_once_its_workers_have_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two shards on two workers, an empty cache: the parent decodes the model once, the
    workers use it, and the parent holds no model when the build returns (it would hold
    it beside the corpus's file list, which grows with the corpus); its copy is kept."""
    from conftest import two_shard_seeds

    from corpuskit import build
    from corpuskit.languageid import languagemodel

    decodes: list[int] = []

    def counted() -> Any:
        decodes.append(os.getpid())
        return _decoded()  # py3langid's decoding, done once for the module

    _decoded()  # (here, before the build forks its workers)
    monkeypatch.setattr(languagemodel, "decode_model", counted)
    monkeypatch.setattr(fastlangid, "decode_model", counted)  # its own name for it
    monkeypatch.setattr(language, "_LOADED", [])
    monkeypatch.setattr(language, "_MODEL_CACHE", [])
    seeds = two_shard_seeds(tmp_path)  # two workers, two shards
    cache = tmp_path / "cache"
    result = build(seeds, tmp_path / "out", jobs=2, cache=cache)
    assert decodes == [os.getpid()]  # in this process (the workers' would not show here)
    assert language._LOADED == []
    assert languagemodel.read_model(languagemodel.model_folder(cache)) is not None
    records = (result.release / "data" / "documents.jsonl").read_bytes()
    assert all(f'"language":"{code}"'.encode() in records for code in ("de", "en", "fr"))


def test_a_text_of_many_features_is_scored_a_slice_of_rows_at_a_time_to_the_same_bits(
        fast: Any, plain: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long sample's rows were taken all at once (100,000 features: 170 MB); in slices,
    each slice's sum is exact, so their exactly rounded total is the same bits."""
    texts = [text for text in deterministic_texts(200, seed="slices") if len(text) > 300]
    expected = [(plain.classify(text), plain.rank(text)) for text in texts]
    monkeypatch.setattr(fastlangid, "ROWS_AT_ONCE", 7)
    assert [(fast.classify(text), fast.rank(text)) for text in texts] == expected
    assert fast.classify_many(texts) == [found for found, _ in expected]


def test_the_codes_validate_takes_are_the_models(plain: Any) -> None:
    """validate holds records' languages to the codes written out in
    corpuskit.languageid.languagecodes (it decodes no model): those are the two-letter labels of the
    pinned py3langid's model, and 'und'."""
    from corpuskit.languageid.languagecodes import IDENTIFIER_CODES, RECORD_CODES, UNDETERMINED

    labels = {str(label) for label in plain.nb_classes}
    two_letters = {label for label in labels if len(label) == 2 and label.isalpha()}
    assert two_letters == IDENTIFIER_CODES
    assert IDENTIFIER_CODES | {UNDETERMINED} == RECORD_CODES
