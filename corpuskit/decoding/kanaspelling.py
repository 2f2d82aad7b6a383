"""Japanese's kana as Japanese spells them, and Japanese in Shift_JIS read as gb18030's hanzi
(QA s81 decodelong 5).

A small kana stands only after a kana it may follow (:func:`misspells_kana`): Chinese in
Big5 read as EUC-JP's or gb18030's kana breaks that, which the ranking asks
(:func:`kana_by_spelling`). Shift_JIS's kana and punctuation read in gb18030 are hanzi
Chinese seldom writes (``偁偄偆`` for ``あいう``: :func:`kana_read_as_hanzi`), and so are
its kanji (``柤慜`` for ``名前``): all but a few of Shift_JIS's two-byte characters are
hanzi of GBK's extension, beyond GB2312 (:func:`read_as_gbk_extension`). The second look
reads a reading dense in either in a code page of Shift_JIS's if one is listed and reads
it as Japanese, and refuses the file naming one if not (:func:`read_as_japanese`).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import cache
from typing import NamedTuple

from ..config import DecodeConfig
from ..wording import counted
from .codepagelanguages import SURE, Reading, addable_code_pages, language_fits
from .plausibility import JUDGED_CHARS, Judgement, judge, plausible
from .refusal import BetterElsewhere, excerpt
from .textholds import holds_any

#: Japanese's small ya, yu and yo, and the kana they follow: those of the i row (``きゃ``,
#: ``しゅ``, ``ちょ``), and, in words taken from other languages, te, de, fu and vu
#: (``テューバ``, ``デュエット``, ``フュージョン``).
_SMALL_Y = frozenset("ゃゅょャュョ")
_BEFORE_SMALL_Y = frozenset("きぎしじちぢにひびぴみりキギシジチヂニヒビピミリてでふゔテデフヴ")
#: Small kana that follow another kana and never begin a word (small tsu, which a word
#: written as speech may begin with, and ヵ ヶ, counters after a number, aside).
_SMALL_KANA = _SMALL_Y | frozenset("ぁぃぅぇぉゎァィゥェォヮ")


def _kana(char: str) -> bool:
    """Whether ``char`` is a kana, or the prolonged sound mark or iteration mark that
    stands among them (not the middle dot ``・``, which separates words)."""
    return "\u3041" <= char <= "\u309f" or ("\u30a1" <= char <= "\u30ff" and char != "・")


def misspells_kana(text: str) -> bool:
    """Whether ``text`` writes a small kana where Japanese never does: after no kana (at
    the start of a word, or after a kanji: ``ぃゎ``) or, a small ya, yu or yo, after a kana
    it does not follow (:data:`_BEFORE_SMALL_Y`: ``いゅ``).

    Chinese in Big5 made only of the hanzi Big5 puts at A4A1-A5F6 (``中文``, ``不止``;
    no Big5 punctuation, which EUC-JP does not decode) reads as kana in EUC-JP and in
    gb18030 (``いゅ``, ``ぃゎ``), and the language identifier is as sure that such kana
    are Japanese as that Big5's reading is Chinese; Japanese spelling is what tells.
    A text with no small kana is not looked through a character at a time
    (:func:`~corpuskit.decoding.textholds.holds_any`): every tie of a file's readings asks (51 µs a
    legacy file of the kit's, 2 µs so)."""
    if not holds_any(text, _SMALL_KANA):
        return False
    previous = ""
    for char in text:
        if char in _SMALL_KANA and (not _kana(previous)
                                    or (char in _SMALL_Y and previous not in _BEFORE_SMALL_Y)):
            return True
        previous = char
    return False


def kana_by_spelling(tied: list[int], judged: dict[int, Judgement]) -> list[int]:
    """The readings ``tied`` (indices, none with more implausible words) but those whose
    kana are spelled as Japanese never spells them (:func:`misspells_kana`), where another
    reading tied with them is not."""
    misspelled = {order for order in tied if misspells_kana(judged[order].text)}
    if not misspelled or len(misspelled) == len(tied):
        return tied
    return [order for order in tied if order not in misspelled]


#: The code pages of GBK's characters, which read Shift_JIS's two bytes as one hanzi.
_GBK_PAGES = frozenset({"gb18030", "gbk"})
#: The code pages of Shift_JIS's bytes (codec names, as corpus.toml spells them too), in
#: the order one is named to add: the Windows one first, as
#: :func:`~corpuskit.decoding.secondlook.readings_elsewhere` names it.
_SHIFT_JIS_PAGES = ("cp932", "shift_jis", "shift_jisx0213")
#: Japanese's kana (ぁ to ん, ァ to ヶ) and its commonest punctuation, whose Shift_JIS
#: bytes (81-83 and a second byte) gb18030 reads as hanzi of GBK's extension, which
#: Chinese seldom writes: ``偁 偄 偆`` for ``あ い う``, ``僒`` for ``サ``, ``丄 丅 乕 乿``
#: for ``、 。 ー 」``.
_KANA_AND_STOPS = ("".join(map(chr, range(0x3041, 0x3094)))
                   + "".join(map(chr, range(0x30A1, 0x30F7))) + "、。・ー「」")
#: :data:`_KANA_AND_STOPS`, to look characters up in.
_JAPANESE_SCRIPT = frozenset(_KANA_AND_STOPS)
#: The least share of a gb18030 reading's characters beyond ASCII that must be such
#: hanzi, and the fewest of them, for it to be Shift_JIS's Japanese read so
#: (:func:`kana_read_as_hanzi`). Of 100 paragraphs of the system's Japanese messages in
#: Shift_JIS and 100 in cp932 (100 to 2,000 characters), all hold 55% or more; of 38,589
#: Chinese messages (zh_CN) none holds one, and of 30,792 in traditional characters
#: (zh_TW, zh_HK, in gb18030) 0.2% of their characters are such (備 側 僅 傾), and 6
#: short messages hold enough, none of which cp932 reads as Japanese.
_KANA_AS_HANZI_SHARE = 1 / 4
_KANA_AS_HANZI_LEAST = 2


@cache
def _without_kana_as_hanzi() -> dict[int, None]:
    """A table for ``str.translate`` that deletes the hanzi gb18030 reads the Shift_JIS
    bytes of :data:`_KANA_AND_STOPS` as."""
    return {ord(char.encode("cp932").decode("gb18030")): None for char in _KANA_AND_STOPS}


def kana_read_as_hanzi(reading: Reading) -> bool:
    """Whether ``reading``, in gb18030 (or GBK), is dense in the hanzi it reads Shift_JIS's
    kana and punctuation as (:data:`_KANA_AND_STOPS`): at least
    :data:`_KANA_AS_HANZI_SHARE` of its characters beyond ASCII, and
    :data:`_KANA_AS_HANZI_LEAST`.

    Such a reading is Japanese misread, the classic ``偁偄偆`` mojibake, however its words
    look: its punctuation read as hanzi too, a paragraph is one run of them, where the
    Japanese reading splits at ``、`` and a word such as ``名前(N)`` or ``精度%d`` (a
    kanji pair glued to ASCII) counts as mistyped; so gb18030 won on fewer mistyped words,
    with Shift_JIS listed first, and its language, Chinese at a third, was no surer than
    its unsureness could be told from (QA s81: 1 paragraph in 100, 679 characters long,
    with shift_jis or cp932 listed first; 2 or 3 in 100 with the default list)."""
    if reading.encoding not in _GBK_PAGES:
        return False
    kana, beyond = _kana_as_hanzi_counts(reading.text)
    return kana >= max(_KANA_AS_HANZI_LEAST, _KANA_AS_HANZI_SHARE * beyond)


def _kana_as_hanzi_counts(text: str) -> tuple[int, int]:
    """How many of the first :data:`JUDGED_CHARS` characters of ``text`` are hanzi that
    gb18030 reads Shift_JIS's kana and punctuation as (:data:`_KANA_AND_STOPS`), and how
    many are beyond ASCII."""
    text = text[:JUDGED_CHARS]
    return (len(text) - len(text.translate(_without_kana_as_hanzi())),
            len(text) - len(text.encode("ascii", "ignore")))


#: The least share of a gb18030 reading's characters beyond ASCII that must be hanzi of
#: GBK's extension, beyond GB2312, and the fewest of them, for it to be Shift_JIS's
#: Japanese read so where its kana are too few to tell (:func:`read_as_gbk_extension`).
#: gb18030 reads every two-byte character of Shift_JIS as one of those but the JIS level-2
#: kanji whose second byte is A1 or more (GB2312's level-2 hanzi): all 28,349 messages of
#: the system's Japanese in cp932 with six characters beyond ASCII or more hold 95%. Of
#: 37,693 simplified Chinese messages (zh_CN) none holds three quarters; of 29,902 in
#: traditional characters (zh_TW, zh_HK, in gb18030), which write hanzi of the extension
#: (``關閉``, ``標頭檔``), 12 do with a Shift_JIS reading written as Japanese is written
#: (:func:`_written_as_japanese`), all of two or three such hanzi; none of four or more.
_GBK_EXTENSION_SHARE = 3 / 4
_GBK_EXTENSION_LEAST = 6
#: Half-width katakana, which a Shift_JIS code page reads GB2312's hanzi as (lead bytes
#: A1-DF are one-byte characters there): Chinese in gb18030 read so (``ﾊｧ硲`` for ``失敗``).
_HALFWIDTH_KATAKANA = re.compile("[\uff61-\uff9f]")


def _in_gb2312(char: str) -> bool:
    """Whether GB2312, the character set of simplified Chinese, holds ``char``."""
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _gbk_extension_counts(text: str) -> tuple[int, int]:
    """How many of the first :data:`JUDGED_CHARS` characters of ``text`` are beyond ASCII
    and not in GB2312 (hanzi of GBK's extension, in a gb18030 reading), and how many are
    beyond ASCII."""
    beyond = [char for char in text[:JUDGED_CHARS] if not char.isascii()]
    return sum(1 for char in beyond if not _in_gb2312(char)), len(beyond)


def read_as_gbk_extension(reading: Reading) -> bool:
    """Whether ``reading``, in gb18030 (or GBK), is made of hanzi of GBK's extension,
    beyond GB2312: at least :data:`_GBK_EXTENSION_SHARE` of its characters beyond ASCII,
    and :data:`_GBK_EXTENSION_LEAST`.

    gb18030 reads Shift_JIS's kanji, not only its kana, as such hanzi (``柤慜`` for
    ``名前``, ``崅嫶`` for ``高橋``), and simplified Chinese writes few of them. Japanese
    dominated by kanji (headings, personal names) has too few kana for
    :func:`kana_read_as_hanzi` (QA s83 qa-decode F1: dpkg.cfg.5's Japanese man page, 13
    of 74 characters), and the language identifier calls its kanji Chinese, so it was
    built as gb18030 (``dpkg 偺愝掕僼傽僀儖``) even with shift_jis listed first."""
    if reading.encoding not in _GBK_PAGES:
        return False
    extension, beyond = _gbk_extension_counts(reading.text)
    return extension >= max(_GBK_EXTENSION_LEAST, _GBK_EXTENSION_SHARE * beyond)


#: The least share of a Shift_JIS code page's reading's characters beyond ASCII that must
#: be kana or Japanese's punctuation (:data:`_KANA_AND_STOPS`), and the fewest of them, for
#: it to show that it is Japanese where the language identifier does not say so
#: (:func:`_shows_japanese`). Japanese dominated by kanji writes some: dpkg.cfg.5's
#: headings 9 kana in 33 characters, its translators' names line a ``、`` between each two
#: names (7 in 33). Traditional Chinese in GBK made of hanzi of GBK's extension reads in
#: those code pages as kanji alone (``癢絹 轍粔 測樣 秔擥`` for ``針對 換頁 應為 韌體``),
#: with a Latin letter or a symbol among them (``Ľ鳩 痔琢 饑❹``), or with private-use
#: characters (QA s83 qa-decode2 R3).
_JAPANESE_SCRIPT_SHARE = 1 / 8
_JAPANESE_SCRIPT_LEAST = 2
#: Unicode's categories of the characters a Shift_JIS code page reads GBK's hanzi as and
#: Japanese does not write beside a kanji: letters (of scripts other than kanji and kana:
#: ``Ľ``, ``È``), enclosed numbers and other symbols (``❹``), modifier symbols. Japanese
#: writes punctuation and mathematical signs there (``“%s”``, ``右→左``, ``検索中…``).
_NOT_BESIDE_KANJI = ("L", "No", "So", "Sk")


def _kanji(char: str) -> bool:
    """Whether ``char`` is a kanji (a CJK ideograph: unified, of extension A, of the
    compatibility ones, or of the ideographic planes, which JIS X 0213 writes some of:
    ``𠂉``), or the iteration mark ``々`` that repeats one."""
    return ("\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"
            or "\uf900" <= char <= "\ufaff" or "\U00020000" <= char <= "\U0003ffff"
            or char == "々")


def _foreign_beside_kanji(text: str) -> bool:
    """Whether ``text`` writes, directly before or after a kanji, a character Japanese does
    not write there (:data:`_NOT_BESIDE_KANJI`, kanji and kana aside)."""
    for at, char in enumerate(text):
        if char.isascii() or _kanji(char) or _kana(char):
            continue
        if not unicodedata.category(char).startswith(_NOT_BESIDE_KANJI):
            continue
        if (at > 0 and _kanji(text[at - 1])) or (at + 1 < len(text) and _kanji(text[at + 1])):
            return True
    return False


def holds_private_use(text: str) -> bool:
    """Whether ``text`` holds a private-use character, which cp932 reads the bytes of
    GBK's hanzi at F040-F9FC as and no text a reader can read writes."""
    return any(unicodedata.category(char) == "Co" for char in text if not char.isascii())


def _written_as_japanese(text: str) -> bool:
    """Whether ``text``, a Shift_JIS code page's reading, is written as Japanese is: no
    half-width katakana (what those code pages read GB2312's hanzi as, its lead bytes
    A1-DF being one-byte characters there), no kana spelled as Japanese never spells
    them (:func:`misspells_kana`) and no letter of another script or symbol beside a
    kanji (:func:`_foreign_beside_kanji`)."""
    return not (_HALFWIDTH_KATAKANA.search(text) or misspells_kana(text)
                or _foreign_beside_kanji(text))


def _shows_japanese(text: str, encoding: str) -> bool:
    """Whether ``text``, a Shift_JIS code page's reading, shows it is Japanese: kana and
    Japanese's punctuation (:data:`_KANA_AND_STOPS`) at least
    :data:`_JAPANESE_SCRIPT_SHARE` of its characters beyond ASCII, and
    :data:`_JAPANESE_SCRIPT_LEAST`, or the language identifier sure it is Japanese
    (:data:`SURE`). Kanji alone show nothing: Chinese in GBK reads as kanji too."""
    sample = text[:JUDGED_CHARS]
    beyond = len(sample) - len(sample.encode("ascii", "ignore"))
    script = sum(1 for char in sample if char in _JAPANESE_SCRIPT)
    if script >= max(_JAPANESE_SCRIPT_LEAST, _JAPANESE_SCRIPT_SHARE * beyond):
        return True
    return language_fits(text, encoding)[1] >= SURE


class _Misreading(NamedTuple):
    """What tells that a gb18030 reading is Shift_JIS's Japanese misread."""

    #: Dense in the hanzi it reads kana and punctuation as (:func:`kana_read_as_hanzi`).
    kana: bool
    #: Made of hanzi of GBK's extension (:func:`read_as_gbk_extension`).
    extension: bool


def _told_by(text: str, judgement: Judgement, encoding: str, misreading: _Misreading
             ) -> _Misreading | None:
    """What tells that a Shift_JIS code page's plausible reading, ``text``, is the Japanese
    a gb18030 reading misread as ``misreading`` says misreads, if anything does: the kana,
    where it is surely Japanese to the language identifier (:data:`SURE`); else the hanzi
    of GBK's extension, where it is written as Japanese is (:func:`_written_as_japanese`)
    and shows it is Japanese (:func:`_shows_japanese`). The identifier calls Japanese
    dominated by kanji Chinese (a man page's headings and translators' names: 22%
    Japanese); its kana and punctuation tell it."""
    if misreading.kana and language_fits(judgement.text, encoding)[1] >= SURE:
        return _Misreading(kana=True, extension=False)
    if (misreading.extension and _written_as_japanese(text)
            and _shows_japanese(text, encoding)):
        return _Misreading(kana=False, extension=True)
    return None


class _JapaneseReading(NamedTuple):
    """A Shift_JIS code page's reading of a file that gb18030 misread."""

    reading: Reading
    #: Whether its code page is listed in decode.fallback_encodings.
    listed: bool
    #: What told the misreading (:func:`_told_by`).
    told: _Misreading


def listed_first(config: DecodeConfig, pages: tuple[str, ...]
                 ) -> tuple[frozenset[str], tuple[str, ...]]:
    """Of ``pages`` (codec names), those listed in decode.fallback_encodings, and all of
    them in the order to try them: the listed ones in their listed order, then the rest."""
    listed = [name for name in (codecs.lookup(name).name for name in config.fallback_encodings)
              if name in pages]
    return frozenset(listed), (*listed, *(name for name in pages if name not in listed))


def _shift_jis_reading(data: bytes, config: DecodeConfig, misreading: _Misreading
                       ) -> _JapaneseReading | None:
    """The reading of ``data`` in the first code page of Shift_JIS's bytes that reads it
    as plausible text that is the Japanese ``misreading`` misreads (:func:`_told_by`),
    the listed ones first; None if none does. A code page not listed whose reading holds
    a private-use character (:func:`holds_private_use`) is not one: it is not named."""
    listed, pages = listed_first(config, _SHIFT_JIS_PAGES)
    for encoding in pages:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding not in listed and holds_private_use(text):
            continue
        judgement = judge(text)
        told = _told_by(text, judgement, encoding, misreading) if plausible(judgement) else None
        if told is not None:
            return _JapaneseReading(Reading(encoding, text, judgement), encoding in listed,
                                    told)
    return None


def read_as_japanese(data: bytes, reading: Reading, config: DecodeConfig) -> Reading | None:
    """``data``, chosen as ``reading``, read in a code page of Shift_JIS's where
    ``reading`` is :func:`kana_read_as_hanzi` or :func:`read_as_gbk_extension` and that
    code page reads it as Japanese (:func:`_shift_jis_reading`), if it is listed;
    :class:`BetterElsewhere` naming it if not; None where ``reading`` is no such
    misreading."""
    misreading = _Misreading(kana_read_as_hanzi(reading), read_as_gbk_extension(reading))
    if not (misreading.kana or misreading.extension):
        return None
    found = _shift_jis_reading(data, config, misreading)
    if found is None:
        return None
    japanese = found.reading
    if found.listed:
        return Reading(japanese.encoding, japanese.text, None)
    name = addable_code_pages()[japanese.encoding]
    raise BetterElsewhere(
        f"{reading.encoding} reads it as {excerpt(data, reading.text, reading.encoding)!r}, "
        f"but {_why_misread(reading.text, found.told)}, as Japanese misread makes them; in "
        f"{name} it reads as {excerpt(data, japanese.text, japanese.encoding)!r}: if that is "
        f"its code page, add \"{name}\" to decode.fallback_encodings in corpus.toml, or "
        "re-save it as UTF-8")


def _why_misread(text: str, told: _Misreading) -> str:
    """Why a gb18030 reading, ``text``, is Shift_JIS's Japanese misread: the hanzi it
    reads kana as, where they told (:func:`_told_by`), else those of GBK's extension."""
    if told.kana:
        kana, beyond = _kana_as_hanzi_counts(text)
        return (f"{kana:,} of its {counted(beyond, 'character', grouped=True)} beyond ASCII "
                "are hanzi it reads Shift_JIS's kana and punctuation as (偁 偄 偆 for あ い "
                "う, 丄 丅 for 、 。)")
    extension, beyond = _gbk_extension_counts(text)
    return (f"{extension:,} of its {counted(beyond, 'character', grouped=True)} beyond "
            "ASCII are hanzi of GBK's extension, beyond GB2312, which Chinese seldom writes "
            "and which it reads Shift_JIS's kanji and kana as (柤慜 for 名前, 偁 for あ)")
