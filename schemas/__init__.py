"""JSON Schemas (draft 2020-12) for every file corpuskit reads or writes.

Installed as the ``corpuskit.schemas`` package so that a wheel install finds them with
``importlib.resources``; see ``corpuskit/schemas.py``.
"""
