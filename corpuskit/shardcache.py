"""The content-addressed cache of processed shards, and the reuse of a shard's last build.

A shard's entry is keyed by its paths, its raw files' sha256s and the configuration's
fingerprint (corpuskit's version, the Unicode version and the compression included); an
incremental build copies a hit's records and archive pieces instead of processing its
documents, and in a shard where some documents changed takes the others' records from the
entry the last build of those paths made (:class:`EarlierShard`). The cache lives outside
``dist/``, can be deleted at any moment, and never changes the output bytes.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import threading
import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import msgspec
import orjson

from .config import ProcessConfig, read_regular
from .crc32 import crc32
from .errors import OutputError
from .listings import FOLDER as LISTINGS_FOLDER
from .models import RECORD_SUMMARY, DocSummary
from .outputidentity import code_identity, output_identity
from .package import RAW_PREFIX, CorpusStats
from .regularfiles import open_regular
from .seedstate import FOLDER as SEED_STATES_FOLDER
from .seedstate import SeedStates
from .shardpieces import RECORDS_CHUNK, PiecesWriter, pieces_index_path, pieces_path
from .usercache import MODELS_FOLDER
from .writer import TEMP_PREFIX, copy_into, write_file
from .zipfiles.deflate import Compression
from .zipfiles.zippieces import read_range

#: Part of every cache key: changed with the entries' format, and with anything that gives
#: other records for the same bytes within one corpuskit version (v76: a word holding a
#: letter only some Cyrillic alphabets write beside one no such alphabet has (``ОДјю``), or,
#: in a text of under 20 Cyrillic letters, miscased (``СЎПо``), is misread whatever the
#: language identifier says, so short GBK Chinese beside ASCII is refused, no longer built
#: as cp1251; v75: gb18030's reading of EUC-JP's Japanese, whose kana it reads as the same
#: kana and its kanji as other hanzi (``dpkg の肋年ファイル``), holding kana as Japanese writes
#: them (a tenth of its characters beyond ASCII, two together), which an EUC-JP code page
#: reads otherwise as common kanji, is read in that code page if listed and refused naming
#: euc-jp if not, so Japanese in EUC-JP dominated by kanji is no longer built as gb18030;
#: v74: the mojibake repair reads a lost byte as U+FFFD only on a line holding U+FFFD or its
#: mojibake, and never a ``?``, where correct text beside mojibake lost characters,
#: ``installé\u00a0?`` becoming ``install�``; v73: of readings with as few mistyped words,
#: one with fewer words mixing letters no one alphabet writes together (``Kýlýçdaroðlu``,
#: ``Pawe³``) wins before the language fit, and is not replaced by such a reading as clearly
#: better, so Western text naming Czechs, Poles or Turks in their code page, listed first,
#: is read in it, not as cp1252; v72: gb18030's reading made of hanzi of GBK's extension is
#: Shift_JIS's Japanese misread only where a Shift_JIS code page's reading holds kana or
#: Japanese's punctuation, an eighth of its characters beyond ASCII and two at least, or is
#: Japanese to the identifier, and no Latin letter or symbol beside a kanji; a page not
#: listed whose reading holds a private-use character is not named; so traditional Chinese
#: in GBK read there as kanji alone (``參數 帳戶 開啟``) is built, not refused; v71: a legacy
#: reading with a sign its language writes between letters, ``n°NOMBRE``, ``try…catch``
#: after an ASCII letter, ``%0A¿Quiere`` before a capital, or a degree or multiplication
#: sign in too few of its words, is read, not refused as misread; v70: of readings with as
#: few mistyped words, one with fewer words writing ``ů ě ŕ ĺ ń`` where no language of
#: Central Europe writes them wins, so short Italian or French in cp1252 naming a Czech is
#: no longer built as cp1250's ``piů``, ``ŕ``, and two words holding letters of a language
#: the text is not in make it misread only if the rest is no fluent text either, so German
#: in cp1252 naming ``Pardubický kraj`` is built, not refused; v69: which Cyrillic language
#: a legacy reading is in, for letters only some Cyrillic alphabets write, is asked of its
#: Cyrillic words alone, where Serbian in cp1251 with man page markup was refused; ISO-2022
#: text, built with its escapes deleted where they were under 1% of it, is refused; v68:
#: gb18030's reading of Shift_JIS made of hanzi of GBK's extension (``柤慜`` for ``名前``),
#: which a Shift_JIS code page reads as Japanese is written (no half-width katakana), is
#: read in that code page if listed and refused naming cp932 if not, so Japanese dominated
#: by kanji, a man page's headings and names, is no longer built as ``dpkg 偺愝掕僼傽僀儖``; v67:
#: the mojibake repair keeps U+FFFD, and reads ``ï¿½`` and a sequence a cp1252 reader cut
#: short with U+FFFD (``â€�``) as U+FFFD, where a U+FFFD on a line it repaired or read with
#: another line's plan, and every ``ï¿½``, became U+001A, which remove-control-chars
#: deleted; v66: a reading clearly better in one of Greek's two code pages is one in the
#: page where Greek writes ``Ά`` and ``’`` so; v65: UTF-8 whose only whole character stands
#: beside one cut short, ``\xc2\xbb\xc3berblick``, is refused, not read in cp1252 as
#: ``Â»Ãberblick``; v64: Slovak's ``ľ`` counts as misread beside consonants Slovak's
#: spelling dictionary never writes it beside, not those its catalogues do not, so cp1250's
#: ``Oľga``, ``veľryba``, ``fľak`` are read in cp1250, not refused or read as ISO-8859-2's
#: ``Ožga``; v63: a reading in cp1251 or KOI8-R, in capitals and small letters, unsure of
#: its Cyrillic language, with two words or a third of them spelled or cased as no Cyrillic
#: language writes them (or one, its letter pairs rare), is doubtful and loses to a reading
#: in an alphabet with letter case, so a short line of Greek (``Фп ўсгпт еЯнбй``) is refused
#: naming cp1253 or iso8859-7 with the default code pages; v62: a legacy reading misread on
#: its own evidence, with no other clearly better, is refused, not built: text in a code
#: page corpuskit does not decode, ``t¨ent¨u``, ``представлениЯ``; v61: Greek's ``Ά`` after
#: an article (``το Άργος``, ``του Άρη``) is cp1253's, and ``’`` after a particle or before
#: a verb form (``μη ’ρθεις``, ``εγώ ’μαι``) ISO-8859-7's, so neither is refused with its
#: code page listed, and a word either could be (``τα Άγραφα``, ``τα ’πα``) tells neither;
#: v60: ``š`` in a Polish text, ``Ť`` or ``ť`` before a consonant at a word's start or
#: alone, ``Š`` before a year, and ``ľ`` or ``ą`` in a text the language identifier finds in
#: no language writing them count as misread, so ``cišgle``, ``Ťdupť``, ``moľnost``,
#: ``Uporabniąki`` are read in the other code page where it is listed and refused naming it
#: where not; v59: a code page's sign whose byte UTF-8 writes only after a character's first
#: byte, before a letter beyond ASCII (``»Überblick«`` in cp1252), is no UTF-8 cut short, so
#: such text is read in its code page, not refused; v58: ISO-8859-2's ž, š and ť read in
#: cp1250 where Slovak never writes ľ, Polish never ą, or as a ``»`` closing no quote count
#: as misread, so ``kaľdé``, ``Greąka``, ``nastavi»`` are read in ISO-8859-2 where it is
#: listed and refused naming it where not; v57: Greek in cp1253 and in ISO-8859-7 are told
#: apart by where Greek writes ``Ά`` and ``’``, so cp1253's ``Άγιος`` is read in it where
#: both are listed, not as ``’γιος``, and ISO-8859-7's aphaeresis ``που ’ναι`` not as
#: cp1253's ``που Άναι``; v56: a word holding a letter that only languages the text is not
#: in write (Estonian's ``š`` read in cp1252 as Icelandic's ``ð``, ``Tðehhi``) loses a tie
#: to a reading without, so Estonian in cp1257 is read in it when listed, and the second
#: look takes a reading likely (80%), not only surely, in its language where the chosen one
#: is misread in its words or in no language of its code page (Latvian, Lithuanian and
#: Turkish no longer built as cp1252, Ukrainian in KOI8-U as KOI8-R's ``з╕``); v55: Hebrew
#: in cp1255 holding a geresh, gershayim or maqaf (``צ׳כית``, ``ארה״ב``, ``ב־Ctrl``), or a
#: right-to-left mark beside ``%s``, is read as cp1255 where listed and refused naming it
#: where not, and so is long Hebrew (50 letters or more) whose letters are far likelier
#: Hebrew's than Cyrillic's however its words are written (lines in visual order), no longer
#: built as KOI8-R's capitals or cp1251's small letters; v54: a word after a time is a time
#: zone only where it is one's designator (``Z``, ``+02:00``, ``UTC+2``, ``CEST``), so
#: ``August 25, 2023 at 10:00 Paris`` is no date line and stays in the text, and with no
#: year, only an English month before the day looks like a date, so ``Mars 3`` and ``Avril
#: 14`` are titles again, and a ``;`` ends a Greek line too where its first word is Greek or
#: most of its words are, so ``Τι είναι το iPhone 15 Pro Max;`` is a title; v53: a word's
#: scripts are judged in the parts its punctuation leaves (``--arm64[=ПАРАМ]``), and a word
#: in capitals with an ending (``KÄÄNNÖSJOUKOsta``) is no case swap; a code page reading
#: UTF-8 cut short gives way to one reading the file soundly; a Korean reading putting
#: Hangul before Hanja is never clearly better; v52: gb18030's reading of Japanese in
#: Shift_JIS or cp932, dense in the hanzi it reads kana as (``偁偄偆``), is read in a listed
#: Shift_JIS code page, or refused naming cp932, where it was built as gb18030 for fewer
#: mistyped words; v51: of readings with as few mistyped words, one holding C1 controls
#: loses to any without, and none is taken for clearly better than one without; of cp1250
#: and ISO-8859-2, a reading is compared whatever code page it is recorded in, so a cp1250
#: file that cp1252, listed first, reads alike (``©2024 ... všechna``) is no longer built as
#: ISO-8859-2's ``Š2024 ... v\x9aechna``; v50: Hebrew in cp1255 of ten words or more with
#: one in ten not written as Hebrew writes its words (a letter alone, ``ב 2023``, or a final
#: form out of place) is read as cp1255 where listed and refused naming it where not, no
#: longer built as KOI8-R's capitals or cp1251's small letters; v49: of cp1250 and
#: ISO-8859-2, a reading is misread too where a word holds a sign the other reads as a
#: letter (``©túr``, ``¶lub``, ``veµký``), ``ľ`` or ``Ľ`` before a consonant at a word's
#: start (``ľganje``, ``Ľródło``) or ``Ą`` begins one, so short ISO-8859-2 text is no longer
#: built as cp1250 with both listed, cp1250 first, nor with only cp1250 listed, where it is
#: refused naming iso8859-2; v48: a date followed by a time (``2023-08-25T10:00:00Z``,
#: ``August 25, 2023 at 10:00 am``) and ``2023年8月25日`` give their date, and a day and month
#: with no year (``25th of August``) look like a date, so are no title; v47: a ``;`` or
#: ``·`` ending a first line is Greek's question mark or ano teleia where most of the line
#: is Greek letters, not only right after one, so ``Πόσο κοστίζει το 2023;`` and ``Τι είναι
#: το COVID;`` are titles and ``Λέξη 2023·`` is not; v46: of cp1251 and KOI8-R reading a
#: file as surely Cyrillic, spelled alike, the reading whose letter pairs cost a bit more
#: loses before the language fit and the letter case, so a short line in capitals only,
#: ``ИЗДАТЕЛЬ``, is no longer built as the other code page's small letters; v45: with cp1255
#: listed, short plain Hebrew in cp1255 that a Cyrillic code page reads with as few mistyped
#: words is read as cp1255 where its Cyrillic readings are no Cyrillic text (in capitals
#: only, a word no Cyrillic language spells, letters likelier Hebrew's), not as cp1251 or
#: KOI8-R; v44 was not used; v43: of cp1250 and ISO-8859-2, words, not the whole text, tell
#: a misreading, capitalised words (names) only by ``ľ``, so a Czech text in cp1250 naming
#: Poles (``Zając``) is read in cp1250, not refused or built as ``Zajšc``; a reading with C1
#: controls loses to the other's, and is refused naming it where it is not listed; readings
#: neither misreads go by the configured order, not the language fit; v42: a first line of a
#: word, a number and a month and year (``Apollo 11 July 1969``, ``Problem Set 3 of 2023``)
#: no longer looks like a date, only one after a weekday does, and is a title again, as is
#: one ending in a Tibetan shad (``།``) or a ``;`` after a Greek letter, while one ending in
#: a ``·`` after a Greek letter is not; v41: U+2029 becomes a blank line in
#: separator-breaks, no longer in line-endings, so a record of it lists separator-breaks,
#: and with that step skipped it is one LF again; v40: a text that several listed code pages
#: read alike is judged in the languages of whichever fits it best, so all-kana Japanese in
#: EUC-JP, which gb18030 reads as the same kana, is no longer built as Big5's hanzi with
#: gb18030 listed; of readings with as few mistyped words, one whose small kana Japanese
#: never writes so (``いゅ``) loses, so Big5 read as kana in EUC-JP keeps Big5; v39: of cp1251
#: and KOI8-R reading a file as surely Cyrillic with as few mistyped words, the reading
#: spelled as no Cyrillic language spells loses, then the one whose language fit is ten
#: times as doubtful, then one in capitals only against one in small letters only, so short
#: lower-case Russian in cp1251 is no longer built as KOI8-R's capitals, nor in KOI8-R as
#: cp1251's; v38: a first line ending in another script's sentence or clause punctuation
#: (``。``, ``，``, ``।``), in an ellipsis or in a quotation mark after one, or that looks
#: like a date the parser does not read (``03/04/2023``, ``2023-08-25 10:00``), is no title,
#: and U+2029 PARAGRAPH SEPARATOR becomes a blank line, no longer one LF; v37: a file that
#: cp1250 reads in letters of Central European alphabets mixed, and ISO-8859-2, not listed,
#: in one language's, is refused naming iso8859-2, and the other way round; of cp1255 and a
#: Cyrillic code page reading a file with as few mistyped words, cp1255 wins only where it
#: is spelled as Hebrew, so short lower-case Russian in cp1251 is no longer built as cp1255
#: with cp1255 listed; v36: a short file of Hebrew in cp1255, spelled as Hebrew, is read in
#: cp1255 where listed and refused naming it where not, not built as cp1251's or KOI8-R's
#: Cyrillic; a UTF-8 line of letters a code page reads as signs only (UTF-8 Hebrew in
#: cp1255) beside its lines mixes encodings; v35: a UTF-16 file ending in a code page's one
#: or two words on a line of their own, Latin-1 "Café" CR LF, is refused as joined to them;
#: v34: a short file of a code page of Chinese, Japanese or Korean whose bytes are valid
#: UTF-8 by chance, read so as letters of scripts mixed in its words, is read in a listed
#: code page of theirs, or refused naming one; v33: of cp1250 and ISO-8859-2 reading a file
#: with no word mistyped, one whose letters mix Polish's with those of Czech, Slovak or
#: South Slavic (``příąí``, ``stolicš``) loses to one that does not, where the one listed
#: first won; v32: a file of a code page of Chinese, Japanese or Korean with a line of UTF-8
#: (Russian read as gb18030's hanzi) is refused as mixing encodings, and a UTF-16 file
#: ending in bytes of a code page, of UTF-8 Chinese, a short line or a bare CRLF as joined
#: to them; v31: the mojibake repair judges each line alone whatever its line break, so a
#: CR-only or U+2028 file is repaired as its LF form is; v30: a text that shows nothing once
#: its title, date and rights line are taken is refused; v29: a file whose only bytes that
#: are not UTF-8 are UTF-8's forms of surrogates, CESU-8's, is refused as UTF-8 where cp1252
#: read it beside ASCII alone; v28: languages are decided in arithmetic that gives the same
#: bits on every machine, which may label a text near a threshold otherwise, and a word of
#: Chinese or Japanese is judged in the parts its punctuation (、。「」) leaves, so Japanese in
#: Shift_JIS is no longer read as gb18030 on a few words like は、APT, and koi8-u is a code
#: page corpuskit knows (a Ukrainian text KOI8-R read with box drawing in its words is
#: refused, naming it); v27: the form of a UTF-8 character that encodes none, such as a
#: surrogate, in a file otherwise UTF-8 is refused as damaged UTF-8 where cp1252 read it as
#: stray bytes; a plus-minus sign glued to a letter makes a word look mistyped, and one such
#: word is enough for a code page that reads alike, ISO-8859-2 for cp1250, to be clearly
#: better; a first line that shows nothing or holds a bidirectional control is no title;
#: v26: a reading in a code page of Chinese, Japanese or Korean is judged from 60 characters
#: of non-ASCII words, so a short Japanese text in Shift_JIS is refused where gb18030 read
#: it; v25: a line too short for ftfy is read, failing ftfy's plans, with another code page
#: of ftfy's that repairs the lines a plan repairs alike, windows-1252 where ftfy named
#: latin-1; v24: a line too short for ftfy is repaired with the plan ftfy repaired another
#: line of its text with, the fix-encoding-short-lines step; v23: a text of only blank
#: glyphs, such as U+2800 BRAILLE PATTERN BLANK, is refused; v22: a code page's text with a
#: few bytes it does not define, read whole in another, is refused; v21: a line that is
#: UTF-8 in part and in a code page in another part is refused, and a date's digits are
#: ASCII's; v20: UTF-8 characters cut short that a code page reads as mojibake are refused,
#: where the repair's letters were kept; v19: a file that is UTF-8 but for a place or two is
#: refused, where a code page's reading repaired in part was kept; v18: a legacy reading
#: with a quarter of its words mistyped loses to one surely in a language of its code page;
#: v17: a legacy file's words are judged without byte order marks; v16: a legacy file's
#: words are judged without backslash markup, and a case flip between two ASCII letters is
#: none; v15: language_min_chars counts the letters of the whole text, not of the
#: identifier's sample; v14: configured rights patterns are matched by the regex module;
#: v13: a legacy file that another code page reads clearly better is refused; v12: a text of
#: only invisible characters, such as a soft hyphen, is refused), so that no entry made
#: before serves records a fresh build would not make.
CACHE_FORMAT = "corpuskit-shard-cache-v76"
#: The characters of a shard folder's name (the first two hex digits of its keys).
_HEX = frozenset("0123456789abcdef")
#: The names of the files a build writes in each folder of the cache: a shard entry's
#: description, records, archive pieces and their index (its key, 64 hex digits), a seeds
#: folder's states, a listing. :meth:`ShardCache.prune` removes nothing else.
_OWN_NAMES = {
    "shards": re.compile(r"[0-9a-f]{64}(?P<suffix>\.json|\.jsonl|\.deflate|\.deflate\.json)"),
    "states": re.compile(r"[0-9a-f]{64}\.states"),
    "listings": re.compile(r"[0-9a-f]{64}\.json"),
}

def config_fingerprint(config: ProcessConfig, compression: Compression) -> str:
    """What, besides the raw bytes, decides a shard's cached records and archive pieces:
    config, corpuskit and Unicode versions, the compression (library, version, level), the
    versions of the libraries that decide the records (:mod:`corpuskit.outputidentity`:
    an ftfy of the same minor series may repair otherwise), and corpuskit's very code
    (:func:`~corpuskit.outputidentity.code_identity`): its version has been 0.1.0 since the
    first commit, so an edited or updated checkout (an editable install, a pull) was
    served the records its earlier code made, whenever the edit left :data:`CACHE_FORMAT`
    as it was (QA s96 scale 1)."""
    return _fingerprint(config, CACHE_FORMAT, compression.library, compression.level,
                        (*sorted(output_identity().items()), ("code", code_identity())))


@lru_cache(maxsize=16)
def _fingerprint(config: ProcessConfig, form: str, deflate_library: str, deflate_level: int,
                 identity: tuple[tuple[str, str], ...]) -> str:
    """:func:`config_fingerprint`, made once per worker for all its shards (0.1 ms each).
    ``identity``: :func:`~corpuskit.outputidentity.output_identity` (corpuskit's and the
    Unicode database's versions among them)."""
    data = {
        "format": form,
        "deflate": deflate_library,  # the archive pieces are cached too,
        "deflate_level": deflate_level,  # and deflated at this level
        "config": asdict(config),
        "identity": dict(identity),
    }
    return hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _file_check(path: Path) -> str:
    """What tells a cache file damaged from sound: its CRC-32 and size, ``<crc>:<size>``.

    A cache is checked against damage (a disk error, a file cut short, a byte changed by
    hand), not against whoever can write to it: they could write any entry, whatever its
    digest. That is what zip and gzip check their contents with; here it runs at twice the
    speed of sha256, over every cached file that a build takes (the records and pieces of
    every shard: about 490 MB for 100,000 documents).
    """
    buffer, view = _check_buffer()
    crc = size = 0
    fd = open_regular(str(path))  # a pipe there: refused, a miss
    try:
        while count := os.readv(fd, [buffer]):
            crc = crc32(view[:count], crc)
            size += count
    finally:
        os.close(fd)
    return f"{crc:08x}:{size}"


#: Bytes :func:`_file_check` reads at a time.
_CHECK_BYTES = 1 << 20
#: Each thread's buffer for :func:`_file_check` (a Dask worker runs tasks in threads).
_CHECK_BUFFERS = threading.local()


def _check_buffer() -> tuple[bytearray, memoryview]:
    """The calling thread's buffer for :func:`_file_check`, and a view of it, read into
    again and again. A fresh megabyte for every read (``handle.read``) cost the kernel a
    new zeroed page for every 4 KB in a process whose malloc hands freed memory back (a
    build with ``--jobs 1``, a Dask worker): the checks of the 490 MB of a cached build of
    100,000 documents took 0.26 s that way, 0.11 s so (tmpfs). The local engine's workers
    keep freed memory (:func:`corpuskit.heap.keep_freed_memory`): 0.112 s and 0.104 s."""
    held: tuple[bytearray, memoryview] | None = getattr(_CHECK_BUFFERS, "buffer", None)
    if held is None:
        buffer = bytearray(_CHECK_BYTES)
        held = _CHECK_BUFFERS.buffer = (buffer, memoryview(buffer))
    return held


#: Seconds after which a cache entry no build used is removed (:meth:`ShardCache.prune`).
CACHE_MAX_AGE = 30 * 24 * 3600
#: Seconds after which a half-written file (a temporary file, a shard's records without
#: their description) is a killed build's leftover: no build takes that long to write one,
#: and a cache may be shared by builds running at once, on other machines too, so the
#: process named in a temporary file's name cannot tell.
HALF_WRITTEN_MAX_AGE = 3600


class ShardCache:
    """Processed shards, keyed by the shard's paths, raw sha256s and the config fingerprint.

    An entry is the shard's files (records, archive pieces and their index) and what the
    parent needs of the shard: its statistics and manifest lines, so that a hit costs the
    same for a shard of ten documents as for one of a thousand. Entries are written
    atomically (temporary file + rename) with each file's CRC-32 and size, so a cache folder
    can be deleted at any moment; a missing or damaged entry (a changed byte included) is
    simply a miss.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def holds_entries(self) -> bool:
        """Whether the cache folder holds shards (in folders named by two hex digits of
        their keys; the decoded language model beside them does not count)."""
        return bool(self._shard_folders())

    @staticmethod
    def key(fingerprint: str, entries: Sequence[tuple[str, str]]) -> str:
        hashed = "".join([f"\0{path}\0{sha}" for path, sha in entries])
        return hashlib.sha256(fingerprint.encode() + hashed.encode("utf-8", "surrogateescape")
                              ).hexdigest()

    def _paths(self, key: str) -> tuple[Path, Path]:
        folder = self.root / key[:2]
        return folder / f"{key}.jsonl", folder / f"{key}.json"

    def entry_path(self, key: str) -> Path:
        """The records file of entry ``key`` (its archive pieces and their index are beside
        it), whether it exists or not: what messages name."""
        return self._paths(key)[0]

    def entry(self, key: str) -> tuple[Path, CorpusStats, bytes] | None:
        """The records file of the cached shard ``key`` (its archive pieces are beside it,
        :func:`pieces_path`), its statistics and manifest lines; None if there is no such
        entry, or if any byte of it changed."""
        jsonl, meta = self._paths(key)
        try:
            raw = orjson.loads(read_regular(meta, _MAX_META_BYTES))
            if raw["check"] != _meta_check(key, raw["files"], raw["stats"], raw["manifest"]):
                return None  # damaged, or filed under another key: a miss
            stats, manifest = CorpusStats.from_json(raw["stats"]), raw["manifest"].encode()
            files = (jsonl, pieces_path(jsonl), pieces_index_path(jsonl))
            for source, digest in zip(files, raw["files"], strict=True):
                if _file_check(source) != digest:
                    return None  # damaged: a miss, processed and written again
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        with suppress(OSError):  # used now: kept by prune for another MAX_AGE
            os.utime(meta)
        return jsonl, stats, manifest

    def prune(self, max_age: float = CACHE_MAX_AGE,
              half_written_age: float = HALF_WRITTEN_MAX_AGE) -> int:
        """Remove the entries no build has used for ``max_age`` seconds (a build uses an
        entry it writes or takes: its description's mtime), and the seeds states and
        listings no build has saved for as long, and what killed builds left half-written
        once it is ``half_written_age`` old; the number of files removed. Without it the
        cache grew by a shard for every shard that changed, for ever. Entries in use are
        never that old.

        Only what a build writes is looked at: regular files named as its entries are
        (:data:`_ENTRY_NAME`, under the folder of their key's first two hex digits), its
        states and listings, and its temporary files, in folders of the cache itself. A
        folder given as ``--cache`` that holds other files loses none of them, nor does a
        folder a link in the cache leads to (QA: ``de/articles.jsonl`` a month old, and a
        file behind a linked folder, were removed).
        """
        now = time.time()
        horizon = now - max_age
        half_written = now - half_written_age
        removed = 0
        for folder, kind in self._own_folders():
            try:
                if not stat.S_ISDIR(os.lstat(folder).st_mode):
                    continue  # a link is never followed
                names = os.listdir(folder)
            except OSError:
                continue
            for name in names:
                path = folder / name
                try:
                    info = os.lstat(path)
                except OSError:
                    continue
                if not stat.S_ISREG(info.st_mode):
                    continue
                mtime = info.st_mtime
                if name.startswith(TEMP_PREFIX):  # what a killed build left half-written
                    doomed = [path] if mtime < half_written else []
                elif (found := _own_name(kind, folder, name)) is None:
                    continue  # not a file a build writes there
                elif kind != "shards":  # a state, a listing
                    doomed = [path] if mtime < horizon else []
                elif found.group("suffix") == ".json":
                    jsonl = path.with_suffix(".jsonl")
                    doomed = [path, jsonl, pieces_path(jsonl), pieces_index_path(jsonl)] \
                        if mtime < horizon else []
                elif found.group("suffix") == ".jsonl" \
                        and not os.path.lexists(path.with_suffix(".json")):
                    # an entry whose description was never written (a killed build)
                    doomed = [path, pieces_path(path), pieces_index_path(path)] \
                        if mtime < half_written else []
                else:
                    continue
                for file in doomed:
                    with suppress(OSError):
                        if stat.S_ISREG(os.lstat(file).st_mode):
                            file.unlink()
                            removed += 1
        return removed

    def _own_folders(self) -> list[tuple[Path, str]]:
        """The folders a build writes its files in, each with the kind of its files (a
        key of :data:`_OWN_NAMES`)."""
        return [*((folder, "shards") for folder in sorted(self._shard_folders())),
                (self.root / SEED_STATES_FOLDER, "states"),
                (self.root / LISTINGS_FOLDER, "listings")]

    def own_file(self) -> Path | None:
        """A file a build wrote in this folder as its cache (a shard entry's, seeds states,
        a listing: named as a build names them, in the folders it puts them in), if any:
        what tells a cache folder from any other. An output folder must not be one, as a
        cache may be cleared at any time (:func:`corpuskit.build.refuse_misplaced_folders`).
        Links are not followed."""
        for folder, kind in self._own_folders():
            if os.path.islink(folder):
                continue
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        if _own_name(kind, folder, entry.name) is not None \
                                and entry.is_file(follow_symlinks=False):
                            return Path(entry.path)
            except OSError:
                continue
        return None

    def unwritable_folders(self, *, models: bool = True) -> list[Path]:
        """The folders of the cache (of its shards, its seeds states, its listings, and with
        ``models`` its decoded language models) this user may not write into, sorted: a
        build keeps nothing new there (:meth:`put` fails without a word, as a cache only
        saves time)."""
        return sorted(folder for folder in self._folders(models)
                      if os.path.isdir(folder) and not os.access(folder, os.W_OK | os.X_OK))

    def _folders(self, models: bool) -> list[Path]:
        names = (SEED_STATES_FOLDER, LISTINGS_FOLDER, *((MODELS_FOLDER,) if models else ()))
        return [*self._shard_folders(), *(self.root / name for name in names)]

    def not_folders(self, *, models: bool = True) -> list[Path]:
        """What stands where the cache keeps a folder (as :meth:`unwritable_folders`) but
        is no folder (a file, a link to none), sorted: a build keeps nothing there either
        (QA: a file named ``seed-states`` had every build read every document again,
        without a word)."""
        return sorted(place for place in self._folders(models)
                      if os.path.lexists(place) and not os.path.isdir(place))

    def _shard_folders(self) -> list[Path]:
        """The folders of shard entries (two hex digits of their keys), and what else has
        such a name."""
        try:
            with os.scandir(self.root) as entries:
                return [Path(entry.path) for entry in entries
                        if len(entry.name) == 2 and set(entry.name) <= _HEX]
        except OSError:
            return []

    def get(self, key: str, target: Path) -> tuple[CorpusStats, bytes] | None:
        """Copy a cached shard (records and archive pieces) to the shard file ``target``;
        its statistics and manifest lines."""
        found = self.entry(key)
        if found is None:
            return None
        jsonl, stats, manifest = found
        try:
            for source, copy in ((jsonl, target), (pieces_path(jsonl), pieces_path(target)),
                                 (pieces_index_path(jsonl), pieces_index_path(target))):
                copy_into(source, copy, atomic=False, link=True)
        except (OSError, OutputError):
            return None
        return stats, manifest

    def put(self, key: str, jsonl_source: Path, stats: CorpusStats, manifest: bytes
            ) -> str | None:
        """Keep a shard's entry; a cache that cannot be written is only a slower next
        build, so nothing is raised: the reason is given when its file system is full
        (``No space left on device``, a quota: QA, a full cache went unsaid), the build's
        note (a cache folder this user may not write is noted apart), else None."""
        jsonl, meta = self._paths(key)
        written: list[Path] = []
        try:
            digests = []
            for source, entry in ((jsonl_source, jsonl),
                                  (pieces_path(jsonl_source), pieces_path(jsonl)),
                                  (pieces_index_path(jsonl_source), pieces_index_path(jsonl))):
                written.append(entry)
                copy_into(source, entry, link=True)
                digests.append(_file_check(source))
            stats_json, lines = stats.as_json(), manifest.decode()
            meta_doc = {"files": digests, "stats": stats_json, "manifest": lines,
                        "check": _meta_check(key, digests, stats_json, lines)}
            write_file(meta.parent, meta.name, orjson.dumps(meta_doc), atomic=True)
        except (OSError, OutputError) as exc:
            # The files of the entry copied before the failure go too: without its
            # description they serve no build, and on a full disk they held the room the
            # note asks for (QA s96 scale 3: 5 MB kept, and found again by the next build;
            # only prune, after 30 days, removed them).
            for entry in written:
                with suppress(OSError):
                    entry.unlink()
            if exc.errno in _FULL:
                return os.strerror(exc.errno or 0)
        return None


#: The errors of a file system that has no room left (the disk, or this user's quota).
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


def _own_name(kind: str, folder: Path, name: str) -> re.Match[str] | None:
    """``name`` matched as a build names its files of ``kind`` in ``folder`` (a shard
    entry's under the first two hex digits of its key), or None."""
    found = _OWN_NAMES[kind].fullmatch(name)
    if found is None or (kind == "shards" and not name.startswith(folder.name)):
        return None
    return found


def _meta_check(key: str, digests: Any, stats: Any, manifest: Any) -> str:
    """The sha256 of a cache entry's description (the checks of its files, its statistics
    and manifest lines, which go into the release as they are) and of its key: a changed
    byte in the entry's .json file is a miss, like one in its other files, and so is an
    entry copied or linked to another key's place."""
    return hashlib.sha256(orjson.dumps([key, digests, stats, manifest],
                                       option=orjson.OPT_SORT_KEYS)).hexdigest()


#: A cache entry's description is a few KB a shard; anything far larger is no description.
_MAX_META_BYTES = 64 * 1024 * 1024


class EarlierShard:
    """The cache entry of the last build of a shard's paths, read along as the shard is
    built again: the record and raw piece of each document whose bytes did not change are
    taken from it, so that a shard in which one document changed processes that one
    document, not the shard. Its records are read one at a time, as they are needed."""

    def __init__(self, jsonl: Path, shas: list[str]) -> None:
        index = orjson.loads(pieces_index_path(jsonl).read_bytes())
        self.raw: dict[str, tuple[int, int, int, int]] = {
            member: (size, crc, offset, length)
            for member, size, crc, offset, length in index["raw"]}
        self.large: dict[str, tuple[int, list[list[int]]]] = {
            member: (size, pieces) for member, size, pieces in index["large"]}
        #: Each piece of its records by size and CRC: where it starts in its shard file,
        #: and where its deflated bytes are in the pieces.
        self.records_pieces: dict[tuple[int, int], tuple[int, int, int]] = {}
        start = 0
        for offset, length, size, crc in index["records"]:
            self.records_pieces.setdefault((size, crc), (start, offset, length))
            start += size
        self.shas = shas
        self.pieces = pieces_path(jsonl).open("rb")
        try:
            self.records = jsonl.open("rb")
        except OSError:
            self.pieces.close()
            raise
        self.position = 0

    @classmethod
    def find(cls, cache: ShardCache, states: SeedStates, fingerprint: str,
             keyed: Sequence[tuple[str, str]]) -> EarlierShard | None:
        """The entry the last build of these paths made, if it was made with this
        configuration (``fingerprint``: corpuskit's version included) and is intact."""
        if states.last_shard is None:
            return None
        key, shas = states.last_shard
        if len(shas) != len(keyed) or key != ShardCache.key(
                fingerprint, [(path, sha) for (path, _), sha in zip(keyed, shas, strict=True)]):
            return None  # another configuration or version: every document is processed
        found = cache.entry(key)
        if found is None:
            return None
        try:
            return cls(found[0], shas)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def __enter__(self) -> EarlierShard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.records.close()
        self.pieces.close()

    def take(self, position: int, path: str, sha: str, pieces: PiecesWriter
             ) -> tuple[bytes, DocSummary] | None:
        """The record line (and its summary) of the shard's document at ``position``, ``path``,
        if its bytes are still those of sha256 ``sha`` (its raw piece is added to
        ``pieces``), else None."""
        line = b""
        while self.position <= position:
            line = self.records.readline()
            self.position += 1
        if not line.endswith(b"\n") or self.shas[position] != sha:
            return None
        try:
            record = RECORD_SUMMARY.decode(line)
        except msgspec.DecodeError:
            return None  # (the entry's checks matched: not seen) processed again
        if record.source_path != path:
            return None
        member = RAW_PREFIX + path
        where = self.raw.get(member)
        if where is not None:
            size, crc, offset, length = where
            deflated = self._read(offset, length)
            if deflated is None:
                return None
            pieces.add_deflated(member, size, crc, deflated)
        elif member in self.large:
            size, large = self.large[member]
            read: list[tuple[int, bytes]] = []
            for crc, offset, length in large:
                deflated = self._read(offset, length)
                if deflated is None:
                    return None
                read.append((crc, deflated))
            pieces.add_large(member, size, read)
        else:
            return None
        return line, record

    def records_piece(self, jsonl: BinaryIO, offset: int, length: int
                      ) -> tuple[int, bytes] | None:
        """The CRC-32 and deflated bytes of the piece of records at ``offset`` in the shard
        file ``jsonl`` (``length`` bytes), if the earlier build deflated the same bytes:
        found by size and CRC, then compared byte for byte with its own shard file (read
        with ``pread``: :meth:`take` reads it in order)."""
        crc = 0
        for chunk in read_range(jsonl, offset, length, chunk=RECORDS_CHUNK):
            crc = crc32(chunk, crc)
        found = self.records_pieces.get((length, crc))
        if found is None:
            return None
        start, deflated_at, deflated_length = found
        earlier = self.records.fileno()
        for chunk in read_range(jsonl, offset, length, chunk=RECORDS_CHUNK):
            try:
                same = os.pread(earlier, len(chunk), start) == chunk
            except OSError:  # the earlier entry cannot be read: a miss, deflated anew
                return None
            if not same:
                return None
            start += len(chunk)
        deflated = self._read(deflated_at, deflated_length)
        return (crc, deflated) if deflated is not None else None

    def _read(self, offset: int, length: int) -> bytes | None:
        """Deflated bytes of the earlier entry's pieces; None if they cannot be read whole
        (a cache is safe to damage or delete: a miss, never a failed build)."""
        try:
            self.pieces.seek(offset)
            deflated = self.pieces.read(length)
        except OSError:
            return None
        return deflated if len(deflated) == length else None

