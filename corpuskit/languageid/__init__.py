"""Language identification: py3langid's model, loaded once per process, computed faster and
with the same bits on every machine.

Entry points, in :mod:`.language`: :func:`~.language.iso639_1_many` labels a batch of texts
(an ISO 639-1 code, or ``und`` where a text is too short or the model unsure), as
extraction asks; :func:`~.language.rank` gives a text's most probable languages, as
decoding's judges ask; :func:`~.language.preload` and
:func:`~.language.load_before_forking` load the model ahead of the work. The rest serves
them: :mod:`.fastlangid` (the identifier: py3langid's DFA walk in numpy, its scores and
decision) in :mod:`.portablefloat`'s arithmetic, and :mod:`.languagemodel` (the model,
decoded once and kept in the cache folder). :mod:`.languagecodes` lists the codes the
identifier gives, for validate, which loads no model.
"""
