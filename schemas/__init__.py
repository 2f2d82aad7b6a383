"""JSON Schemas (draft 2020-12) for every JSON or TOML file corpuskit reads or writes but the
cache's internal files (README, "Development").

Installed as the ``corpuskit.schemas`` package so that a wheel install finds them with
``importlib.resources``; see ``corpuskit/schemas.py``.
"""
