"""Deterministic generator of synthetic seeds corpora for benchmarking corpuskit.

Writes ``N`` news-article-like text files under ``OUT_DIR/part-XXXX/doc-XXXXXXX.txt`` (or,
with ``--layout dated``, under ``OUT_DIR/YYYY/MM/DD/``, as a news archive is kept) plus an
``OUT_DIR/corpus.toml``. Documents are made from word lists embedded below for English (the
majority), French, German, Spanish, Russian, Chinese, Czech and Polish. A share of them are
"messy", cycling through: CRLF line endings, UTF-8 with BOM, a legacy code page, cp1252
mojibake, NFD-decomposed accents, stray whitespace (trailing spaces, NBSP, zero-width spaces,
3+ blank lines) and UTF-16 with BOM.

Determinism: every random choice comes from ``random.Random`` instances seeded from the
arguments (string seeds, which CPython hashes with SHA-512 on every platform), using only
``random()``, ``randrange()`` and ``sample()``; the size distribution uses ``decimal`` (whose
``exp`` is correctly rounded in software) instead of the platform's libm. No clock, no
environment, no global random state, explicit byte encodings (UTF-16 with an explicit byte
order) and explicit file modes: the same arguments give a byte-identical tree on any machine.
Each document depends only on ``(seed, index)`` and whether and how it is messy.

Document sizes are lognormal around ``--median-bytes`` (default 2,000) with spread
``--spread`` (the sigma, default 0.65), clipped to ``--min-bytes``..``--max-bytes``;
docs/performance.md (Corpora of other shapes) gives the options of the other corpus shapes
it reports (a few large documents, many tiny ones, sizes spread from 200 bytes to 1 MB).

Usage::

    python benchmarks/generate_corpus.py OUT_DIR --documents N [--seed S]
        [--messy-share 0.2] [--folders K | --layout dated]
        [--median-bytes 2000] [--spread 0.65] [--min-bytes 200] [--max-bytes 20000]
    python benchmarks/generate_corpus.py OUT_DIR --change-one [--seed S] [--files LIST]
        [--max-file-bytes N]

``--change-one`` appends one ASCII sentence paragraph to the first document (sorted by
path) of an existing corpus that changes alone (no link, nor a file a link or a second hard
link names), in that file's own encoding and line endings, to time incremental rebuilds;
with ``--max-file-bytes N``, the first such document that stays within N bytes once changed.
"""

from __future__ import annotations

import argparse
import calendar
import decimal
import functools
import os
import random
import re
import stat
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

CONFIG_NAME = "corpus.toml"
#: The seeds folder's changelog, which no build takes for a document.
CHANGELOG_NAME = "CHANGELOG.md"
FILE_MODE = 0o644
DIR_MODE = 0o755
DOCS_PER_FOLDER = 1000
MIN_BYTES = 200
MAX_BYTES = 20_000
#: Body text stops this far below MAX_BYTES so that a marker sentence still fits.
MARKER_ROOM = 300
MEDIAN_BYTES = 2000
SIGMA = decimal.Decimal("0.65")
#: The smallest --max-bytes: room for a title, a date, a sentence and the marker.
LEAST_MAX_BYTES = 1000
#: ``--layout dated``: documents in ``YYYY/MM/DD`` folders of these years.
FIRST_YEAR, YEARS = 2000, 20


@dataclass(frozen=True)
class Sizes:
    """The distribution of document sizes in bytes: lognormal, ``median`` and ``spread``
    (its sigma), clipped to ``minimum``..``maximum``."""

    median: int = MEDIAN_BYTES
    spread: decimal.Decimal = SIGMA
    minimum: int = MIN_BYTES
    maximum: int = MAX_BYTES

    def problem(self) -> str | None:
        """What is wrong with these sizes, if anything."""
        if self.maximum < LEAST_MAX_BYTES:
            return f"--max-bytes must be at least {LEAST_MAX_BYTES}"
        if not 0 < self.minimum <= self.median <= self.maximum:
            return "the sizes must be 0 < --min-bytes <= --median-bytes <= --max-bytes"
        if self.median > self.maximum - MARKER_ROOM:
            # A document's text stops MARKER_ROOM below the largest size: a median above
            # that would not be the median.
            return f"--median-bytes must be at most --max-bytes - {MARKER_ROOM}"
        return None

MESSY_KINDS = ("crlf", "utf8-bom", "legacy", "mojibake", "nfd", "whitespace", "utf16")

# --------------------------------------------------------------------------------------
# Word lists. Per language: function words (frequent) and content words, quote marks,
# footer templates and a marker sentence holding curly quotes and decomposable accents.
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Language:
    code: str
    function: tuple[str, ...]
    content: tuple[str, ...]
    quotes: tuple[str, str]
    footers: tuple[str, ...]
    marker: str
    legacy: tuple[str, ...]
    spaced: bool = True


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


ENGLISH = Language(
    code="en",
    function=_words(
        """the of and to in a is that for on with as was by it are from at be this have has
        an which their its not but were will they been more also after than other new about
        over into would said"""
    ),
    content=_words(
        """government country people year world development international policy economic
        market report president minister company city council school health water energy
        research security public national local support growth project record trade workers
        region plan meeting agreement cooperation independence history future service data
        program budget election court bank industry farmers students scientists community
        officials weather season festival museum announced reported expected increased
        reached continued developed built opened signed visited discussed important
        significant major recent annual strong growing regional global friendly modern
        traditional railway harbour hospital village river bridge teachers families
        country’s government’s company’s city’s nation’s world’s it’s didn’t"""
    ),
    quotes=("\u201c", "\u201d"),
    footers=(
        "{year} © All rights reserved.",
        "© {year} The Daily Example. All rights reserved.",
        "Copyright © {year} Example News Agency. All rights reserved.",
    ),
    marker="The mayor’s office in Zürich called the plan “a naïve idea” at the café.",
    legacy=("cp1252",),
)
#: Rare English words with accents (names and loanwords), mixed in now and then.
ENGLISH_ACCENTED = _words("café résumé naïve fiancée Zürich Montréal Málaga Kraków São Besançon")

FRENCH = Language(
    code="fr",
    function=_words(
        """le la les de des du et en un une est que qui dans pour sur avec par plus pas au
        aux ce cette son sa ses leur été a sont ont mais aussi très après à où déjà"""
    ),
    content=_words(
        """gouvernement pays année monde développement économie marché rapport président
        ministre entreprise ville conseil école santé eau énergie recherche sécurité
        publique nationale région projet accord coopération histoire avenir service élection
        tribunal banque industrie agriculteurs étudiants chercheurs communauté responsables
        saison musée annoncé prévu augmenté réunion importante nouvelle français européenne
        œuvre cœur côté être fête élèves général"""
    ),
    quotes=("«", "»"),
    footers=("© {year} Tous droits réservés.",),
    marker="Le maire a qualifié le projet de «première étape» à côté du musée.",
    legacy=("cp1252",),
)

GERMAN = Language(
    code="de",
    function=_words(
        """der die das und in den von zu mit sich des auf für ist im dem nicht ein eine als
        auch es an werden aus er hat dass sie nach wird bei einer um am sind noch wie über"""
    ),
    content=_words(
        """Regierung Land Jahr Welt Entwicklung Wirtschaft Markt Bericht Präsident Minister
        Unternehmen Stadt Rat Schule Gesundheit Wasser Energie Forschung Sicherheit
        öffentlich Region Projekt Abkommen Zusammenarbeit Geschichte Zukunft Dienst Wahl
        Gericht Bank Industrie Bauern Studenten Wissenschaftler Gemeinde Behörden Wetter
        Straße Größe Bürger Märkte Schüler Ergebnisse wichtig neue große heute gestern
        angekündigt erhöht geöffnet unterzeichnet Verkehr Gebäude"""
    ),
    quotes=("„", "\u201c"),
    footers=("© {year} Alle Rechte vorbehalten.",),
    marker="Der Bürgermeister nannte den Plan „einen großen Schritt“ für die Straße.",
    legacy=("cp1252",),
)

SPANISH = Language(
    code="es",
    function=_words(
        """el la los las de del y en un una que es por para con se su sus al lo como más pero
        fue ha han sobre también entre desde según este esta"""
    ),
    content=_words(
        """gobierno país año mundo desarrollo economía mercado informe presidente ministro
        empresa ciudad consejo escuela salud agua energía investigación seguridad pública
        nacional región proyecto acuerdo cooperación historia futuro servicio elecciones
        tribunal banco industria campesinos estudiantes científicos comunidad autoridades
        temporada museo anunció aumentó reunión importante nueva niños mañana después señaló
        económico"""
    ),
    quotes=("«", "»"),
    footers=("© {year} Todos los derechos reservados.",),
    marker="El alcalde calificó el proyecto de «una señal importante» para la región.",
    legacy=("cp1252",),
)

RUSSIAN = Language(
    code="ru",
    function=_words(
        """и в не на с что по как к из за от о для это его он она они был была были также
        после более уже при до так но году"""
    ),
    content=_words(
        """правительство страна год мир развитие экономика рынок доклад президент министр
        компания город совет школа здоровье вода энергия исследование безопасность
        общественный национальный регион проект соглашение сотрудничество история будущее
        служба выборы суд банк промышленность фермеры студенты учёные сообщество чиновники
        погода сезон музей объявил сообщил увеличился встреча важный новый российский
        международный решение работа жители область района ещё"""
    ),
    quotes=("«", "»"),
    footers=("© {year} Все права защищены.",),
    marker="Учёные назвали этот проект «новой главой» в истории района.",
    legacy=("cp1251", "koi8_r"),
)

CHINESE = Language(
    code="zh",
    function=_words("的 是 在 和 了 有 也 对 将 从 为 与 这 等 并"),
    content=_words(
        """中国 政府 国家 经济 发展 市场 报告 主席 部长 公司 城市 会议 学校 健康 水资源 能源
        研究 安全 公共 地区 项目 协议 合作 历史 未来 服务 选举 法院 银行 工业 农民 学生
        科学家 社区 官员 天气 今年 人民 世界 国际 重要 新的 宣布 表示 增加 建设 推动 加强
        提高 文化 教育 技术 企业 北京 上海 记者 消息 活动 计划 问题"""
    ),
    quotes=("\u201c", "\u201d"),
    footers=("© {year} 版权所有",),
    marker="记者在苏黎世（Zürich）报道了“新的”合作项目。",
    legacy=("gb18030",),
    spaced=False,
)

CZECH = Language(
    code="cs",
    function=_words(
        """a v na se je že s z do o k to by jsou ale jako pro po také který která které bylo
        byl jeho jejich při už než"""
    ),
    content=_words(
        """vláda země rok svět rozvoj ekonomika trh zpráva prezident ministr společnost město
        rada škola zdraví voda energie výzkum bezpečnost veřejný národní oblast projekt
        dohoda spolupráce historie budoucnost služba volby soud banka průmysl zemědělci
        studenti vědci obyvatelé úřady počasí sezóna muzeum oznámil zvýšil setkání důležitý
        nový český příští řekl čtvrtek dnešní ještě"""
    ),
    quotes=("„", "\u201c"),
    footers=("© {year} Všechna práva vyhrazena.",),
    marker="Starosta označil projekt za „důležitý krok“ pro obyvatele města.",
    legacy=("cp1250",),
)

POLISH = Language(
    code="pl",
    function=_words(
        """i w na się z że do nie to jest o po od przez dla jak ale oraz także który która
        które był była są jego ich przy już niż"""
    ),
    content=_words(
        """rząd kraj rok świat rozwój gospodarka rynek raport prezydent minister spółka miasto
        rada szkoła zdrowie woda energia badania bezpieczeństwo publiczny narodowy region
        projekt umowa współpraca historia przyszłość usługi wybory sąd bank przemysł rolnicy
        studenci naukowcy mieszkańcy urzędnicy pogoda sezon muzeum ogłosił zwiększył
        spotkanie ważny nowy polski przyszły powiedział czwartek dzisiaj jeszcze źródło"""
    ),
    quotes=("„", "\u201d"),
    footers=("© {year} Wszelkie prawa zastrzeżone.",),
    marker="Burmistrz nazwał projekt „ważnym krokiem” dla mieszkańców źródła.",
    legacy=("cp1250",),
)

#: (language, weight out of 100): English is the majority.
LANGUAGES: tuple[tuple[Language, int], ...] = (
    (ENGLISH, 50),
    (FRENCH, 10),
    (GERMAN, 10),
    (SPANISH, 10),
    (RUSSIAN, 6),
    (CHINESE, 6),
    (CZECH, 4),
    (POLISH, 4),
)

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

#: Stand-ins for characters a legacy code page lacks (only koi8_r needs them here).
LEGACY_FALLBACKS = str.maketrans(
    {
        "«": '"',
        "»": '"',
        "\u201c": '"',
        "\u201d": '"',
        "„": '"',
        "\u2018": "'",
        "\u2019": "'",
        "—": "-",
        "–": "-",
        "…": "...",
    }
)

#: Byte -> character as a sloppy cp1252 decoder sees it (undefined bytes map to C1 controls).
SLOPPY_CP1252 = tuple(
    bytes([b]).decode("cp1252", errors="replace").replace("\ufffd", chr(b)) for b in range(256)
)

# --------------------------------------------------------------------------------------
# Text generation
# --------------------------------------------------------------------------------------


@dataclass
class Document:
    language: Language
    title: str
    date: str
    paragraphs: list[str]
    footer: str | None


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def pick(rng: random.Random, items: Sequence[str]) -> str:
    return items[rng.randrange(len(items))]


def capitalise(word: str) -> str:
    return word[:1].upper() + word[1:]


def pick_language(rng: random.Random) -> Language:
    roll = rng.randrange(sum(weight for _, weight in LANGUAGES))
    for language, weight in LANGUAGES:
        if roll < weight:
            return language
        roll -= weight
    raise AssertionError("unreachable")


def target_size(rng: random.Random, sizes: Sizes = Sizes()) -> int:
    """A lognormal-ish size in bytes: median ``sizes.median``, clipped to its bounds.

    The normal deviate is the Irwin-Hall sum of 12 uniforms (plain IEEE additions) and the
    exponential is taken in ``decimal``, so no platform libm is involved.
    """
    z = sum(rng.random() for _ in range(12)) - 6.0
    with decimal.localcontext() as ctx:
        ctx.prec = 28
        size = int(decimal.Decimal(sizes.median) * (sizes.spread * decimal.Decimal(z)).exp())
    return max(sizes.minimum, min(sizes.maximum, size))


#: Entries in a language's word table: a power of two, so ``int(random() * size)`` is exact.
WORD_TABLE_SIZE = 4096


@functools.cache
def word_tables(language: Language) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The language's words laid out so one uniform draw picks one word, plain and capitalised.

    40% of the slots hold function words, the rest content words (in English the top 1%
    holds the accented names and loanwords). Built with exact float arithmetic on k/4096.
    """
    function, content = language.function, language.content
    top = 0.99 if language is ENGLISH else 1.0
    table = []
    for k in range(WORD_TABLE_SIZE):
        f = k / WORD_TABLE_SIZE
        if f < 0.4:
            table.append(function[int(f / 0.4 * len(function))])
        elif f < top:
            table.append(content[int((f - 0.4) / (top - 0.4) * len(content))])
        else:
            table.append(ENGLISH_ACCENTED[int((f - top) / (1.0 - top) * len(ENGLISH_ACCENTED))])
    return tuple(table), tuple(capitalise(word) for word in table)


def make_words(rng: random.Random, language: Language, count: int) -> list[str]:
    """``count`` words drawn from the language's word table."""
    table = word_tables(language)[0]
    rand = rng.random
    return [table[int(rand() * WORD_TABLE_SIZE)] for _ in range(count)]


def make_sentence(rng: random.Random, language: Language) -> str:
    """6-16 words, capitalised, maybe a comma and a quoted span, ending with a period."""
    table, capitalised = word_tables(language)
    rand = rng.random
    n = 6 + int(rand() * 11)
    words = [table[int(rand() * WORD_TABLE_SIZE)] for _ in range(n)]
    words[0] = capitalised[int(rand() * WORD_TABLE_SIZE)]
    if rand() < 0.08:
        start = 1 + int(rand() * (n - 3))
        end = start + 1 + int(rand() * 3)
        words[start] = language.quotes[0] + words[start]
        words[end - 1] = words[end - 1] + language.quotes[1]
    if rand() < 0.5:
        words[1 + int(rand() * (n - 3))] += "," if language.spaced else "，"
    if language.spaced:
        return " ".join(words) + "."
    return "".join(words) + "。"


def make_title(rng: random.Random, language: Language) -> str:
    words = make_words(rng, language, 3 + rng.randrange(7))
    if language.spaced:
        return " ".join(capitalise(w) for w in words)
    return "".join(words)


def make_date(rng: random.Random) -> str:
    year = 1995 + rng.randrange(30)
    month = 1 + rng.randrange(12)
    day = 1 + rng.randrange(calendar.monthrange(year, month)[1])
    style = rng.randrange(3)
    if style == 0:
        return f"{MONTH_NAMES[month - 1]} {day}, {year}"
    if style == 1:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return f"{day} {MONTH_NAMES[month - 1]} {year}"


def make_document(rng: random.Random, sizes: Sizes = Sizes()) -> Document:
    language = pick_language(rng)
    target = target_size(rng, sizes)
    title = make_title(rng, language)
    date = make_date(rng)
    footer = None
    if rng.random() < 0.5:
        footer = pick(rng, language.footers).format(year=1995 + rng.randrange(30))
    size = utf8_len(title) + utf8_len(date) + 5 + (utf8_len(footer) + 2 if footer else 0)
    joiner = " " if language.spaced else ""
    cap = sizes.maximum - MARKER_ROOM
    paragraphs: list[str] = []
    while size < target:
        sentences: list[str] = []
        for _ in range(2 + rng.randrange(5)):
            sentence = make_sentence(rng, language)
            extra = len(sentence.encode("utf-8")) + (1 if sentences else 2)
            if size + extra > cap:
                break
            sentences.append(sentence)
            size += extra
            if size >= target:
                break
        if not sentences:
            break
        paragraphs.append(joiner.join(sentences))
    if not paragraphs:  # only possible for absurd limits; keep the document well-formed
        paragraphs.append(make_sentence(rng, language))
    return Document(language, title, date, paragraphs, footer)


def ensure(doc: Document, test: Callable[[str], bool]) -> None:
    """Append the language's marker sentence unless ``test`` already holds for the text."""
    if not test(render(doc)):
        joiner = " " if doc.language.spaced else ""
        doc.paragraphs[-1] = doc.paragraphs[-1] + joiner + doc.language.marker


def render(doc: Document) -> str:
    """The clean text: title, date, paragraphs and footer separated by blank lines."""
    parts = [doc.title, doc.date, *doc.paragraphs]
    if doc.footer:
        parts.append(doc.footer)
    return "\n\n".join(parts) + "\n"


def has_non_ascii(text: str) -> bool:
    return not text.isascii()


def has_decomposable(text: str) -> bool:
    return unicodedata.normalize("NFD", text) != text


# --------------------------------------------------------------------------------------
# Messy encodings
# --------------------------------------------------------------------------------------


def mojibake(text: str) -> str:
    """UTF-8 bytes read as (sloppy) cp1252: ``’`` becomes ``â€™``."""
    return "".join(SLOPPY_CP1252[b] for b in text.encode("utf-8"))


def whitespace_mess(rng: random.Random, doc: Document) -> str:
    """Trailing spaces, NBSP and ZWSP inside lines, 3+ blank lines between paragraphs."""

    def mess_line(line: str) -> str:
        chars = list(line)
        positions = [i for i, c in enumerate(chars) if c == " "]
        if positions:
            for i in positions:
                roll = rng.random()
                if roll < 0.06:
                    chars[i] = "\u00a0"
                elif roll < 0.10:
                    chars[i] = " \u200b"
        else:  # unspaced script: insert between characters
            for _ in range(1 + len(chars) // 40):
                at = 1 + rng.randrange(max(1, len(chars) - 1))
                chars.insert(at, pick(rng, ("\u00a0", "\u200b")))
        if rng.random() < 0.5:
            chars.append(" " * (1 + rng.randrange(3)))
        return "".join(chars)

    lines = [mess_line(doc.title), doc.date + "  "]
    lines += [mess_line(p) for p in doc.paragraphs]
    if doc.footer:
        lines.append(doc.footer.replace(" ", "\u00a0", 1) + " ")
    text = lines[0] + "\n\n" + lines[1]
    for line in lines[2:]:
        text += "\n" * (4 + rng.randrange(2)) + line
    text += "\n"
    # Guarantee each feature at least once.
    if "\u00a0" not in text:
        text = text.replace(" ", "\u00a0", 1) if " " in text else "\u00a0" + text
    if "\u200b" not in text:
        text = text.replace(" ", " \u200b", 1) if " " in text else "\u200b" + text
    return text


def encode_messy(rng: random.Random, doc: Document, kind: str, cycle: int) -> bytes:
    if kind == "crlf":
        return render(doc).replace("\n", "\r\n").encode("utf-8")
    if kind == "utf8-bom":
        return b"\xef\xbb\xbf" + render(doc).encode("utf-8")
    if kind == "legacy":
        ensure(doc, has_non_ascii)
        codec = doc.language.legacy[cycle % len(doc.language.legacy)]
        text = render(doc)
        try:
            return text.encode(codec)
        except UnicodeEncodeError:
            return text.translate(LEGACY_FALLBACKS).encode(codec)
    if kind == "mojibake":
        ensure(doc, has_non_ascii)
        return mojibake(render(doc)).encode("utf-8")
    if kind == "nfd":
        ensure(doc, has_decomposable)
        return unicodedata.normalize("NFD", render(doc)).encode("utf-8")
    if kind == "whitespace":
        return whitespace_mess(rng, doc).encode("utf-8")
    if kind == "utf16":
        text = render(doc)
        if cycle % 2:
            return b"\xfe\xff" + text.encode("utf-16-be")
        return b"\xff\xfe" + text.encode("utf-16-le")
    raise ValueError(f"unknown messy kind {kind!r}")


# --------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:100].strip("-")
    return slug or "bench-corpus"


def corpus_toml(name: str, seed: int, documents: int) -> str:
    return (
        f'name = "{slugify(name)}"\n'
        'title = "Synthetic benchmark corpus"\n'
        'version = "1.0.0"\n'
        'description = "Synthetic corpus generated by benchmarks/generate_corpus.py '
        f'(seed {seed}, {documents} documents)."\n'
        'licenses = [{ name = "CC0-1.0", '
        'path = "https://creativecommons.org/publicdomain/zero/1.0/", title = "CC0 1.0" }]\n'
        'sources = [{ title = "benchmarks/generate_corpus.py" }]\n'
    )


def write_file(path: Path, data: bytes) -> None:
    with open(path, "xb") as handle:
        handle.write(data)
    os.chmod(path, FILE_MODE)


def make_dir(path: Path) -> None:
    path.mkdir()
    os.chmod(path, DIR_MODE)


def doc_rng(seed: int, index: int) -> random.Random:
    return random.Random(f"corpuskit-bench:{seed}:doc:{index}")


def dated_folder(seed: int, index: int) -> str:
    """``--layout dated``: the ``YYYY/MM/DD`` folder of document ``index``, from a generator
    of its own, so that its text is that of the default layout."""
    place = random.Random(f"corpuskit-bench:{seed}:place:{index}")
    year = FIRST_YEAR + place.randrange(YEARS)
    return f"{year:04d}/{1 + place.randrange(12):02d}/{1 + place.randrange(28):02d}"


def generate(out: Path, documents: int, seed: int, messy_share: float, folders: int | None,
             sizes: Sizes = Sizes()) -> str:
    """Write the corpus; ``folders``: that many ``part-XXXX`` folders, or None for the dated
    layout."""
    layout = random.Random(f"corpuskit-bench:{seed}:layout")
    messy_count = round(documents * messy_share)
    messy = sorted(layout.sample(range(documents), messy_count))
    kind_of = {index: j for j, index in enumerate(messy)}
    doc_width = max(7, len(str(documents - 1)))
    part_width = max(4, len(str(folders - 1))) if folders is not None else 0

    out.mkdir(parents=True, exist_ok=True)
    total = 0
    kinds = dict.fromkeys(MESSY_KINDS, 0)
    config = corpus_toml(out.resolve().name, seed, documents).encode("utf-8")
    write_file(out / CONFIG_NAME, config)
    total += len(config)
    made: set[str] = set()  # folders made so far, by relative path
    for index in range(documents):
        if folders is not None:
            where = f"part-{index * folders // documents:0{part_width}d}"
        else:
            where = dated_folder(seed, index)
        if where not in made:
            make_dirs(out, where, made)
        rng = doc_rng(seed, index)
        doc = make_document(rng, sizes)
        if index in kind_of:
            j = kind_of[index]
            kind = MESSY_KINDS[j % len(MESSY_KINDS)]
            data = encode_messy(rng, doc, kind, j // len(MESSY_KINDS))
            kinds[kind] += 1
        else:
            data = render(doc).encode("utf-8")
        write_file(out / where / f"doc-{index:0{doc_width}d}.txt", data)
        total += len(data)
    detail = ", ".join(f"{k} {n}" for k, n in kinds.items())
    leaves = sum(1 for folder in made if folders is not None or folder.count("/") == 2)
    return (
        f"generate_corpus: {documents} documents in {leaves} folders, {total} bytes, "
        f"{messy_count} messy ({detail}) -> {out}"
    )


def make_dirs(out: Path, relpath: str, made: set[str]) -> None:
    """Make ``out/relpath`` and the folders above it that are not made yet."""
    parts = relpath.split("/")
    for depth in range(1, len(parts) + 1):
        folder = "/".join(parts[:depth])
        if folder not in made:
            make_dir(out / folder)
            made.add(folder)


def document_paths(root: Path) -> list[str]:
    """Relative POSIX paths of documents: sorted, no corpus.toml nor CHANGELOG.md at the
    top (a build takes neither for a document: a change appended to a released seeds
    folder's changelog changed no document, QA), nothing hidden."""
    found: list[str] = []

    def walk(folder: Path, rel: str) -> None:
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.startswith("."):
                    continue
                relpath = f"{rel}/{entry.name}" if rel else entry.name
                if entry.is_dir(follow_symlinks=False):
                    walk(Path(entry.path), relpath)
                elif entry.is_file(follow_symlinks=False) \
                        and relpath not in (CONFIG_NAME, CHANGELOG_NAME):
                    found.append(relpath)

    walk(root, "")
    return sorted(found)


#: Byte order marks of the encodings in which ASCII is not ASCII bytes (UTF-32 first).
UNICODE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def read_file_list(listing: Path) -> list[str]:
    """The relative paths of a file list: NUL-terminated UTF-8 (undecodable bytes kept as
    surrogates, as ``os.fsdecode`` keeps them), as the benchmark kit writes the documents a
    build keeps."""
    data = listing.read_bytes()
    return [name.decode("utf-8", "surrogateescape") for name in data.split(b"\0") if name]


def alone(out: Path, paths: list[str], room: Callable[[str], bool] = lambda _: True
          ) -> str | None:
    """The first of ``paths`` (documents of ``out``) that has ``room`` for the change and
    whose change changes no other document: no symbolic link (a change written through it
    changes the file it names, and the links to that), not named by one of the others'
    links, and with one hard link only; the first of them with room if none is; None if
    none has room."""
    linked: set[str] = set()
    plain: list[str] = []
    for relpath in paths:
        info = os.lstat(out / relpath)
        if stat.S_ISLNK(info.st_mode):
            linked.add(os.path.realpath(out / relpath))
        elif info.st_nlink == 1:
            plain.append(relpath)
    found = next((relpath for relpath in plain
                  if os.path.realpath(out / relpath) not in linked and room(relpath)), None)
    return found if found is not None else next(filter(room, paths), None)


class NoRoom(ValueError):
    """No document can take the change without going over the size limit given."""


def change_one(out: Path, seed: int, files: Path | None = None,
               max_file_bytes: int | None = None, copy_of: Path | None = None) -> str:
    """Append a paragraph to the first document of ``out`` that changes alone (see
    :func:`alone`): of the paths of ``files`` (the documents the build keeps, sorted) if
    given, else of the files by path that are neither hidden, corpus.toml nor
    CHANGELOG.md. With ``max_file_bytes`` (the corpus's ``discover.max_file_bytes``), the
    first that stays within it once changed: a document at the limit, changed, was refused
    by the build as too large, and a sound corpus had no incremental figure (QA);
    :class:`NoRoom` if none does, naming ``copy_of``'s corpus.toml if ``out`` is a copy of
    that folder (the benchmark kit's copy is deleted when it ends: QA, the advice named it)."""
    paths = sorted(read_file_list(files)) if files is not None else document_paths(out)
    if not paths:
        raise FileNotFoundError(f"no documents under {out}")
    sentences = _change_sentences(seed)

    def room(relpath: str) -> bool:
        if max_file_bytes is None:
            return True
        size = os.stat(out / relpath).st_size
        return size < max_file_bytes and size + len(
            _addition((out / relpath).read_bytes(), sentences)) <= max_file_bytes

    relpath = alone(out, paths, room)
    if relpath is None:
        source = copy_of or out
        raise NoRoom(f"no document of {source} has room for the change (a paragraph of about "
                     f"{len(_addition(b'', sentences))} bytes) within "
                     f"discover.max_file_bytes, {max_file_bytes} bytes: the build would "
                     "refuse the document changed as too large; raise max_file_bytes in "
                     f"{source / 'corpus.toml'} to time an incremental build")
    path = out / relpath
    encoded = _addition(path.read_bytes(), sentences)
    with open(path, "ab") as handle:
        handle.write(encoded)
    return f"generate_corpus: changed {relpath} (+{len(encoded)} bytes)"


def _change_sentences(seed: int) -> list[str]:
    """The ASCII sentences that :func:`change_one` appends, from ``seed`` alone."""
    rng = random.Random(f"corpuskit-bench:{seed}:change-one")
    ascii_english = Language(
        code="en",
        function=tuple(w for w in ENGLISH.function if w.isascii()),
        content=tuple(w for w in ENGLISH.content if w.isascii()),
        quotes=('"', '"'),
        footers=(),
        marker="",
        legacy=(),
    )
    return [make_sentence(rng, ascii_english) for _ in range(2 + rng.randrange(3))]


def _addition(data: bytes, sentences: list[str]) -> bytes:
    """The paragraph of ``sentences`` to append to a document of bytes ``data``, in its
    encoding (a Unicode one that a byte order mark names, else ASCII) and line endings."""
    newline = "\r\n" if b"\r\n" in data else "\n"
    codec = next((name for bom, name in UNICODE_BOMS if data.startswith(bom)), "")
    if codec:  # UTF-32 and UTF-16 (checked in that order: FF FE 00 00 starts with FF FE)
        newline = "\r\n" if "\r\n".encode(codec) in data else "\n"
        ends_with_newline = data.endswith("\n".encode(codec))
    else:
        codec = "ascii"  # ASCII is the same bytes in UTF-8 and every legacy code page used
        ends_with_newline = data.endswith(b"\n")
    addition = ("" if ends_with_newline else newline) + newline + " ".join(sentences) + newline
    return addition.encode(codec)


# --------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------


def _spread(text: str) -> decimal.Decimal:
    """``--spread``: a finite number, not negative."""
    try:
        value = decimal.Decimal(text)
    except decimal.InvalidOperation:
        value = decimal.Decimal("NaN")
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of 0 or more")
    return value


#: The options that shape a new corpus (none of them goes with --change-one).
SHAPE_OPTIONS = ("documents", "folders", "layout", "median_bytes", "spread", "min_bytes",
                 "max_bytes")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="generate_corpus.py",
        description="Generate a deterministic synthetic seeds corpus for benchmarking "
        "corpuskit, or change one document of an existing one (--change-one).",
    )
    parser.add_argument(
        "out_dir", metavar="OUT_DIR", type=Path, help="folder to create (must be absent or empty)"
    )
    parser.add_argument(
        "--documents",
        "-n",
        type=int,
        metavar="N",
        help="number of documents to write (required unless --change-one)",
    )
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="seed (default 0)")
    parser.add_argument(
        "--messy-share",
        type=float,
        default=0.2,
        metavar="F",
        help="share of messy documents, 0..1 (default 0.2)",
    )
    parser.add_argument(
        "--folders",
        type=int,
        metavar="K",
        help=f"number of part-XXXX subfolders (default: one per {DOCS_PER_FOLDER} documents)",
    )
    parser.add_argument(
        "--layout",
        choices=("parts", "dated"),
        help="parts: part-XXXX folders (default); dated: YYYY/MM/DD folders, a few "
        "documents each, as a news archive",
    )
    parser.add_argument(
        "--median-bytes",
        type=int,
        metavar="N",
        help=f"median document size (default {MEDIAN_BYTES})",
    )
    parser.add_argument(
        "--spread",
        type=_spread,
        metavar="S",
        help=f"sigma of the lognormal sizes (default {SIGMA}; 0: all near the median)",
    )
    parser.add_argument(
        "--min-bytes",
        type=int,
        metavar="N",
        help=f"smallest document size (default {MIN_BYTES})",
    )
    parser.add_argument(
        "--max-bytes",
        type=int,
        metavar="N",
        help=f"largest document size (default {MAX_BYTES}; at least {LEAST_MAX_BYTES})",
    )
    parser.add_argument(
        "--change-one",
        action="store_true",
        help="append one sentence paragraph to the first document of an "
        "existing corpus in OUT_DIR, deterministically from --seed",
    )
    parser.add_argument(
        "--files",
        type=Path,
        metavar="LIST",
        help="with --change-one: the documents of OUT_DIR, NUL-terminated relative paths "
        "(the benchmark kit lists those the build keeps: no CHANGELOG.md nor excluded file)",
    )
    parser.add_argument(
        "--max-file-bytes",
        type=int,
        metavar="N",
        help="with --change-one: change the first document that stays within N bytes once "
        "changed (the benchmark kit gives the corpus's discover.max_file_bytes)",
    )
    parser.add_argument(
        "--copy-of",
        type=Path,
        metavar="DIR",
        help="with --change-one: OUT_DIR is a copy of DIR, whose corpus.toml the messages "
        "name (the benchmark kit gives the folder it copied: its copy is deleted at its end)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out: Path = args.out_dir
    if args.change_one:
        given = [name for name in SHAPE_OPTIONS if getattr(args, name) is not None]
        if given:
            print(f"error: --change-one takes no --{given[0].replace('_', '-')}",
                  file=sys.stderr)
            return 2
        if not out.is_dir():
            print(f"error: {out} is not a folder", file=sys.stderr)
            return 2
        if args.max_file_bytes is not None and args.max_file_bytes < 1:
            print("error: --max-file-bytes must be at least 1", file=sys.stderr)
            return 2
        try:
            print(change_one(out, args.seed, args.files, args.max_file_bytes, args.copy_of),
                  file=sys.stderr)
        except (FileNotFoundError, NoRoom) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0

    for name in ("files", "max_file_bytes", "copy_of"):
        if getattr(args, name) is not None:
            print(f"error: --{name.replace('_', '-')} is for --change-one", file=sys.stderr)
            return 2
    if args.documents is None or args.documents < 1:
        print("error: --documents N (N >= 1) is required", file=sys.stderr)
        return 2
    if not 0.0 <= args.messy_share <= 1.0:
        print("error: --messy-share must be between 0 and 1", file=sys.stderr)
        return 2
    defaults = Sizes()
    sizes = Sizes(
        defaults.median if args.median_bytes is None else args.median_bytes,
        defaults.spread if args.spread is None else args.spread,
        defaults.minimum if args.min_bytes is None else args.min_bytes,
        defaults.maximum if args.max_bytes is None else args.max_bytes,
    )
    problem = sizes.problem()
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    folders = args.folders
    if args.layout == "dated":
        if folders is not None:
            print("error: --layout dated takes no --folders", file=sys.stderr)
            return 2
    elif folders is None:
        folders = max(1, -(-args.documents // DOCS_PER_FOLDER))
    if folders is not None and not 1 <= folders <= args.documents:
        print("error: --folders must be between 1 and --documents", file=sys.stderr)
        return 2
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        print(
            f"error: {out} exists and is not an empty folder; refusing to write into it",
            file=sys.stderr,
        )
        return 2
    print(generate(out, args.documents, args.seed, args.messy_share, folders, sizes),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
