"""How likely a text's Cyrillic letters are to follow each other as Russian and Ukrainian
write them: the cost, in bits, of each pair of letters in its words (:func:`pair_cost`).

cp1251 and KOI8-R read each other's capitals as small letters, in another order
(``ИЗДАТЕЛЬ`` in cp1251 is KOI8-R's ``хгдюрекэ``), and the language identifier, which
compares languages with each other, is sure that either reading is Cyrillic. Which
letters follow which is what tells them apart, whatever their case: ``хг``, ``гд`` and a
word ending in ``э`` are rare, ``из``, ``да`` and ``ат`` common. Of 15,051 short lines of
the system's Russian, Ukrainian and Bulgarian messages, in small letters, as written and
in capitals, each beside its other Cyrillic reading, the lower mean cost is the right
reading's 98% of the time.
"""

from __future__ import annotations

import re
from fractions import Fraction

#: The letters of :data:`_COSTS`' rows and columns, small (a text is lower-cased before it
#: is judged), the first a word's edge: its start as a row, its end as a column.
_ALPHABET = " абвгдеёжзийклмнопрстуфхцчшщъыьэюяєіїґ"
#: What a pair of letters costs where :data:`_COSTS` does not hold it (a letter of another
#: Cyrillic alphabet, ``ў``, ``ђ``): the most any pair costs.
_UNLISTED = 15
#: Row ``a``, column ``b``: ``-log2 P(b | a)``, the bits that ``b`` after ``a`` costs,
#: rounded, at most 15, as a hex digit. Counted over the words of the Russian and Ukrainian
#: man pages of Debian 12 (man-db, passwd, login, psmisc, procps, vim, xxd, xz-utils,
#: base-passwd, libsemanage-common: 146 pages, 29 of them links to another, such as ``vi``
#: and ``unxz``, each counted as a page; 1.4 million characters of troff), lower-cased,
#: each pair's count given half a pair more (so a pair never seen costs the most, not
#: infinitely much). Bulgarian has no man pages there: its ``ъ``, a vowel, costs what it
#: costs in Russian, and rows of letters seldom seen (``ъ``, ``ё``, ``ґ``) cost alike
#: whatever follows them. The lines the rule was measured on are the system's messages,
#: not its man pages. ``tools/derive_tables.py cyrillic-pairs`` counts it again
#: (``--check``: against this table).
_COSTS = (
    "f653747f94694754435455596687fff8b565af",  # (a word's start)
    "3c55667b74d45542c54549967478ffff786fff",  # а
    "34ffcd4cfb6f53553f4882f8a8f795fff9f4ff",  # б
    "3298a74f792f5584468675f7fdaff6dffbf3ff",  # в
    "53ec979eee5eb5a51e3e74eeecaeeeeeeee5ee",  # г
    "4376b83a7c4f5374266765fb9b8ff77fe9f5ff",  # д
    "2886748a56d6565289344b898988ffffa8becf",  # е
    "3aaaaaaa8aaa8741aa662aa5aaaaaaaaaaaaaa",  # ё
    "45bee51bee3e55e35eee75eee5eeeeeeeee8ee",  # ж
    "3264968fff6f78434478a4dfff9ff79f99f6ff",  # з
    "2975876f86854635a6634f747677ffff76efdf",  # и
    "1e78c6de8eee626559e54eeeed9eeeeeeeeeee",  # й
    "42f8ff6f8e3ff5f72f5664ff8fc4fffbfff3ff",  # к
    "43ffaf398f3f7cf73ffcb6fff7eff72d53f4ff",  # л
    "23a7fe39ff3f678638fdc4ffdcfff7eff7f3ff",  # м
    "63fbc54bfe3f7df33ff8568c8a7ff66f73a4ff",  # н
    "2e43457f5597444695454fc8668afffc6aaa7f",  # о
    "63ffff4fff4f96f7282b85ff87bff9fffbf5ff",  # п
    "42e78b3b7c2f8d562aa66588ae6ff7af95f4ff",  # р
    "55a8ea5bbf4f4475449715f9899ff97fd4f5ff",  # с
    "43e6fc4c9f2f6aa53d36b4afeceff83f89c4ff",  # т
    "1893846f79f85556b4754f7cf597fffe5c5fff",  # у
    "b1dddd5ddd5ddbdd3d6da6adddddddddddd2dd",  # ф
    "09e8ee7eee5eeee63e7a88e8eeeeeeeeeee4ee",  # х
    "56dcdd1ddd3dddddddddd8ddddddd64d35d2dd",  # ц
    "52eeee27ee3e69e36ede57eeee9eeebeeee5ee",  # ч
    "54d5dd29dd2d67b54d9d44ddddddddddddd5dd",  # ш
    "b4dddd37dd4ddddd1dddd5dddddddd7dddd7dd",  # щ
    "66666626666666666666666666666666626666",  # ъ
    "2d83873dd7d3654dd5674dd3d58ddddddddddd",  # ы
    "1eeededee4ee3ea34ee43edebd5eeeee8beeee",  # ь
    "a8aaaaaaaaaa4486aaaa0a88aa4aaaaaaaaaaa",  # э
    "1d74d8dd5dd87d7cddb92dddd3d5dddd5d4ddd",  # ю
    "1fd6946fe7fa3a58ffab4ff79bfaffff8b9fff",  # я
    "0dd8d5dddddd7d45dd7d4ddddddddddd7ddd6d",  # є
    "274373ff75f654647b546ff7876bffff877f6f",  # і
    "0bb7bbbbbbbabb79bbbabbb4bbbbbbbbbbbb6b",  # ї
    "55555555555555555555555555555555555555",  # ґ
)
_WORD = re.compile("[\u0400-\u04ff]+")


def _table() -> dict[str, int]:
    """Every pair of :data:`_ALPHABET`'s letters (two characters) → its cost in bits."""
    return {first + second: int(row[column], 16)
            for first, row in zip(_ALPHABET, _COSTS, strict=True)
            for column, second in enumerate(_ALPHABET)}


_PAIR_COSTS = _table()


def pair_cost(text: str) -> Fraction | None:
    """The mean cost in bits (:data:`_COSTS`) of the pairs of letters in ``text``'s
    Cyrillic words, lower-cased, each word's edges included (``ну`` is `` н``, ``ну`` and
    ``у ``); None if it has no Cyrillic word. Exact, so that no rounding decides."""
    total = pairs = 0
    for word in _WORD.findall(text.lower()):
        edged = f" {word} "
        total += sum(_PAIR_COSTS.get(edged[at:at + 2], _UNLISTED)
                     for at in range(len(word) + 1))
        pairs += len(word) + 1
    return Fraction(total, pairs) if pairs else None
