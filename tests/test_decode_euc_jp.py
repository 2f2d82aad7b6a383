"""Japanese in EUC-JP dominated by kanji read as gb18030's hanzi (QA s83 qa-decode F1).

gb18030 reads EUC-JP's kana as the same kana and its kanji as other, common hanzi of
GB2312 (``dpkg の肋年ファイル`` for ``dpkg の設定ファイル``); the language identifier calls
both readings Chinese where kanji dominate (a man page's headings and translators' names),
so gb18030 won with exit 0, even with euc-jp listed first. Chinese writes no kana."""

from __future__ import annotations

import pytest

from corpuskit.config import DEFAULT_FALLBACK_ENCODINGS, DecodeConfig
from corpuskit.decoding.codepagelanguages import Reading
from corpuskit.decoding.decode import decode
from corpuskit.decoding.eucjapanese import holds_japanese_kana
from corpuskit.models import Decoded, DocumentProblem, RawDocument

DEFAULT = list(DEFAULT_FALLBACK_ENCODINGS)
#: Japanese dominated by kanji: the Japanese lines of dpkg.cfg.5's man page (headings and
#: translators' names, 13 kana of 74 characters beyond ASCII), and two of the system's
#: messages, each built as gb18030 with euc-jp listed (``dpkg の肋年ファイル``,
#: ``稍赖な呵姜构糠箕癸 (ナノ擅)``, ``その戮 蝗脱面``).
KANJI_HEAVY = [
    '.SH "名前"\n.IX Header "名前"\ndpkg.conf \\- dpkg の設定ファイル\n.SH "説明"\n'
    '.IX Header "説明"\n.SH "ファイル"\n.IX Header "ファイル"\n.SH "関連項目"\n'
    '.IX Header "関連項目"\n.SH "翻訳者"\n.IX Header "翻訳者"\n'
    "高橋 基信 <monyo@monyo.com>.\n喜瀬 浩 <kise@fuyuneko.jp>.\n"
    "関戸 幸一 <sekido@mbox.kyoto\\-inet.or.jp>.\n鍋谷 栄展 <nabe@debian.or.jp>.\n"
    "倉澤 望 <nabetaro@debian.or.jp>.\n石川 睦 <ishikawa@linux.or.jp>.\n"
    "鵜飼 文敏 <ukai@debian.or.jp>.\n中野 武雄 <nakano@apm.seikei.ac.jp>.\n"
    '.SH "翻訳校正"\n.IX Header "翻訳校正"\n',
    "不正な最終更新時刻 (ナノ秒)",
    "%s その他 使用中: 合計 = %lu B / 個数 = %lu / 平均 = %lu B",
]


def run(data: bytes, encodings: list[str]) -> Decoded:
    return decode(RawDocument(id="doc", path="doc.txt", data=data),
                  DecodeConfig(tuple(encodings)))


@pytest.mark.parametrize("listed", [["euc-jp", "gb18030"], [*DEFAULT, "euc-jp"],
                                    ["euc-jp", *DEFAULT], ["gb18030", "euc-jisx0213"]],
                         ids=["euc-jp-first", "default-then-euc-jp", "euc-jp-then-default",
                              "euc-jisx0213"])
@pytest.mark.parametrize("text", KANJI_HEAVY)
def test_kanji_heavy_japanese_is_read_in_its_listed_euc_jp_page(
        text: str, listed: list[str]) -> None:
    data = text.encode("euc_jp")
    assert data.decode("gb18030") != text  # the kanji read as other hanzi
    decoded = run(data, listed)
    expected = "euc_jisx0213" if "euc-jisx0213" in listed else "euc_jp"
    assert (decoded.encoding, decoded.text) == (expected, text)


@pytest.mark.parametrize("text", KANJI_HEAVY)
def test_kanji_heavy_japanese_is_refused_naming_euc_jp_by_default(text: str) -> None:
    """Told by its kana, or, where EUC-JP's reading has fewer words mistyped (the
    sentence), by that reading being clearly better: either way naming euc-jp."""
    with pytest.raises(DocumentProblem) as caught:
        run(text.encode("euc_jp"), DEFAULT)
    message = caught.value.problem.message
    assert "gb18030 reads it as" in message
    assert "in euc-jp it reads as" in message
    assert "".join(char for char in text if not char.isascii())[:2] in message.split(
        "in euc-jp it reads as")[1]  # the Japanese, as euc-jp reads it
    assert 'add "euc-jp" to decode.fallback_encodings' in message


#: Chinese in gb18030 that EUC-JP decodes too (no full-width punctuation, which JIS X 0208
#: leaves undefined), simplified and traditional, as the system's catalogues write it.
CHINESE = [
    "无法取得 %s 的有效上下文。",
    "应用程序需要再次调用 libpam",
    "鉴定服务无法检索到用户身份凭证",
    "正在重新整理快取",
    "取得新的套件列表",
]


@pytest.mark.parametrize("listed", [DEFAULT, [*DEFAULT, "euc-jp"], ["euc-jp", *DEFAULT]],
                         ids=["default", "euc-jp-last", "euc-jp-first"])
@pytest.mark.parametrize("text", CHINESE)
def test_chinese_in_gb18030_stays_gb18030(text: str, listed: list[str]) -> None:
    data = text.encode("gb18030")
    data.decode("euc_jp")  # EUC-JP reads it too
    decoded = run(data, listed)
    assert (decoded.encoding, decoded.text) == ("gb18030", text)


def test_all_kana_japanese_keeps_its_one_reading() -> None:
    """Kana and stops alone read alike in both: nothing to tell, as before."""
    text = "わたしはがくせいです。\n"
    decoded = run(text.encode("euc_jp"), [*DEFAULT, "euc-jp"])
    assert decoded.text == text


def test_holds_japanese_kana() -> None:
    """A tenth of eight characters beyond ASCII or more, two at least, two of them
    together, none misspelled; in gb18030 or GBK."""
    misread = KANJI_HEAVY[0].encode("euc_jp").decode("gb18030")
    assert holds_japanese_kana(Reading("gb18030", misread, None))
    assert holds_japanese_kana(Reading("gbk", misread, None))
    assert not holds_japanese_kana(Reading("big5", misread, None))
    assert holds_japanese_kana(Reading("gb18030", "肋年 肋年 肋年のを", None))
    assert not holds_japanese_kana(Reading("gb18030", "肋年 肋年 肋のを", None))  # 7
    assert not holds_japanese_kana(Reading("gb18030", "肋年 の 肋年 の 肋年", None))  # apart
    assert not holds_japanese_kana(Reading("gb18030", "肋年 肋年 肋年ぃゎ", None))  # misspelled
    assert not holds_japanese_kana(Reading("gb18030", "肋年" * 11 + " のを", None))  # 2 of 24
    for text in CHINESE:
        assert not holds_japanese_kana(Reading("gb18030", text, None))
