"""Text in a code page corpuskit does not decode (QA s82 qa-decode2 3, 4): a code page it
decodes read it as text with a few words misread (``t¨ent¨u``, ``представлениЯ``,
``ќўжаты``), no other reading was clearly better, and it was built, exit 0; a refused one
was told to add a code page whose reading was garbage too (Thai told cp932, whose reading
is half-width katakana). Such readings are refused now (corpuskit.decoding.misreadalone), naming no
code page unless one reads the text in a language it is made for; the same texts in the
code page corpuskit decodes for them, and sound text that looks like the signs, are read.
"""

from __future__ import annotations

import pytest

from corpuskit.config import DEFAULT_FALLBACK_ENCODINGS, DecodeConfig
from corpuskit.decoding.decode import decode
from corpuskit.decoding.misreadalone import Misreading, misread_alone, undecoded_advice
from corpuskit.models import Decoded, DocumentProblem, RawDocument

DEFAULT = tuple(DEFAULT_FALLBACK_ENCODINGS)

#: QA's minimal texts (unsupported_min.py): (code page, list, text), each built misread.
UNSUPPORTED = [
    ("cp866", DEFAULT, "-t, --timeout=СЕК время ожидания при использовании параметра -w "
                       "указанный параметр неприемлем OpenSSL"),
    ("mac-cyrillic", DEFAULT, "материализованные представления могут нежурналируемыми Ашанти "
                              "Не переходить по символическим ссылкам"),
    ("kz1048", DEFAULT, "Нигерия Index 4x6 ext Krita құжаты Перне қабылданған кезде дыбыс "
                        "беру Түсті таңдау AportisDoc құжаты"),
    ("iso8859-15", DEFAULT, "rekvisiidi tüüp (oodatakse stringi) tšentšu Ainult kohalik "
                            "in_ether(%s): ignoreerin lõpetavat koolonit"),
    ("iso8859-15", DEFAULT, "bodo (République Centrafricaine) n'a pas pu effacer le "
                            "search_path %s %s\xa0: nœuds visités\xa0: %u erreur"),
    ("cp874", DEFAULT, "เฝ้าสังเกตแฟ้มโดยตรง แต่ไม่รายงานการเปลี่ยนแปลง กรุณาแก้ปัญหาเหล่านั้น "
                       "แล้วเรียกติดตั้งใหม่อีกครั้ง %s%s:%s\n"),
    ("iso8859-13", (*DEFAULT, "cp1257"), "Japonų („Sun Type 7“, suderinamas su „Sun“) "
                                         "Samojiečių Paveikslėlio protarpis %a, %Y %H:%M:%S"),
    ("iso8859-4", (*DEFAULT, "cp1257"), "Albānija Pieņem PostScript Attēlot displeju "
                                        "nosaukumus ECMAScript programma Vertikālais Sadaļas"),
    ("iso8859-6", (*DEFAULT, "cp1256"), "G-code ضرب الخط PangoVariant مثل "
                                        "PANGO_VARIANT_SMALL_CAPS نمط الخط الفاصل لرسم أسطر "
                                        "شبكة مظهر الشجرة"),
]
#: The code page corpuskit decodes for each text's language, where it encodes the text.
KIN = {"cp866": "cp1251", "mac-cyrillic": "cp1251", "iso8859-15": "cp1252",
       "iso8859-13": "cp1257", "iso8859-4": "cp1257", "iso8859-6": "cp1256"}


def run(data: bytes, encodings: tuple[str, ...]) -> Decoded:
    return decode(RawDocument(id="doc", path="doc.txt", data=data), DecodeConfig(encodings))


def refusal(data: bytes, encodings: tuple[str, ...]) -> str:
    with pytest.raises(DocumentProblem) as caught:
        run(data, encodings)
    problem = caught.value.problem
    assert problem.code == "undecodable"
    return problem.message


@pytest.mark.parametrize(("page", "encodings", "text"), UNSUPPORTED,
                         ids=[f"{page}-{at}" for at, (page, _, _) in enumerate(UNSUPPORTED)])
def test_text_in_a_code_page_not_decoded_is_refused_not_built(
        page: str, encodings: tuple[str, ...], text: str) -> None:
    message = refusal(text.encode(page), encodings)
    assert "words in it are misread" in message
    assert "re-save it as UTF-8" in message
    assert "corpuskit does not decode" in message
    assert 'add "' not in message  # no code page corpuskit decodes reads it right


@pytest.mark.parametrize(("page", "encodings", "text"),
                         [case for case in UNSUPPORTED if case[0] in KIN],
                         ids=[page for page, _, _ in UNSUPPORTED if page in KIN])
def test_the_same_text_in_its_code_page_is_read(page: str, encodings: tuple[str, ...],
                                                 text: str) -> None:
    kin = KIN[page]
    listed = encodings if kin in encodings else (*encodings, kin)
    decoded = run(text.encode(kin), listed)
    assert (decoded.text, decoded.encoding) == (text, kin)


def test_the_misread_words_are_named() -> None:
    message = refusal(UNSUPPORTED[3][2].encode("iso8859-15"), DEFAULT)
    assert "a sign between letters, such as 't¨ent¨u'" in message
    message = refusal(UNSUPPORTED[1][2].encode("mac-cyrillic"), DEFAULT)
    assert "'представлениЯ'" in message
    # the code pages named are those that read it as text (QA s83 qa-decode F5)
    assert "corpuskit does not decode, such as mac-cyrillic; in cp1251 or in another" in message


#: Texts refused before with the advice to add a code page whose reading is garbage.
WRONG_ADVICE = [
    ("cp874", "แฟ้ม '%s' ของคุณมีการเปลี่ยนแปลง กรุณาเรียก 'apt-get update' อย่างง่าย "
              "เก็บส่วนย่อย %d ของแพกเกจ %s แล้ว (ยังต้องการอีก เซบู โอกะยะมะ"),
    ("tis-620", "เขตข้อมูล '%s' ขาดชื่อแพกเกจ หรือมีข้อมูลขยะในที่ที่ควรเป็นชื่อแพกเกจ "
                "กำลังพยายามเขียนทับ '%.250s' ซึ่งอยู่ในแพกเกจ %.250s %.250s เช่นกัน"),
    ("mac-cyrillic", "Сербская (Россия) Норвежская (Windows) Ширина полосы прокрутки или "
                     "указателя масштаба prctl(KEEPCAPS) завершился неудачно -f, --force "
                     "пытаться закрыть другие подключения перед удалением"),
    ("cp866", "%s байта передать его в git-apply Польская (Дворак) недостаточно памяти для "
              "буфера SSPI (%d) Сжатие не работает с --continue или --start-pos; они будут "
              "отключены."),
]


@pytest.mark.parametrize(("page", "text"), WRONG_ADVICE,
                         ids=[page for page, _ in WRONG_ADVICE])
def test_no_code_page_is_named_whose_reading_is_garbage(page: str, text: str) -> None:
    message = refusal(text.encode(page), DEFAULT)
    assert 'add "' not in message
    assert "re-save it as UTF-8" in message


@pytest.mark.parametrize("text", [
    "دست\u200cاندرکاران ستون\u200cها",  # Persian's zero-width non-joiner
    "Er geht´s an, wait…what",  # an acute accent for an apostrophe, an ellipsis
    "ИксКБ СимВек ΔημοσΚλειδί МегаФон АвтоВАЗ",  # camel case
    "选取区方块的α混色",  # a Greek letter in Chinese
    "צ׳כית ארה״ב ב־Ctrl",  # Hebrew's signs
    "可以是‘always’，右→左",  # quotes and an arrow in Chinese and Japanese
    "FSFAP、MIT %s：clean (Biblical，Tiro)",  # their punctuation between ASCII words
    "المتزحلق،بل",  # an Arabic comma without its space
    "Guðmundsdóttir sang in London",  # one name with a letter of another language
    "Björk Guðmundsdóttir, Reykjavík, Þingvellir: the singer was born in the city",
    "Київ — столиця України, а Дніпро — найдовша річка",  # its own Cyrillic alphabet
    "Београд је главни град Србије, а Нови Сад њен други град",
    "20°C, 5 €, ¥100, x² + 1, na hÉireann",
])
def test_sound_text_is_not_misread_alone(text: str) -> None:
    assert misread_alone(text, "cp1252") is None


#: The head of Serbian's man page of pstree (psmisc), troff source: a line of options
#: marked up, in which a few Serbian words stand, before its prose.
SERBIAN_MAN_PAGE = (
    '.TH PSTREE 1 21.06.2021. psmisc "Корисничке наредбе"\n.SH НАЗИВ\n'
    "pstree – приказује стабло процеса\n.SH УВОД\n.ad l\n"
    + "".join(rf"[\fB\-{option}\fP,\fB\ \-\-{long}\fP] " for option, long in (
        ("a", "arguments"), ("c", "compact\\-not"), ("g", "show\\-pgids"),
        ("l", "long"), ("n", "numeric\\-sort"), ("p", "show\\-pids"),
        ("s", "show\\-parents"), ("t", "thread\\-names"), ("u", "uid\\-changes")))
    + r"[\fB\-C\fP,\fB\ \-\-color\ \fP\fIатрб\fP] [\fIпид\fP,\fB\ \fP\fIкорисник\fP]"
    "\n.SH ОПИС\n"
    r"\fBpstree\fP приказује радне процесе као стабло. Стабло је укорењено или на"
    "\n"
    r"\fIпиб\fP или \fBinit\fP ако је \fIпиб\fP изостављен. Ако је наведено име корисника,"
    "\nсва стабла процеса са кореном у процесима које поседује тај корисник биће\n"
    "приказана.\n")


@pytest.mark.parametrize("encodings", [("cp1251",), (*DEFAULT,)])
def test_a_serbian_man_page_in_cp1251_is_read(encodings: tuple[str, ...]) -> None:
    """QA s83 qa-decode F5: the Cyrillic alphabet was asked of the page's lines beyond
    ASCII, filled with markup and options: Serbian came out 0.29, and ``је``,
    ``приказује`` were taken for letters of another alphabet; refused, told it may be in
    cp866 or mac-cyrillic. Its prose alone was read."""
    decoded = run(SERBIAN_MAN_PAGE.encode("cp1251"), encodings)
    assert (decoded.text, decoded.encoding) == (SERBIAN_MAN_PAGE, "cp1251")


#: Short GBK Chinese beside ASCII, which cp1251 reads as one or two words mixing letters
#: of Cyrillic alphabets (QA s83 qa-decode2 R2: 16 of 12,000 one-line zh catalogue
#: messages were so built, exit 0, even with gb18030 listed first).
SHORT_GBK = ["Word 2007 文件\n", "git name-rev [<选项>] --annotate-stdin\n", "物件 (%s)\n",
             "取消(_C)\n"]


@pytest.mark.parametrize("encodings", [DEFAULT, ("gb18030", "cp1251")])
@pytest.mark.parametrize("text", SHORT_GBK)
def test_short_gbk_chinese_is_not_built_as_cyrillic(text: str,
                                                    encodings: tuple[str, ...]) -> None:
    """The identifier, asked of one word (``ОДјю``, ``СЎПо``), named Serbian or Uzbek and
    made ``ј``, ``ў`` the text's own: built as cp1251. It is refused, as it was before."""
    message = refusal(text.encode("gbk"), encodings)
    assert "letters of another Cyrillic alphabet than the text's" in message


@pytest.mark.parametrize("word", ["ОДјю", "Опјю", "ИЎПы", "щоўк", "єэх"])
def test_a_word_mixing_cyrillic_alphabets_is_misread_in_any_text(word: str) -> None:
    """No Cyrillic alphabet writes ``ј`` beside ``ю`` or ``ы``, ``ў`` beside ``щ``, ``є``
    beside ``э``: misread even in Serbian, Belarusian or Ukrainian text, which the
    identifier is sure of."""
    text = f"{SERBIAN_MAN_PAGE}\nПраўда, Київ, {word}\n"
    misread = misread_alone(text, "cp1251")
    assert misread is not None and repr(word) in misread.why


@pytest.mark.parametrize("text", ["Word 2007 Праўда\n", "Ово је тест.\n",
                                  "Беларусь і ўсё\n", "git name-rev [<ОПЦИЈА>] Македонија\n"])
def test_short_cyrillic_in_one_alphabet_is_not_misread(text: str) -> None:
    assert misread_alone(text, "cp1251") is None


#: A misreading by signs, not by letters of another language.
SIGNS = Misreading("words in it are misread")


def test_the_advice_names_no_code_page_that_reads_the_text_worse() -> None:
    """cp866 and mac-cyrillic read Serbian in cp1251 as garbage, kz1048 with Kazakh's
    ``ә`` for ``ј`` (``приказуәе``): none is named (QA s83 qa-decode F5)."""
    advice = undecoded_advice(SERBIAN_MAN_PAGE.encode("cp1251"), "cp1251", SIGNS)
    assert advice == ("no other code page corpuskit decodes reads it without such words: it "
                      "may be in one corpuskit does not decode; in cp1251 or in another, "
                      "re-save it as UTF-8")
    cp866 = UNSUPPORTED[0][2].encode("cp866")
    assert "such as cp866;" in undecoded_advice(cp866, "cp1251", SIGNS)


# -- QA s83 qa-foreign 2: sound cp1252 text refused for a sign its language writes ---------

#: QA's minimal texts: a French placeholder after the numero sign (GNU tar's catalogue), an
#: ellipsis in ``try…catch`` (the one character beyond ASCII of nodejs's addons.json),
#: Spanish's question mark glued to an escape (GnuPG's catalogue), a multiplication sign.
WRITTEN_SIGNS = [
    "Options de l'archive\n\nCréer une nouvelle archive à partir des fichiers donnés. "
    "Extraire les fichiers de l'archive, en conservant les dates et les permissions. "
    "Afficher la liste des fichiers contenus dans l'archive, sans les extraire.\n\n"
    "Utiliser le volume n°NOMBRE de l'archive multi-volume.\n",
    "The try…catch statement handles errors thrown by the code in the try block; see the "
    "examples below for details.\n",
    "Clave generada: %s (%s)%%0A¿Quiere usarla? Sí, la clave está en el anillo. ¿Está "
    "seguro de que quiere borrarla? Esta acción no se puede deshacer; la contraseña "
    "también se borrará del almacén de claves público.\n",
    "Una matriz de m×n celdas, la dirección n°3 y la página n°NUM se muestran así.\n",
]


@pytest.mark.parametrize("text", WRITTEN_SIGNS, ids=["numero", "ellipsis", "question", "times"])
@pytest.mark.parametrize("encodings", [("cp1252",), DEFAULT], ids=["cp1252", "default"])
def test_a_sign_its_language_writes_between_letters_is_read(
        text: str, encodings: tuple[str, ...]) -> None:
    decoded = run(text.encode("cp1252"), encodings)
    assert (decoded.encoding, decoded.text) == ("cp1252", text)


#: French sentences of GNU tar's catalogue, accented words throughout.
_FRENCH = ("Créer une nouvelle archive à partir des fichiers donnés. Extraire les fichiers "
           "de l'archive en conservant les dates, les propriétaires et les permissions. "
           "Ne pas écraser les fichiers existants lors de l'extraction; afficher un message "
           "détaillé pour chaque fichier traité et vérifier l'archive après l'écriture.\n")


def test_one_word_with_a_written_sign_in_a_long_text_is_no_misread() -> None:
    """A degree sign between letters (not a numero), once among many words read as French,
    touches too little of the text to tell; in several words of a few it is a misread."""
    text = _FRENCH * 4 + "Le champ h°TEMP reste vide.\n"
    decoded = run(text.encode("cp1252"), DEFAULT)
    assert (decoded.encoding, decoded.text) == ("cp1252", text)
    many = "Créer h°TEMP et v°DEST puis x°ARG pour l'archive.\n"
    assert misread_alone(many, "cp1252") is not None
    assert misread_alone(text, "cp1252") is None


@pytest.mark.parametrize("word", ["t¨ent¨u", "n½uds", "mo¿e", "أس×ر", "re¸iim"])
def test_a_sign_no_text_writes_there_is_a_misread_in_one_word(word: str) -> None:
    """One word is enough where no language writes the sign between those letters (the
    ``¿`` of cp1250's ``ż`` between small letters; ``×`` between Arabic letters), however
    long the text around it (a French catalogue of 2,153 words in ISO-8859-15 holds one
    ``nœuds``)."""
    assert misread_alone(f"{_FRENCH * 4}{word}\n", "cp1252") is not None


def test_a_misread_reading_is_not_told_that_no_code_page_reads_it() -> None:
    """The code page read every byte: the message says no other reads it without such
    words, not that none reads it as text."""
    message = refusal(UNSUPPORTED[3][2].encode("iso8859-15"), DEFAULT)
    assert "cp1252 reads it as" in message
    assert "no code page corpuskit decodes reads it as text" not in message
    assert "no other code page corpuskit decodes reads it without such words" in message
    assert message.endswith("re-save it as UTF-8")

