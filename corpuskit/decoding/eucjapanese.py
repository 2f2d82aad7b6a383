"""Japanese in EUC-JP read as gb18030's hanzi, told by its kana (QA s83 qa-decode F1).

EUC-JP and GB2312, gb18030's two-byte core, lay out their rows alike: both put hiragana
and katakana at rows 4 and 5 (A4A1-A5F6) and ``、 。`` at A1A2 and A1A3, and both fill
rows 16 on with kanji and hanzi. So gb18030 reads EUC-JP's kana and stops as the same
kana and stops, and its kanji as other, common hanzi of GB2312 (``肋年`` for ``設定``,
``溯条荚`` for ``翻訳者``), where a Shift_JIS file reads as the rare hanzi of GBK's
extension (:mod:`corpuskit.decoding.kanaspelling`). Japanese dominated by kanji (a man page's
headings, translators' names) has few kana, and the language identifier calls both
readings Chinese, so it was built as gb18030 (``dpkg の肋年ファイル``) with exit 0, even
with euc-jp listed first.

Chinese does not write kana: none of 38,378 simplified (zh_CN) and 30,757 traditional
(zh_TW, zh_HK) messages of the system's catalogues holds one. A gb18030 reading holding
kana as Japanese writes them (:func:`holds_japanese_kana`), of which EUC-JP gives another
reading, plausible and made of the kanji Japanese writes (:func:`_common_kanji`), is read
in EUC-JP if listed and refused naming it if not (:func:`read_as_euc_jp`). Japanese with
no kana at all (a line of names) is not told: its kanji read as hanzi as well as Chinese
does.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..config import DecodeConfig
from ..wording import counted
from .codepagelanguages import Reading, addable_code_pages
from .kanaspelling import listed_first, misspells_kana
from .plausibility import JUDGED_CHARS, judge, plausible
from .refusal import BetterElsewhere, excerpt

#: The code pages of GB2312's rows, which read EUC-JP's kana as the same kana.
_GB_PAGES = frozenset({"gb18030", "gbk"})
#: The code pages of EUC-JP's bytes (codec names), in the order one is named to add.
_EUC_JP_PAGES = ("euc_jp", "euc_jisx0213")
#: A kana (hiragana ぁ to ゖ, katakana ァ to ヺ, and the prolonged sound mark ー) and a run
#: of two or more, as Japanese writes them: okurigana (``設定する``), particles and
#: katakana words (``ファイル``).
_KANA = re.compile("[\u3041-\u3096\u30a1-\u30fa\u30fc]")
_KANA_RUN = re.compile("[\u3041-\u3096\u30a1-\u30fa\u30fc]{2,}")
#: The fewest kana a gb18030 reading must hold, one run of two at least, and the least
#: share of its characters beyond ASCII they must be, to be Japanese read so. The system's
#: Japanese messages holding kana hold a tenth or more but 6 of 31,732 (none under 7%),
#: dpkg.cfg.5's Japanese page 13 of its 74. Korean in EUC-KR read as gb18030 holds runs of
#: kana where EUC-KR spells a syllable it lacks in jamo (``떄`` as ``ぴえぢぴ``), four
#: in hundreds of characters. Chinese in Big5 read as gb18030 (Big5 not listed) holds a
#: kana here and there, its hanzi at A4A1-A5F6 read as kana: 213 of the 418 short
#: messages of zh_TW that EUC-JP also decodes hold one, 36 a run of two (``未支援`` as
#: ``ゼや穿``), 19 of them spelled as Japanese spells kana.
_KANA_LEAST = 2
_KANA_SHARE = 1 / 10
#: The fewest characters beyond ASCII a gb18030 reading must hold for its kana to tell:
#: the Big5 messages read so with a run of kana, which EUC-JP reads as common kanji, are
#: of three to six such characters (``甘比亞`` as ``ヌゑㄈ``, ``太少參數`` as ``びぶ把计``)
#: but one of ten; they were built as gb18030, and would be refused naming euc-jp.
_BEYOND_ASCII_LEAST = 8
#: The most of the EUC-JP reading's kanji that may be of JIS X 0208's level 2 (lead byte
#: D0 on), the rarer kanji, or JIS X 0212's (lead byte 8F), for it to be Japanese.
#: GB2312 puts common hanzi there (pinyin x to z: ``这 中 在 一 有 以``), which EUC-JP reads
#: as level-2 kanji: of the system's Chinese messages that EUC-JP decodes, half hold a
#: fifth or more, and its Japanese messages hardly any (37 of 25,606 with two kanji or
#: more hold one, 31 over a tenth).
_RARE_KANJI_SHARE = 1 / 10
#: The first byte of EUC-JP's level-2 kanji and of its JIS X 0212 characters.
_LEVEL_TWO_LEAD = 0xD0
_JIS_X_0212_LEAD = 0x8F
#: The first byte of EUC-JP's kanji (level 1 from B0).
_KANJI_LEAD = 0xB0


class _Kana(NamedTuple):
    """The kana among the first :data:`JUDGED_CHARS` characters of a text."""

    #: How many kana there are.
    kana: int
    #: How many characters beyond ASCII there are.
    beyond: int
    #: Whether two or more kana stand together somewhere.
    together: bool


def _kana_in(text: str) -> _Kana:
    """The kana among the first :data:`JUDGED_CHARS` characters of ``text``."""
    head = text[:JUDGED_CHARS]
    return _Kana(len(_KANA.findall(head)), len(head) - len(head.encode("ascii", "ignore")),
                 _KANA_RUN.search(head) is not None)


def holds_japanese_kana(reading: Reading) -> bool:
    """Whether ``reading``, in gb18030 (or GBK), holds kana as Japanese writes them: at
    least :data:`_KANA_LEAST` and :data:`_KANA_SHARE` of its characters beyond ASCII
    (:data:`_BEYOND_ASCII_LEAST` at least), two together somewhere, and no small kana
    where Japanese never writes one
    (:func:`~corpuskit.decoding.kanaspelling.misspells_kana`).

    Chinese does not write kana; gb18030 reads EUC-JP's kana as the same kana."""
    if reading.encoding not in _GB_PAGES:
        return False
    found = _kana_in(reading.text)
    return (found.beyond >= _BEYOND_ASCII_LEAST
            and found.kana >= max(_KANA_LEAST, _KANA_SHARE * found.beyond) and found.together
            and not misspells_kana(reading.text))


def _rare_kanji(text: str) -> tuple[int, int]:
    """How many of the kanji among the first :data:`JUDGED_CHARS` characters of ``text``,
    an EUC-JP reading, are rare (JIS X 0208's level 2, or JIS X 0212's), and how many
    kanji it holds."""
    rare = kanji = 0
    for char in text[:JUDGED_CHARS]:
        if char.isascii():
            continue
        lead = char.encode("euc_jp", "ignore")[:1]
        if lead and lead[0] == _JIS_X_0212_LEAD:
            rare += 1
            kanji += 1
        elif lead and lead[0] >= _KANJI_LEAD:
            rare += lead[0] >= _LEVEL_TWO_LEAD
            kanji += 1
    return rare, kanji


def _common_kanji(text: str) -> bool:
    """Whether ``text``, an EUC-JP reading, is made of the kanji Japanese writes: at most
    :data:`_RARE_KANJI_SHARE` of them rare (:func:`_rare_kanji`)."""
    rare, kanji = _rare_kanji(text)
    return rare <= _RARE_KANJI_SHARE * kanji


def _euc_jp_reading(data: bytes, reading: Reading, config: DecodeConfig
                    ) -> tuple[Reading, bool] | None:
    """The reading of ``data`` in the first code page of EUC-JP's that reads it otherwise
    than ``reading`` does, as plausible text made of common kanji (:func:`_common_kanji`),
    the listed ones first, and whether that one is listed; None if none does."""
    listed, pages = listed_first(config, _EUC_JP_PAGES)
    for encoding in pages:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text != reading.text and plausible(judge(text)) and _common_kanji(text):
            return Reading(encoding, text, None), encoding in listed
    return None


def read_as_euc_jp(data: bytes, reading: Reading, config: DecodeConfig) -> Reading | None:
    """``data``, chosen as ``reading``, read in a code page of EUC-JP's where ``reading``
    holds Japanese's kana (:func:`holds_japanese_kana`) and that code page reads its
    kanji otherwise, as Japanese writes them (:func:`_euc_jp_reading`), if it is listed;
    :class:`BetterElsewhere` naming it if not; None where ``reading`` is no such
    misreading (kana alone, which both read alike, is none)."""
    if not holds_japanese_kana(reading):
        return None
    found = _euc_jp_reading(data, reading, config)
    if found is None:
        return None
    japanese, listed = found
    if listed:
        return japanese
    name = addable_code_pages()[japanese.encoding]
    found_kana = _kana_in(reading.text)
    raise BetterElsewhere(
        f"{reading.encoding} reads it as {excerpt(data, reading.text, reading.encoding)!r}, "
        f"but {found_kana.kana:,} of its "
        f"{counted(found_kana.beyond, 'character', grouped=True)} beyond "
        f"ASCII are kana, which Chinese does not write, and {reading.encoding} reads "
        f"EUC-JP's kana as the same kana and its kanji as other hanzi (肋年 for 設定); in "
        f"{name} it reads as "
        f"{excerpt(data, japanese.text, japanese.encoding)!r}: if that is its code page, add "
        f"\"{name}\" to decode.fallback_encodings in corpus.toml, or re-save it as UTF-8")
