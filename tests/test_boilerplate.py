"""Small shared pieces: the bilingual accessor and the explanation's totals invariant."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from jihua_kit.core.bilingual import bilingual
from jihua_kit.core.errors import InvariantError
from jihua_kit.explanations import household
from jihua_kit.params.store import load_parameters


@dataclasses.dataclass(frozen=True)
class _Thing:
    name_zh: str
    name_en: str
    name = bilingual("name")


def test_bilingual_reads_the_pair():
    thing = _Thing("晚婚奖励", "Late-marriage reward")
    assert thing.name() == "晚婚奖励" and thing.name("en") == "Late-marriage reward"
    assert [f.name for f in dataclasses.fields(_Thing)] == ["name_zh", "name_en"]  # not a field
    record = load_parameters().parameters["E-LATE-MARRIAGE"]
    assert record.name("en") == record.name_en and record.name() == record.name_zh


def test_lines_that_do_not_add_up_raise_even_without_asserts(monkeypatch: pytest.MonkeyPatch):
    real = household.totals

    def off_by_one(results):
        out = real(results)
        out["annual"]["max"] = out["annual"]["max"] + np.ones(1)
        return out

    monkeypatch.setattr(household, "totals", off_by_one)
    with pytest.raises(InvariantError, match="annual.max"):
        household.explain("01-rural-onechild-elderly")
