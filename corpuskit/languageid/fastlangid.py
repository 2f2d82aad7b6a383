"""py3langid's identifier with a fast path (the DFA walk in numpy) and arithmetic that gives
the same bits on every machine.

py3langid (0.4) scores a text in two steps, both slow in CPython, then decides:

1. **Walk.** A DFA reads the UTF-8 bytes in a Python loop (``visit_counts``, ~0.2 µs a
   byte) and counts the features of the states it passes, in order of first visit.
2. **Score.** ``_sparse_score`` gathers the rows of those features from the float16 weight
   table and computes ``log1p(counts) @ rows + priors`` in float32.
3. **Decide.** ``_decide`` divides the scores by a temperature, takes their softmax and
   folds aliased labels.

Its float32 product goes through OpenBLAS, whose kernel is chosen for the CPU (each adds
in its own order), and its ``log1p`` and ``exp`` through numpy's SIMD loops, chosen the
same way: the last bits of a probability depend on the machine, and a text near a
threshold was labelled otherwise on another kernel (QA). Here:

1. The state after byte ``p`` is ``nextmove[rowbase[state before p] + byte p]``. Starting
   with the root state everywhere and applying that map to every position at once, round
   ``k`` gives at each position the state of a walk over its last ``k`` bytes, which is the
   true state once ``k`` covers what that state stands for (py3langid's DFA is an
   Aho-Corasick automaton over byte n-grams: its deepest states are six bytes from the
   root). That is only what makes it converge: a walk is accepted once one more round
   changes nothing, and a sequence equal to its own map is the DFA's walk (by induction
   from the root), whatever the model. One not settled after :data:`MAX_ROUNDS` rounds
   goes py3langid's way. Features are counted in order of first visit with numpy: the
   counts of ``Counter``.
2. Scores (:func:`portable_score`, py3langid's own walk too, through ``_sparse_score``)
   and decisions (:meth:`FastIdentifier.decide_rows`, through ``_decide``) are computed
   in :mod:`corpuskit.languageid.portablefloat`'s arithmetic: float64, the product with the rows
   exact, ``exp`` one IEEE operation at a time. The rows come from a float32 copy of the
   table (every float16 is exactly a float32; 57 MB, converted once, or read as such from
   the cache folder: :mod:`corpuskit.languageid.languagemodel`). The labels are py3langid's but
   where its float32 probabilities lie within about 1e-5 of a threshold or of each other.

Many texts at once (:meth:`FastIdentifier.classify_many`, a build's documents): one walk
for all of them, in the same rounds, and their first-visit counts in groups, so that the
walk's numpy calls are shared by the texts instead of made for each (about half the time
of a text); each text's score is its own, computed for the texts of a group together
(:func:`portablefloat.weighted_rows_of_owners`), and their probabilities are decided
together (:meth:`FastIdentifier.decide_many`), row by row in one set of numpy calls: the
same bits as one text at a time.

Encoding, normalization, ``classify`` and ``rank`` stay py3langid's. The layer leans on
py3langid internals (``_raw_score``, the DFA arrays, the formulas of ``_sparse_score``
and ``_decide``), so :meth:`FastIdentifier.load` checks them and compares the fast walk
with py3langid's on probe texts; on any difference the fast walk is switched off and
every text goes through py3langid's walk.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from py3langid.langid import MODEL_FILE, RAW_FLOOR, LanguageIdentifier

from ..fallbacks import strict
from . import portablefloat
from .languagemodel import Model, decode_model, load_model

#: Rounds of the parallel walk over every position; later rounds compute only the
#: positions whose state before changed (:func:`_walk_rounds`). After ``k`` rounds the
#: states at most ``k`` bytes deep are right; the model's deepest are six bytes deep, but
#: texts of the benchmark corpus rarely reach them (94% settle in five). A hint, not a
#: premise: every walk is checked.
SETTLE_ROUNDS = 5
#: Rounds after which a walk that has not settled is left to py3langid's loop.
MAX_ROUNDS = 16
#: Features of a text whose rows are scored at once (:func:`portable_score`): 8,192 rows
#: of 142 languages are 14 MB as float32 and float64; a long sample's 100,000 were 170 MB.
ROWS_AT_ONCE = 1 << 13
#: Texts whose first-visit counts are taken together (:meth:`FastIdentifier.raw_scores`):
#: their features index one scratch array of this many times the model's features (int32,
#: 6.4 MB for py3langid's 100,053).
COUNT_GROUP = 16
#: What the layer uses of py3langid: methods of the class, then attributes of an instance.
_CLASS_API = ("_encode", "_raw_score", "_sparse_score", "_decide", "classify", "rank")
_INSTANCE_API = ("tk_nextmove", "_rowbase", "tk_output", "nb_ptc", "nb_pc", "nb_classes",
                 "_alias_pairs", "min_confidence")
#: Texts the fast path must score exactly as py3langid before it is used.
PROBES: tuple[str | bytes, ...] = (
    "", " ", "a", "Hello world, this is a test of the language identifier.",
    "Le gouvernement a annoncé une nouvelle politique économique.",
    "Die Regierung hat gestern neue Gesetze beschlossen.  Zwei  Leerzeichen ",
    "Правительство объявило о новой экономической политике.",
    "政府宣布了新的经济政策。", "日本語のテキストです。", "ΚΑΛΗΜΕΡΑ ΚΟΣΜΕ", "١٢٣ مرحبا بالعالم",
    "mixed English и русский 中文 text", "1234 5678 !!!", b"bytes input \xff\xfe",
)


class FastIdentifier(LanguageIdentifier):  # type: ignore[misc]  # py3langid has no types
    """A ``LanguageIdentifier`` whose raw scores come from the numpy walk and the float32
    table, in portable arithmetic; ``fast`` is False until :meth:`self_check` passed
    (py3langid's walk then, in the same arithmetic)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fast = False
        self._dfa: tuple[Any, Any, Any] | None = None
        self._table_of: Any = None
        self._table: Any = None
        self._local = threading.local()

    @classmethod
    def load(cls, *, norm_probs: bool, cache: Path | None = None,
             model: Model | None = None) -> LanguageIdentifier:
        """py3langid's bundled model, with the fast path on when it checks out.

        With a ``cache`` folder, the decoded model is read from it (or kept there):
        :mod:`corpuskit.languageid.languagemodel`; ``model`` is one decoded already. The arrays then
        go to the constructor as ``from_model_file`` hands them; should py3langid's
        constructor no longer take them, the model is loaded by ``from_model_file``
        itself."""
        identifier = None
        if model is None:  # (decoded here too: a temporary folder that is full is said so)
            model = load_model(cache) if cache is not None else decode_model()
        if model is not None:
            ptc, pc, classes, nextmove, row, output = model
            try:
                identifier = cls(np.asarray(ptc), np.asarray(pc), classes, nextmove, output,
                                 norm_probs=norm_probs, tk_row=row)
            except TypeError:  # another constructor: py3langid's own loading below
                identifier = None
        if identifier is None:
            identifier = cls.from_model_file(MODEL_FILE, norm_probs=norm_probs)
        identifier.fast = identifier.self_check()
        if identifier.fast:
            identifier.keep_one_table()
        return identifier

    def keep_one_table(self) -> None:
        """Drop the float16 table (27 MB), keeping the float32 one for py3langid's own
        scoring too: it multiplies float32 counts by the rows, which numpy computes in
        float32 whatever the rows' type, so its scores from the float32 rows are the same
        bits (tested). Only if py3langid still keeps its full model where it did."""
        table = self._float32_table()
        full = getattr(self, "_full_model", None)
        if not (isinstance(full, tuple) and len(full) == 3 and full[0] is self._table_of):
            return
        self._full_model = (table, full[1], full[2])
        self.nb_ptc = self._table_of = table

    def self_check(self) -> bool:
        """Whether py3langid still has what the layer uses and the fast walk gives the
        results of py3langid's walk on :data:`PROBES`, bit for bit."""
        if not all(callable(getattr(LanguageIdentifier, name, None)) for name in _CLASS_API):
            return False
        if not all(hasattr(self, name) for name in _INSTANCE_API):
            return False
        was = self.fast
        try:
            self.fast = False
            plain = [(self.classify(p), self.rank(p)) for p in PROBES]
            self.fast = True
            texts = [p for p in PROBES if isinstance(p, str)]
            return (plain == [(self.classify(p), self.rank(p)) for p in PROBES]
                    and self.classify_many(texts) == [self.classify(p) for p in texts])
        except Exception:  # any failure means: use py3langid's walk
            if strict():
                raise
            return False
        finally:
            self.fast = was

    def classify_many(self, texts: Sequence[str]) -> list[tuple[Any, float]]:
        """``[self.classify(text) for text in texts]``, the texts' raw scores computed
        together (:meth:`raw_scores`), and decided together (:meth:`decide_many`) when
        the identifier gives probabilities.

        Otherwise each text still goes through py3langid's own ``classify``: its
        ``_raw_score`` (this class's) hands over the score computed for the text's encoded
        bytes, once. A text without a computed score always does.
        """
        if not self.fast or len(texts) < 2:
            return [self.classify(text) for text in texts]
        encoded = [self._encode(text) for text in texts]
        scores = self.raw_scores(encoded)
        if getattr(self, "_norm_probs", None) is True:
            decided = self.decide_many(encoded, scores)
            return [found if found is not None else self.classify(text)
                    for text, found in zip(texts, decided, strict=True)]
        ready: dict[bytes, list[Any]] = {}
        for data, score in zip(encoded, scores, strict=True):
            if score is not None:
                ready.setdefault(data, []).append(score)
        del encoded
        self._local.ready = ready
        try:
            return [self.classify(text) for text in texts]
        finally:
            self._local.ready = None

    def decide_many(self, encoded: Sequence[bytes], scores: Sequence[Any]
                    ) -> list[tuple[Any, float] | None]:
        """What ``classify`` gives each of the ``encoded`` texts from its raw score
        (``scores``, from :meth:`raw_scores`; None where there is none, and for it), for
        an identifier with ``norm_probs``: py3langid's ``_decide`` and ``classify`` on all
        the rows at once.

        Every step of :meth:`decide_rows` is elementwise or taken row by row, and the
        first maximum is the label: each row's floats are the one-text computation's,
        bit for bit (tested, and checked on probe texts when the model loads).
        """
        rows = [index for index, score in enumerate(scores) if score is not None]
        decided: list[tuple[Any, float] | None] = [None] * len(scores)
        if not rows:
            return decided
        table = self.decide_rows(np.stack([scores[index] for index in rows]),
                                 [len(encoded[index]) for index in rows])
        best = table.argmax(axis=1)
        confidences = table[np.arange(len(rows)), best].tolist()
        floor = self.min_confidence
        for index, label, confidence in zip(rows, best.tolist(), confidences, strict=True):
            decided[index] = (("und", confidence) if floor is not None and confidence < floor
                              else (self.nb_classes[label], confidence))
        return decided

    def raw_scores(self, encoded: Sequence[bytes]) -> list[Any]:
        """The raw scores ``_raw_score`` gives each of the ``encoded`` texts, or None for
        one it should score itself (empty, no feature, a walk that did not settle)."""
        if not encoded:
            return []
        nextmove, rowbase, output = self._arrays()
        walked = settled_walks(nextmove, rowbase, encoded)
        scores: list[Any] = [None] * len(encoded)
        if walked is None:
            return scores
        states, starts, settled = walked
        features = output.take(states)
        features[starts] = -1  # the separators' states: the root, never a feature
        lengths = np.fromiter(map(len, encoded), dtype=np.intp, count=len(encoded))
        text_of = np.repeat(np.arange(len(encoded)), lengths + 1)
        where = np.flatnonzero((features >= 0) & settled.take(text_of))
        features, text_of = features.take(where), text_of.take(where)
        bounds = np.searchsorted(text_of, np.arange(len(encoded) + 1))
        for first in range(0, len(encoded), COUNT_GROUP):
            last = min(first + COUNT_GROUP, len(encoded))
            low, high = bounds[first], bounds[last]
            if low < high:
                self._score_group(features[low:high], text_of[low:high] - first,
                                  scores, first, last - first)
        return scores

    def _score_group(self, features: Any, local: Any, scores: list[Any], first: int,
                     count: int) -> None:
        """Puts the raw scores of ``count`` texts, from ``first`` on, into ``scores``: all
        of their weighted rows at once (:func:`portablefloat.weighted_rows_of_owners`),
        those of a text whose weights add up to more, if any, by :func:`portable_score`.
        ``features``: the texts' features one text after the other; ``local``: the
        text of each, numbered from 0."""
        keys, counts, owners = self._grouped_first_visit_counts(features, local, local)
        table, logs = self._float32_table(), portablefloat.log1p_counts(counts)
        sums, done = portablefloat.weighted_rows_of_owners(
            table, keys, logs, owners, count, portablefloat.bounds_of(table), ROWS_AT_ONCE)
        totals = np.add(sums, np.asarray(self.nb_pc, dtype=np.float64))
        cuts = np.searchsorted(owners, np.arange(count + 1))
        for index in range(count):
            start, stop = cuts[index], cuts[index + 1]
            if start == stop:
                continue
            # what _raw_score computes, on arrays of the same shapes and contents
            scores[first + index] = (totals[index] if done[index] else portable_score(
                table, self.nb_pc, keys[start:stop], counts[start:stop]))

    def _raw_score(self, text: Any) -> Any:
        """py3langid's raw scores of encoded ``text`` (its own method when the fast path
        is off, the input is not bytes, or the walk meets no feature); inside
        :meth:`classify_many`, the score computed for ``text`` already."""
        ready = getattr(self._local, "ready", None)
        if ready:
            computed = ready.get(text)
            if computed:
                return computed.pop()
        if not self.fast or not isinstance(text, bytes) or not text:
            return super()._raw_score(text)
        nextmove, rowbase, output = self._arrays()
        states = settled_walk(nextmove, rowbase, np.frombuffer(text, dtype=np.uint8))
        if states is None:
            return super()._raw_score(text)
        features = output.take(states)
        features = features[features >= 0]
        if not len(features):
            return super()._raw_score(text)
        keys, counts = self._first_visit_counts(features)
        return portable_score(self._float32_table(), self.nb_pc, keys, counts)

    def _sparse_score(self, visits: Any, table: Any) -> Any:
        """py3langid's ``_sparse_score`` (the scores of a text from its features' counts,
        ``{feature: count}`` in order of first visit), in :func:`portable_score`'s
        arithmetic: what py3langid's own walk leads to (the fast path off, or a walk that
        did not settle)."""
        keys = np.fromiter(visits.keys(), dtype=np.intp, count=len(visits))
        counts = np.fromiter(visits.values(), dtype=np.intp, count=len(visits))
        return portable_score(table, self.nb_pc, keys, counts)

    def _decide(self, text: Any) -> Any:
        """py3langid's ``_decide`` (the probability of each language, aliases folded),
        in :mod:`corpuskit.languageid.portablefloat`'s arithmetic: :meth:`decide_rows` of one
        row."""
        text = self._encode(text)
        scores = np.array(self._raw_score(text), dtype=np.float64, ndmin=2)
        return self.decide_rows(scores, [len(text)])[0]

    def decide_rows(self, table: Any, lengths: Sequence[int]) -> Any:
        """The probabilities of ``table``'s rows of raw scores (float64, a text's each;
        ``lengths``: the bytes of each text), as py3langid's ``_decide`` takes them, in
        arithmetic that gives the same bits on every machine: the temperature (scores
        times ``1 / sqrt(bytes)``), the row's maximum subtracted, :func:`portablefloat.exp`,
        the division by the row's exact sum, the aliased columns folded into the first.
        Without ``norm_probs``, the raw scores with aliases folded by their maximum."""
        table = np.array(table, dtype=np.float64)
        if getattr(self, "_norm_probs", None) is True:
            table *= np.array([1.0 / math.sqrt(n or 1) for n in lengths])[:, None]
            table -= table.max(axis=1, keepdims=True)
            table = portablefloat.exp(table)
            table /= portablefloat.row_sums(table)[:, None]
            for first, dupe in self._alias_pairs:
                table[:, first] += table[:, dupe]
                table[:, dupe] = 0.0
        else:
            for first, dupe in self._alias_pairs:
                table[:, first] = np.maximum(table[:, first], table[:, dupe])
                table[:, dupe] = RAW_FLOOR
        return table

    def _arrays(self) -> tuple[Any, Any, Any]:
        """The DFA as numpy arrays (views of py3langid's, but for the small ones)."""
        if self._dfa is None:
            moves = self.tk_nextmove  # an ``array`` from py3langid, numpy from the cache
            nextmove = (np.asarray(moves) if isinstance(moves, np.ndarray)
                        else np.frombuffer(moves, dtype=moves.typecode))
            self._dfa = (nextmove, np.asarray(self._rowbase, dtype=np.intp),
                         np.asarray(self.tk_output, dtype=np.intp))
        return self._dfa

    def _first_visit_counts(self, features: Any) -> tuple[Any, Any]:
        """The distinct ``features`` in order of first appearance and their counts: the
        keys and values of ``Counter(features)``."""
        scratch = getattr(self._local, "scratch", None)
        if scratch is None or len(scratch) < len(self.nb_ptc):
            scratch = self._local.scratch = np.zeros(len(self.nb_ptc), dtype=np.intp)
        positions = np.arange(len(features))
        first = first_positions(features, positions, scratch)
        firsts = np.flatnonzero(first == positions)
        return features.take(firsts), np.bincount(first, minlength=len(features))[firsts]

    def _grouped_first_visit_counts(self, features: Any, local: Any,
                                    texts: Any) -> tuple[Any, Any, Any]:
        """:meth:`_first_visit_counts` of up to :data:`COUNT_GROUP` texts at once: the
        keys, counts and text of each distinct (text, feature), texts in order and each
        text's features in order of first visit. ``features`` of the texts one after the
        other; ``local``: the text of each, numbered from 0 in the group; ``texts``: the
        text of each, as the caller numbers them."""
        size = len(self.nb_ptc)
        scratch = getattr(self._local, "group_scratch", None)
        if scratch is None or len(scratch) < COUNT_GROUP * size:
            scratch = self._local.group_scratch = np.zeros(COUNT_GROUP * size, np.int32)
        slots = local * size + features
        positions = np.arange(len(slots), dtype=np.int32)
        first = first_positions(slots, positions, scratch)
        firsts = np.flatnonzero(first == positions)
        counts = np.bincount(first, minlength=len(slots)).take(firsts)
        return features.take(firsts), counts, texts.take(firsts)

    def _float32_table(self) -> Any:
        """``nb_ptc`` as float32 (converted again if ``set_languages`` replaced it)."""
        if self._table_of is not self.nb_ptc:
            self._table = np.ascontiguousarray(self.nb_ptc, dtype=np.float32)
            self._table_of = self.nb_ptc
        return self._table


def first_positions(slots: Any, positions: Any, scratch: Any) -> Any:
    """For each of ``slots``, the first of ``positions`` (``0, 1, ...``) that holds the
    same slot; ``scratch`` is indexed by the slots, and left holding garbage.

    Assigned backwards, each slot of ``scratch`` ends with its first position if the last
    of repeated writes stays, as numpy does but does not promise: checked (every slot then
    holds one of its own positions, so none later than its first means the first), and
    done with ``minimum.at`` (slower) if not so.
    """
    scratch[slots[::-1]] = positions[::-1]
    first = scratch.take(slots)
    if not (first <= positions).all():
        scratch[slots] = len(positions)
        np.minimum.at(scratch, slots, positions)
        first = scratch.take(slots)
    return first


def settled_walks(nextmove: Any, rowbase: Any,
                  texts: Sequence[bytes]) -> tuple[Any, Any, Any] | None:
    """:func:`settled_walk` of several texts in the same rounds: ``(states, starts,
    settled)``, the states after each byte of ``b"\\0" + b"\\0".join(texts)``, the position
    of the separator before each text, and whether the walk of each text settled (None
    if none did, or there are none).

    A separator's state is the root in every round, so each text is walked from the root
    as if alone: its states depend on its bytes only, and a round that changes none of
    them is its settled walk.
    """
    if not texts:
        return None
    lengths = np.fromiter(map(len, texts), dtype=np.intp, count=len(texts))
    starts = np.zeros(len(texts), dtype=np.intp)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    data = np.frombuffer(b"\0" + b"\0".join(texts), dtype=np.uint8)
    states, unsettled = _walk_rounds(nextmove, rowbase, data, starts)
    settled = np.ones(len(texts), dtype=bool)
    settled[np.searchsorted(starts, unsettled, side="right") - 1] = False
    return (states, starts, settled) if settled.any() else None


def settled_walk(nextmove: Any, rowbase: Any, data: Any) -> Any:
    """The DFA states after each byte of ``data`` (uint8 array) from the root state 0, or
    None if the parallel walk has not settled after :data:`MAX_ROUNDS` rounds.

    Each round computes every state from the previous round's state before it; the result
    is returned only once a round reproduces it, which only the true walk does.
    """
    states, unsettled = _walk_rounds(nextmove, rowbase, data, np.zeros(0, dtype=np.intp))
    return None if len(unsettled) else states


def _walk_rounds(nextmove: Any, rowbase: Any, data: Any, roots: Any) -> tuple[Any, Any]:
    """The rounds of the parallel walk over ``data``: the states after each byte (the
    root before the first, and at the positions ``roots`` in every round), and the
    positions a round still changed when :data:`MAX_ROUNDS` were done (none: settled).

    The state at a position is computed from the state before it, so a round can change
    it only where the round before changed the state before it. After
    :data:`SETTLE_ROUNDS` rounds of every position, a round computes those positions
    only: the same states, round for round, as every position again. On the benchmark
    corpus a fifth round changes a fifth of the positions and a sixth 7 in 10,000: 6.6 ms
    a batch of 512 texts against 8.6 when every round walked every byte (medians of
    alternated runs; a full round costs about 1 ms, a position of a partial one about
    three times a position of a full one, hence full rounds first).
    """
    before = np.zeros(len(data) + 1, dtype=nextmove.dtype)  # before[p]: state before byte p
    previous, after = before[:-1], before[1:]
    fixed = np.zeros(len(data) + 1, dtype=bool)  # computed by no round: the roots, the end
    fixed[roots] = fixed[-1] = True
    changed = None
    for done in range(1, MAX_ROUNDS + 1):
        if changed is None:  # every position
            states = nextmove.take(rowbase.take(previous) + data)
            states[roots] = 0
            if done < min(SETTLE_ROUNDS, MAX_ROUNDS):
                after[:] = states
                continue
            changed = np.flatnonzero(states != after)
            if done < MAX_ROUNDS:
                after[:] = states
                continue
            return after, changed
        positions = changed + 1  # those whose state before changed
        positions = positions[~fixed.take(positions)]
        states = nextmove.take(rowbase.take(after.take(positions - 1)) + data.take(positions))
        moved = states != after.take(positions)
        changed = positions[moved]
        if done == MAX_ROUNDS or not len(changed):
            return after, changed
        after[changed] = states[moved]
    return after, np.zeros(0, dtype=np.intp)  # (MAX_ROUNDS below 1)


def portable_score(table: Any, priors: Any, keys: Any, counts: Any) -> Any:
    """py3langid's scores of a text, ``log1p(counts) @ table[keys] + priors``, with the
    same bits on every machine (:mod:`corpuskit.languageid.portablefloat`): the logarithms of the
    counts on a grid of 2**-24, their product with the features' rows exact, then the
    priors added (one rounding)."""
    logs, bounds = portablefloat.log1p_counts(counts), portablefloat.bounds_of(table)
    table = np.asarray(table)
    if len(keys) <= ROWS_AT_ONCE:
        total = portablefloat.weighted_rows(
            logs, table.take(keys, axis=0).astype(np.float64), bounds)
    else:  # a text of very many features (a long sample): its rows a slice at a time
        total = portablefloat.exactly_added([portablefloat.weighted_rows(
            logs[start:start + ROWS_AT_ONCE],
            table.take(keys[start:start + ROWS_AT_ONCE], axis=0).astype(np.float64),
            bounds) for start in range(0, len(keys), ROWS_AT_ONCE)])
    return np.add(total, np.asarray(priors, dtype=np.float64))
