"""Vendored third-party schemas (the Data Package v2 profile, public domain)."""
