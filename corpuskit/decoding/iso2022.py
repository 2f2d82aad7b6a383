"""Text in ISO-2022 (ISO-2022-JP, -KR, -CN), which corpuskit does not decode, told for what
it is (:func:`iso2022_text`).

ISO-2022 is 7-bit: its bytes are ASCII, switched to a two-byte character set by an escape
sequence (``ESC $ B``: JIS X 0208; ``ESC $ ) C``: KS X 1001, then SO and SI). So such a
file is valid UTF-8 of ASCII letters with ESC (U+001B) among them, and was refused as
binary data, "remove it" (QA s83 qa-decode F6: ISO-2022-JP, the usual encoding of Japanese
e-mail, and Python's ``iso2022_kr.txt``); with few escapes among much ASCII it would have
been built with its escapes deleted, its Japanese left as ASCII letters (``$B$*@$OC(B``).
Terminal output holds ESC too, for colours (``ESC [ 31m``) and for ``ESC ( B`` (ASCII,
which ``tput sgr0`` writes): only an escape to a two-byte set tells ISO-2022.
"""

from __future__ import annotations

import re

#: ISO-2022's escape sequences to a two-byte character set (ISO/IEC 2022's ``ESC $ F``, and
#: ``ESC $ ( F`` to ``ESC $ + F`` for G0 to G3), by what follows ``ESC $``, each with the
#: encoding it marks (its name for iconv): JIS X 0208 (``@``, ``B``) ISO-2022-JP's, GB 2312
#: (``A``), KS X 1001 (``(C``) and JIS X 0212 (``(D``) in G0 ISO-2022-JP-2's, JIS X 0213
#: ISO-2022-JP-3's; KS X 1001 in G1 (``)C``) ISO-2022-KR's; GB 2312 and CNS 11643 in G1 and
#: G2 ISO-2022-CN's, ISO-IR-165 and CNS 11643's planes 3 to 7 ISO-2022-CN-EXT's.
_DESIGNATIONS: dict[bytes, str] = {
    **dict.fromkeys((b"@", b"B", b"(@", b"(B"), "ISO-2022-JP"),
    **dict.fromkeys((b"A", b"(A", b"(C", b"(D"), "ISO-2022-JP-2"),
    **dict.fromkeys((b"(O", b"(P", b"(Q"), "ISO-2022-JP-3"),
    b")C": "ISO-2022-KR",
    **dict.fromkeys((b")A", b")G", b"*H"), "ISO-2022-CN"),
    **dict.fromkeys((b")E", *(b"+" + bytes([plane]) for plane in b"IJKLM")),
                    "ISO-2022-CN-EXT"),
}
_ESCAPE = re.compile(b"\x1b\\$(" + b"|".join(
    re.escape(designation) for designation in sorted(_DESIGNATIONS, key=len, reverse=True))
    + b")")


def iso2022_text(data: bytes) -> tuple[str, str, int] | None:
    """The ISO-2022 encoding ``data`` is in (as iconv names it: ``ISO-2022-JP``, ``-KR``,
    ``-CN``...), the first escape sequence that tells it (shown as ``ESC $ B``) and its
    offset; None if it is no ISO-2022 text: a byte beyond ASCII, or no escape to a
    two-byte character set."""
    # All three scans in C, the regex's not; the ESC byte first, found as one byte (memchr),
    # an eighth of the time of ``b"\x1b$"`` (0.27 against 2.0 µs a document, the kit's
    # corpus), and no text but ISO-2022 and terminal output holds it.
    if b"\x1b" not in data or b"\x1b$" not in data or not data.isascii():
        return None
    found = _ESCAPE.search(data)
    if found is None:
        return None
    designation = found.group(1)
    shown = " ".join(["ESC", "$", *designation.decode("ascii")])
    return _DESIGNATIONS[designation], shown, found.start()


def iso2022_advice(encoding: str) -> str:
    """What a file in ISO-2022 ``encoding`` is told to do: convert it to UTF-8, and how."""
    return (f"re-save it as UTF-8 (iconv -f {encoding} -t UTF-8 converts it), or exclude it "
            "with discover.exclude")
