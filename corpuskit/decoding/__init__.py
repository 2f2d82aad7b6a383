"""Decoding: how a document's raw bytes are read as text (the pipeline's stage 2).

Entry points, in :mod:`.decode`: :func:`~.decode.decode` reads a raw document as text,
recording the codec, or raises the :class:`~corpuskit.models.DocumentProblem` that
refuses it; :func:`~.decode.decode_with` reads bytes again with a recorded codec
(validate's ``--reproduce``). Everything else here serves them:

- :mod:`.byteorder`: a UTF-16 byte order mark over text that is not all UTF-16 of that
  order; :mod:`.iso2022`: ISO-2022 text, told for what it is; :mod:`.utf8chance`: a file of
  a Chinese, Japanese or Korean code page whose bytes are UTF-8 by chance;
- :mod:`.codepages` ranks the readings of the configured legacy code pages, judging each
  with :mod:`.plausibility` (:mod:`.textholds`) and by the languages each code page is made
  for (:mod:`.codepagelanguages`);
- each script's spelling breaks ties: :mod:`.centraleurope`, :mod:`.centralspelling`,
  :mod:`.latinalphabets`, :mod:`.cyrillicspelling` (letter pairs: :mod:`.cyrillicpairs`),
  :mod:`.greekspelling`, :mod:`.hebrewspelling`, :mod:`.kanaspelling` (EUC-JP read as
  gb18030: :mod:`.eucjapanese`);
- a doubtful reading (:mod:`.doubtfulreading`) gets a second look in the other code pages
  (:mod:`.secondlook`, :mod:`.misreadalone`); :mod:`.damagedreading` finds a file a code
  page reads but for a few bytes; :mod:`.refusal` cuts the readings a refused file's
  message quotes.

Normalization (:mod:`corpuskit.normalize`) and language identification
(:mod:`corpuskit.languageid.language`), which decoding also asks, are their own stages.
"""
