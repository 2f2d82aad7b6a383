"""Offline language identification with py3langid (one model, loaded once per process)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

#: Characters of text handed to the identifier. Its cost grows with the bytes (~0.1 µs a byte
#: with corpuskit.fastlangid, ~0.4 µs with py3langid's own Python loop); on the benchmark
#: corpus 300, 512 and 1500 gave the same labels.
SAMPLE_CHARS = 512
_LETTER = re.compile(r"[^\W\d_]")


@cache
def _identifier() -> Any:
    """py3langid's identifier with its exact fast path (:mod:`corpuskit.fastlangid`)."""
    from .fastlangid import FastIdentifier

    return FastIdentifier.load(norm_probs=True)


def identify(text: str) -> tuple[str, float]:
    """The most probable language code of ``text`` (py3langid's label) and its probability."""
    lang, prob = _identifier().classify(text[:SAMPLE_CHARS])
    return str(lang), float(prob)


def iso639_1(text: str, *, min_chars: int, min_confidence: float) -> str:
    """An ISO 639-1 code for ``text``, or ``und`` when it is too short or the model unsure."""
    sample = text[:SAMPLE_CHARS]
    if len(_LETTER.findall(sample, 0, max(min_chars * 8, 400))) < min_chars and len(
        _LETTER.findall(sample)
    ) < min_chars:
        return "und"
    lang, prob = identify(sample)
    if prob < min_confidence or len(lang) != 2 or not lang.isalpha():
        return "und"
    return lang


def rank(text: str) -> list[tuple[str, float]]:
    """Every language of the model with its probability for ``text``, most probable first."""
    return [(str(lang), float(prob)) for lang, prob in _identifier().rank(text[:SAMPLE_CHARS])]
