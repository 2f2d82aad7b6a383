"""The legacy code pages' modules are imported only for a file that needs them: a process
that decodes UTF-8 only (a build's worker with one changed document, ``corpuskit check``
of UTF-8 seeds) never imports them, and one that meets a legacy file reads it as before."""

from __future__ import annotations

import subprocess
import sys
import textwrap

LEGACY = ("corpuskit.decoding.codepagelanguages", "corpuskit.decoding.codepages",
          "corpuskit.decoding.secondlook", "corpuskit.decoding.damagedreading",
          "corpuskit.decoding.hebrewspelling", "charset_normalizer")


def _run(script: str) -> str:
    run = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True,
                         text=True, check=False)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_utf8_documents_import_no_legacy_code_page_module() -> None:
    found = _run(f"""
        import sys
        from corpuskit.config import ProcessConfig
        from corpuskit.models import RawDocument
        from corpuskit.records import process_documents_reported
        texts = ["Plain English prose, with “typographic quotes” and an em dash — here.",
                 "Привет, мир. Это обычный русский текст в UTF-8.",
                 "政府宣布了新的经济政策，以促进经济增长。", "\\ufeffA BOM, then text.\\r\\n"]
        raws = [RawDocument(f"d{{i}}", f"d{{i}}.txt", text.encode("utf-8"))
                for i, text in enumerate(texts)]
        made = process_documents_reported(raws, ProcessConfig())
        assert [type(m).__name__ for m in made] == ["Record"] * 4, made
        print(sorted(name for name in {LEGACY!r} if name in sys.modules))
    """)
    assert found == "[]"


def test_a_legacy_file_imports_them_and_is_read() -> None:
    found = _run(f"""
        import sys
        from corpuskit.config import DecodeConfig
        from corpuskit.decoding.decode import decode
        from corpuskit.models import RawDocument
        text = "Le gouvernement a annoncé une réforme économique très attendue à Paris."
        decoded = decode(RawDocument("d", "d.txt", text.encode("cp1252")), DecodeConfig())
        assert (decoded.encoding, decoded.text) == ("cp1252", text), decoded
        print(sorted(name for name in {LEGACY!r} if name in sys.modules))
    """)
    assert found == repr(sorted(LEGACY))
