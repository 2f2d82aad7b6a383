"""Japanese in Shift_JIS or cp932 read as gb18030's hanzi (QA s81 decodelong finding 5).

gb18030 reads Shift_JIS's two bytes as one hanzi of GBK's extension, kana and punctuation
alike (``偁 偄 偆`` for ``あ い う``, ``丄 丅`` for ``、 。``): a paragraph is one run of
hanzi, no word mistyped, where the Japanese reading splits at ``、`` and ``名前(N)`` or
``精度%d`` counts as mistyped. So gb18030 won on fewer mistyped words with shift_jis or
cp932 listed first, and the second look, which asks for no more mistyped words, kept it
(exit 0); with the default list alone 2 or 3 paragraphs in 100 were built so."""

from __future__ import annotations

import pytest

from corpuskit.config import DEFAULT_FALLBACK_ENCODINGS, DecodeConfig
from corpuskit.decoding.decode import decode
from corpuskit.models import Decoded, DocumentProblem, RawDocument

DEFAULT = list(DEFAULT_FALLBACK_ENCODINGS)
#: The QA's paragraphs (the system's Japanese messages joined, shrunk from 679 and 464
#: characters), each in the code page it was found in.
QA_PARAGRAPHS = [
    ("shift_jis", "サブプロセスとの通信に失敗 に正しくない国際化ホスト名‘%.*s’があります "
                  "名前(N)、電子メール(E)の変更、または終了(Q)? スクリーンの拡大鏡を有効にする"
                  "かどうか %1$s: 定義が `END"),
    ("cp932", "LAST までの数字を INCREMENT 間隔で表示します。 精度%d、位取り%dを持つフィール"
              "ドは、無限大値を格納できません。 %2$uより古いトランザクション(おおよそ%1$d個)の"
              "完了を待っています"),
]


def run(data: bytes, encodings: list[str]) -> Decoded:
    return decode(RawDocument(id="doc", path="doc.txt", data=data),
                  DecodeConfig(tuple(encodings)))


@pytest.mark.parametrize("first", [True, False], ids=["first", "last"])
@pytest.mark.parametrize(("codec", "text"), QA_PARAGRAPHS)
def test_japanese_is_read_in_its_listed_code_page_not_gb18030(
        codec: str, text: str, first: bool) -> None:
    data = text.encode(codec)
    assert data.decode("gb18030").startswith(("僒僽僾儘", "LAST 傑偱偺"))  # the misreading
    decoded = run(data, [codec, *DEFAULT] if first else [*DEFAULT, codec])
    assert (decoded.encoding, decoded.text) == (codec, text)


#: A short message (26 characters, under the 60 from which a CJK reading's language is
#: judged), which the default list built as gb18030's ``僉乕偺墴壓偑...``.
SHORT = "キーの押下が拒否されたらビープ音を鳴らすかどうか。"


@pytest.mark.parametrize("text", [text for _, text in QA_PARAGRAPHS] + [SHORT])
@pytest.mark.parametrize("codec", ["shift_jis", "cp932"])
def test_japanese_is_refused_naming_cp932_by_default(codec: str, text: str) -> None:
    with pytest.raises(DocumentProblem) as caught:
        run(text.encode(codec), DEFAULT)
    message = caught.value.problem.message
    # Told by the kana read as hanzi, or, where cp932's reading has no word mistyped
    # (``名前(N)`` no longer is: words of two scripts are judged in the parts punctuation
    # leaves), by that reading being clearly better: either way quoting Japanese.
    assert ("are hanzi it reads Shift_JIS's kana and punctuation as" in message
            or "in cp932 it reads as" in message)
    first = next(at for at, char in enumerate(text) if not char.isascii())
    assert text[first:first + 6] in message  # the Japanese, as cp932 reads it
    assert 'add "cp932" to decode.fallback_encodings' in message
    decoded = run(text.encode(codec), [*DEFAULT, "cp932"])
    assert (decoded.encoding, decoded.text) == ("cp932", text)


#: Chinese in gb18030: simplified, and traditional dense in the hanzi gb18030 reads
#: Shift_JIS's kana as (備 側 僅 傾 準, as the system's zh_TW and zh_HK messages write them).
CHINESE = [
    "我们昨天去了商店，买了新鲜的面包和牛奶。今天天气很好，我们一起去公园散步吧。",
    "右側 Ctrl 做為右側 Alt，備份方式：僅限本地端",
    "正在準備備份檔（右側附加）",
    "(核心已傾印)",
    "備註",
]


@pytest.mark.parametrize("listed", [DEFAULT, ["cp932", *DEFAULT], ["shift_jis", *DEFAULT]],
                         ids=["default", "cp932-first", "shift_jis-first"])
@pytest.mark.parametrize("text", CHINESE)
def test_chinese_in_gb18030_stays_gb18030(text: str, listed: list[str]) -> None:
    decoded = run(text.encode("gb18030"), listed)
    assert (decoded.encoding, decoded.text) == ("gb18030", text)


def test_kana_read_as_hanzi() -> None:
    """Dense: a quarter of the characters beyond ASCII, and two at least; in gb18030 or
    GBK only."""
    from corpuskit.decoding.codepagelanguages import Reading
    from corpuskit.decoding.kanaspelling import kana_read_as_hanzi

    for _, text in QA_PARAGRAPHS:
        misread = text.encode("cp932").decode("gb18030")
        assert kana_read_as_hanzi(Reading("gb18030", misread, None))
        assert kana_read_as_hanzi(Reading("gbk", misread, None))
        assert not kana_read_as_hanzi(Reading("big5", misread, None))
    for text in CHINESE:
        assert not kana_read_as_hanzi(Reading("gb18030", text, None))
    assert not kana_read_as_hanzi(Reading("gb18030", "偁", None))  # one alone
    assert kana_read_as_hanzi(Reading("gb18030", "偁偄 中文中文中文", None))
    assert not kana_read_as_hanzi(Reading("gb18030", "偁偄 中文中文中文中", None))


#: Japanese dominated by kanji: a man page's headings and translators' names (QA s83
#: qa-decode F1, from dpkg.cfg.5's Japanese page), with a kana line or none. gb18030 reads
#: its kanji as hanzi of GBK's extension too (``柤慜`` for ``名前``), but its kana are too
#: few to tell (9 of 33, none) and the language identifier calls its kanji Chinese, so it
#: was built as ``dpkg 偺愝掕僼傽僀儖`` even with shift_jis listed first.
KANJI_HEAVY = [
    "名前\n\ndpkg.conf - dpkg の設定ファイル\n\n説明\n\nファイル\n\n関連項目\n\n翻訳者\n\n"
    "高橋 基信 <monyo@monyo.com>.\n喜瀬 浩 <kise@fuyuneko.jp>.\n"
    "関戸 幸一 <sekido@mbox.kyoto-inet.or.jp>.\n",
    "翻訳者: 高橋 基信、喜瀬 浩、関戸 幸一、鍋谷 栄展、倉澤 望、石川 睦、鵜飼 文敏、中野 武雄\n",
    '.SH "名前"\ndpkg.conf \\- dpkg の設定ファイル\n.SH "説明"\nThis file contains default '
    'options for dpkg.\n.SH "関連項目"\n\\&\\fBdpkg\\fR(1).\n.SH "翻訳者"\n'
    "高橋 基信 <monyo@monyo.com>.\n石川 睦 <ishikawa@linux.or.jp>.\n"
    "鵜飼 文敏 <ukai@debian.or.jp>.\n中野 武雄 <nakano@apm.seikei.ac.jp>.\n",
]


@pytest.mark.parametrize("listed", [["shift_jis", "gb18030"], [*DEFAULT, "shift_jis"]],
                         ids=["first", "last"])
@pytest.mark.parametrize("text", KANJI_HEAVY, ids=["headings", "names", "troff"])
def test_kanji_heavy_japanese_is_read_in_its_listed_code_page(
        text: str, listed: list[str]) -> None:
    data = text.encode("shift_jis")
    assert data.decode("gb18030") != text  # gb18030 reads it, as hanzi (the misreading)
    decoded = run(data, listed)
    assert (decoded.encoding, decoded.text) == ("shift_jis", text)


@pytest.mark.parametrize("text", KANJI_HEAVY, ids=["headings", "names", "troff"])
def test_kanji_heavy_japanese_is_refused_naming_cp932_by_default(text: str) -> None:
    with pytest.raises(DocumentProblem) as caught:
        run(text.encode("shift_jis"), DEFAULT)
    message = caught.value.problem.message
    assert "are hanzi of GBK's extension, beyond GB2312" in message
    assert "高橋" in message or "名前" in message  # the Japanese, as cp932 reads it
    assert 'add "cp932" to decode.fallback_encodings' in message


def test_read_as_gbk_extension() -> None:
    from corpuskit.decoding.codepagelanguages import Reading
    from corpuskit.decoding.kanaspelling import read_as_gbk_extension

    names = "高橋 基信、喜瀬 浩、関戸 幸一"
    misread = names.encode("cp932").decode("gb18030")
    assert read_as_gbk_extension(Reading("gb18030", misread, None))
    assert not read_as_gbk_extension(Reading("big5", misread, None))
    assert not read_as_gbk_extension(Reading("gb18030", names, None))  # in GB2312 or not
    simplified = "我们昨天去了商店，买了新鲜的面包和牛奶。"
    assert not read_as_gbk_extension(Reading("gb18030", simplified, None))
    assert not read_as_gbk_extension(Reading("gb18030", "關閉 標頭檔", None))  # five alone


#: Traditional Chinese in gb18030 made of hanzi of GBK's extension, which a Shift_JIS code
#: page reads plausibly, but as half-width katakana among kanji (``ｽ籏x蘰ﾕ`ｴa``: GB2312's
#: lead bytes A1-DF are one-byte characters there), as no Japanese is written (the
#: system's zh_TW and zh_HK messages).
TRADITIONAL_IN_EXTENSION = [
    "檔案 `%.250s' 損毀 - MD5 檢碼 `%.250s' 錯誤",
    "解讀錯誤碼 0 (沒有錯誤)",
    "荷蘭語 (昇陽廢鍵)",
]


@pytest.mark.parametrize("listed", [DEFAULT, [*DEFAULT, "cp932"], ["shift_jis", *DEFAULT]],
                         ids=["default", "cp932-last", "shift_jis-first"])
@pytest.mark.parametrize("text", TRADITIONAL_IN_EXTENSION)
def test_traditional_chinese_of_gbk_extension_stays_gb18030(
        text: str, listed: list[str]) -> None:
    decoded = run(text.encode("gb18030"), listed)
    assert (decoded.encoding, decoded.text) == ("gb18030", text)


#: Traditional Chinese in GBK made of hanzi of GBK's extension whose lead bytes are none of
#: A1-DF, so a Shift_JIS code page reads them as kanji alone, with a Latin letter or a
#: symbol among them, or with a private-use character, never as half-width katakana: it was
#: refused even with ``["gb18030"]`` alone, naming shift_jisx0213 (``Ľ鳩 痔琢 饑❹``) or
#: cp932 (``癢絹 轍崧 測樣 刕\ue26b``) (QA s83 qa-decode2 R3).
TRADITIONAL_READ_AS_KANJI = ["參數 帳戶 開啟\n", "針對 換頁 應為 韌體\n"]


@pytest.mark.parametrize("listed", [["gb18030"], DEFAULT, ["gb18030", "shift_jisx0213"],
                                    ["gb18030", "cp932"]],
                         ids=["gb18030-alone", "default", "shift_jisx0213-last", "cp932-last"])
@pytest.mark.parametrize("text", TRADITIONAL_READ_AS_KANJI, ids=["params", "firmware"])
def test_traditional_chinese_read_as_kanji_alone_stays_gb18030(
        text: str, listed: list[str]) -> None:
    data = text.encode("gbk")
    decoded = run(data, listed)
    assert (decoded.encoding, decoded.text) == ("gb18030", text)


def test_written_as_japanese_and_shows_japanese() -> None:
    """A Shift_JIS reading is Japanese only with kana or Japanese's punctuation in it at a
    share Japanese dominated by kanji has, and no letter of another script or symbol beside
    a kanji; kanji alone show nothing."""
    from corpuskit.decoding.kanaspelling import (
        _shows_japanese,
        _written_as_japanese,
        holds_private_use,
    )

    for text in KANJI_HEAVY:
        assert _written_as_japanese(text) and _shows_japanese(text, "shift_jis")
    assert not _shows_japanese("癢絹 轍粔 測樣 秔擥\n", "shift_jisx0213")  # kanji alone
    assert not _written_as_japanese("Ľ鳩 痔琢 饑❹\n")  # a Latin letter, a symbol
    assert _written_as_japanese("値“%s”は 右→左 検索中… 栄展𠂉")  # what Japanese writes
    assert holds_private_use("刕\ue26b") and not holds_private_use("高橋 基信")
