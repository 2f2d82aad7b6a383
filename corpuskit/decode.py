"""Stage 2, decode: raw bytes to text, with the codec recorded so anyone can replay it.

Order: byte order mark → strict UTF-8 → the configured legacy code pages. When several
legacy code pages decode a file strictly, the one whose text is most plausible wins:
fewest words mixing scripts (``naпve``), then the highest language-identification
probability, then the configured order. Nothing is ever decoded with replacement
characters; binary data is refused.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from .config import DecodeConfig
from .language import identify
from .models import Decoded, DocumentProblem, RawDocument
from .problems import Problem

#: (BOM, codec recorded, codec used) — UTF-32 before UTF-16: FF FE 00 00 starts with FF FE.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: Share of control characters (other than tab, LF, CR, FF, VT) that marks a file as binary.
MAX_CONTROL_SHARE = 0.01


def decode_with(data: bytes, encoding: str) -> str:
    """Decode ``data`` with a recorded encoding name, strictly (used to replay a record)."""
    if encoding == "utf-8-sig" or encoding.startswith(("utf-16-", "utf-32-")):
        bom = next(b for b, name in BOMS if name == encoding)
        if not data.startswith(bom):
            raise UnicodeDecodeError(encoding, data[:4], 0, min(4, len(data)), "missing BOM")
        codec = "utf-8" if encoding == "utf-8-sig" else encoding
        return data[len(bom):].decode(codec, errors="strict")
    return data.decode(encoding, errors="strict")


_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    if text.isprintable() or not _CONTROLS.search(text):
        return False
    return len(_CONTROLS.findall(text)) > MAX_CONTROL_SHARE * max(len(text), 1)


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0]


def _mixed_script_words(text: str) -> int:
    mixed = 0
    for word in text.split():
        scripts = {_script(c) for c in word if c.isalpha()}
        if len(scripts) > 1:
            mixed += 1
    return mixed


def _best_legacy(data: bytes, encodings: tuple[str, ...]) -> tuple[str, str] | None:
    decodings: list[tuple[str, str]] = []
    for encoding in encodings:
        try:
            text = data.decode(encoding, errors="strict")
        except UnicodeDecodeError:
            continue
        if any(text == seen for _, seen in decodings):
            continue
        decodings.append((codecs.lookup(encoding).name, text))
    if len(decodings) <= 1:
        return decodings[0] if decodings else None
    # Only non-ASCII lines tell code pages apart; judge on them.
    def evidence(text: str) -> str:
        return "\n".join(line for line in text.splitlines() if not line.isascii())[:1500]

    def score(item: tuple[int, tuple[str, str]]) -> tuple[int, float, int]:
        order, (_, text) = item
        sample = evidence(text)
        return (_mixed_script_words(sample), -identify(sample)[1], order)

    return min(enumerate(decodings), key=score)[1]


def decode(raw: RawDocument, config: DecodeConfig) -> Decoded:
    """Decode one document or raise :class:`DocumentProblem` naming it."""
    data = raw.data
    if not data.strip():
        raise DocumentProblem(Problem(raw.path, "empty-document",
                                      "the file is empty or only whitespace; remove it or "
                                      "add text"))
    decoded: tuple[str, str] | None = None
    for bom, name in BOMS:
        if data.startswith(bom):
            try:
                decoded = (name, decode_with(data, name))
            except UnicodeDecodeError as exc:
                raise DocumentProblem(Problem(
                    raw.path, "undecodable",
                    f"starts with a {name} byte order mark but is not valid {name} "
                    f"(byte {exc.start}); re-save it in one encoding")) from None
            break
    if decoded is None and b"\x00" not in data:
        try:
            decoded = ("utf-8", data.decode("utf-8", errors="strict"))
        except UnicodeDecodeError:
            decoded = _best_legacy(data, config.fallback_encodings)
            if decoded is None:
                raise DocumentProblem(Problem(
                    raw.path, "undecodable",
                    "not valid UTF-8 nor any of decode.fallback_encodings "
                    f"({', '.join(config.fallback_encodings)}); re-save it as UTF-8 or add "
                    "its code page to decode.fallback_encodings")) from None
    if decoded is None or _looks_binary(decoded[1]):
        raise DocumentProblem(Problem(raw.path, "binary-file",
                                      "holds binary data (NUL or control bytes), not text; "
                                      "remove it or exclude it with discover.exclude"))
    encoding, text = decoded
    if not text.strip():
        raise DocumentProblem(Problem(raw.path, "empty-document",
                                      "the file holds only whitespace; remove it or add text"))
    return Decoded(text=text, encoding=encoding)
