"""The examples a property test tries in the default run and in CI's full run."""

from __future__ import annotations

import pytest
from property_budget import FULL_EXAMPLES, LEAST, examples


def test_the_default_run_tries_a_third_and_at_least_the_least(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(FULL_EXAMPLES, raising=False)
    assert examples(3000) == 1000
    assert examples(300) == LEAST == 100
    assert examples(60) == 60  # never more than the full number


@pytest.mark.parametrize("value", ["0", "", "yes"])
def test_only_1_asks_for_the_full_number(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(FULL_EXAMPLES, value)
    assert examples(3000) == 1000


def test_the_full_run_tries_every_example(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FULL_EXAMPLES, "1")
    assert examples(3000) == 3000
    assert examples(300) == 300
