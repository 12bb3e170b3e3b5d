"""The county file (`data/county/*.yaml`): facts and assumptions for the synthetic population.

`load_county()` validates the file and returns a `County`. Every fault is a `KitError` naming the
file, the record and the field (a missing field, a share outside 0-1, low > high, shares that do
not sum to 1). `County.with_overrides({...})` gives the county with some assumptions moved (the
sensitivity analysis and the notebook sliders use it); `County.sweeps()` lists every assumption
that can be moved, with its low and high values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from jihua_kit.core.bilingual import bilingual
from jihua_kit.core.errors import KitError
from jihua_kit.core.i18n import catalog, t
from jihua_kit.core.paths import data_dir
from jihua_kit.core.yamlio import load_yaml
from jihua_kit.params.limits import SIM_BOUNDS, bound, check_year, read_text
from jihua_kit.tables.county_schema import (
    HOUSEHOLD_TYPES,
    METHODS,
    REQUIRED_DISTRIBUTIONS,
    REQUIRED_FIGURES,
    SUM_TOLERANCE,
    Correlation,
    Distribution,
    Figure,
    Sweep,
    check_unit_value,
    mapping,
    number,
    parse_distribution,
    parse_figure,
)  # fmt: skip

__all__ = ["HOUSEHOLD_TYPES", "METHODS", "REQUIRED_DISTRIBUTIONS", "County", "Distribution", "Figure", "Sweep",
           "load_county", "parse_county"]  # fmt: skip
DEFAULT_COUNTY = "nayong.yaml"
_META_FIELDS = ("id", "name_zh", "name_en", "reference_year", "note_zh", "note_en")


@dataclass(frozen=True)
class County:
    """A validated county file, possibly with some assumptions overridden."""

    id: str
    name_zh: str
    name_en: str
    reference_year: int
    note_zh: str
    note_en: str
    figures: dict[str, Figure]
    distributions: dict[str, Distribution]
    file: str
    overrides: tuple[tuple[str, float], ...] = ()
    correlations: tuple[Correlation, ...] = ()  # between assumptions, for the joint draws

    name = bilingual("name")

    def value(self, fid: str) -> float:
        """The central value of an assumption, or the value of a fact."""
        try:
            return self.figures[fid].central
        except KeyError:
            raise KitError("county.unknown_key", file=self.file, got=fid) from None

    def shares(self, did: str) -> np.ndarray:
        """A distribution's shares, in the order of its categories."""
        try:
            return self.distributions[did].shares()
        except KeyError:
            raise KitError("county.unknown_key", file=self.file, got=did) from None

    @property
    def households(self) -> int:
        """Registered households: registered population / persons per household."""
        return int(round(self.value("registered_population") / self.value("household_size")))

    def sweeps(self) -> list[Sweep]:
        """Every assumption with a range: scalar figures, then each non-balance category."""
        out = [
            Sweep(f.id, f.name_zh, f.name_en, f.unit, f.low, f.central, f.high, f.distribution)
            for f in self.figures.values()
            if f.status == "assumption" and f.low < f.high
        ]
        for d in self.distributions.values():
            for i, (cat, c, lo, hi) in enumerate(zip(d.categories, d.central, d.low, d.high, strict=True)):
                if cat != d.balance and lo < hi:
                    zh, en = category_label(cat, "zh"), category_label(cat, "en")
                    name = (f"{d.id}.{cat}", f"{d.name_zh}：{zh}", f"{d.name_en}: {en}")
                    out.append(Sweep(*name, "share", lo, c, hi, d.shape(i)))
        return out

    def with_overrides(self, overrides: dict[str, float] | None) -> County:
        """This county with assumptions set to other values: `{"rural_share": 0.8}` or
        `{"rural_household_types.one_child": 0.07}` (the balance category takes up the change)."""
        if not overrides:
            return self
        figures, dists = dict(self.figures), dict(self.distributions)
        for key, raw in overrides.items():
            value = number(raw, self.file, key, "value")
            if key in figures:
                fig = figures[key]
                if fig.status != "assumption":
                    raise KitError("county.fact_override", file=self.file, record=key, field="value")
                check_unit_value(value, fig.unit, self.file, key, "value")
                figures[key] = replace(fig, central=value)
            elif "." in key and key.split(".", 1)[0] in dists:
                did, cat = key.split(".", 1)
                dists[did] = _override_share(dists[did], cat, value, self.file)
            else:
                raise KitError("county.unknown_key", file=self.file, got=key)
        county = replace(
            self, figures=figures, distributions=dists, overrides=self.overrides + tuple(overrides.items())
        )
        _check_townships(county)
        _check_bounds(county)
        return county


def category_label(cat: str, lang: str = "zh") -> str:
    """'one_child' -> '独生子女户', '20-24' -> '20-24岁', '3' -> '3个子女' (the key itself if unknown)."""
    if f"county.cat.{cat}" in catalog():
        return t(f"county.cat.{cat}", lang)
    if re.fullmatch(r"\d+-\d+", cat):
        return t("county.cat_ages", lang, band=cat)
    if cat.isdigit():
        return t("county.cat_children", lang, n=cat)
    return cat


def _override_share(dist: Distribution, cat: str, value: float, file: str) -> Distribution:
    where = f"categories.{cat}"
    if cat not in dist.categories or cat == dist.balance:
        raise KitError("county.unknown_key", file=file, got=f"{dist.id}.{cat}")
    check_unit_value(value, "share", file, dist.id, where)
    central = list(dist.central)
    i, b = dist.categories.index(cat), dist.categories.index(dist.balance)
    central[b] += central[i] - value
    central[i] = value
    if central[b] < -SUM_TOLERANCE:
        raise KitError("county.balance_negative", file=file, record=dist.id, field=where, balance=dist.balance)
    central[b] = max(central[b], 0.0)
    return replace(dist, central=tuple(central))


_SIZE_BOUNDS = {"registered_population": (None, "population_max"), "villages": (None, "villages_max"),
                "household_size": ("household_size_min", "household_size_max")}  # fmt: skip


def _check_bounds(county: County) -> None:
    """Population, villages and household size within TR-SIM-BOUNDS (low, central and high alike):
    a household size of 0 or 100 million villages is refused here, not met as a crash later."""
    for fid, (low_key, high_key) in _SIZE_BOUNDS.items():
        fig = county.figures[fid]
        low = bound(SIM_BOUNDS, low_key) if low_key else 1
        high = bound(SIM_BOUNDS, high_key)
        for name, value in (("low", fig.low), ("central", fig.central), ("high", fig.high)):
            if not low <= value <= high:
                field = "value" if fig.status == "fact" else name
                raise KitError("county.out_of_bounds", file=county.file, record=fid, field=field, got=value, low=low,
                               high=high, bound=f"{SIM_BOUNDS} {high_key}")  # fmt: skip


def _reference_year(raw: Any, file: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise KitError("county.bad_year", file=file, record="county", field="reference_year", got=raw)
    return check_year(raw, file=file, record="county", field="reference_year")


def _check_townships(county: County) -> None:
    towns, villages = county.value("townships"), county.value("villages")
    if not float(towns).is_integer() or not 1 <= towns <= villages:
        raise KitError("county.bad_townships", file=county.file, record="townships", field="central", got=towns)


def correlation_matrix(county: County, keys: list[str] | None = None) -> np.ndarray:
    """The correlation matrix over `keys` (default: every swept assumption), identity where the
    file declares nothing."""
    keys = [s.key for s in county.sweeps()] if keys is None else keys
    index = {k: i for i, k in enumerate(keys)}
    matrix = np.eye(len(keys))
    for c in county.correlations:
        if c.a in index and c.b in index:
            matrix[index[c.a], index[c.b]] = matrix[index[c.b], index[c.a]] = c.rho
    return matrix


def _parse_correlations(raw: Any, county: County) -> tuple[Correlation, ...]:
    """`correlations: [{between: [key, key], rho: -1..1}]`; the matrix must be positive semi-definite."""
    if raw is None:
        return ()
    file = county.file
    if not isinstance(raw, list):
        raise KitError("county.not_a_list", file=file, record="correlations", field="correlations")
    keys = {s.key for s in county.sweeps()}
    out, seen = [], set()
    for i, rec in enumerate(raw):
        where = f"correlations[{i}]"
        rec = mapping(rec, file, "correlations", where, ("between", "rho"), ("basis", "basis_zh"))
        pair = rec["between"]
        if not isinstance(pair, list) or len(pair) != 2 or pair[0] == pair[1]:
            raise KitError("county.bad_pair", file=file, record="correlations", field=f"{where}.between", got=pair)
        for key in pair:
            if key not in keys:
                raise KitError("county.correlation_key", file=file, record="correlations", field=f"{where}.between",
                               got=key)  # fmt: skip
        if frozenset(pair) in seen:
            raise KitError("county.duplicate_id", file=file, record="correlations", field=f"{where}.between")
        seen.add(frozenset(pair))
        rho = number(rec["rho"], file, "correlations", f"{where}.rho")
        if not -1.0 <= rho <= 1.0:
            raise KitError("county.bad_rho", file=file, record="correlations", field=f"{where}.rho", got=rho)
        basis = (str(rec.get("basis") or ""), str(rec.get("basis_zh") or ""))
        out.append(Correlation(str(pair[0]), str(pair[1]), rho, *basis))
    matrix = correlation_matrix(replace(county, correlations=tuple(out)))
    if len(matrix) and float(np.linalg.eigvalsh(matrix).min()) < -1e-9:
        raise KitError("county.not_psd", file=file, record="correlations", field="correlations")
    return tuple(out)


def parse_county(raw: Any, file: str) -> County:
    """Validate the parsed YAML of a county file."""
    raw = mapping(raw, file, "", "", ("county", "figures", "distributions"), ("correlations",))
    meta = mapping(raw["county"], file, "county", "", _META_FIELDS)
    figures: dict[str, Figure] = {}
    for n, rec in enumerate(raw["figures"] or [], start=1):
        fig = parse_figure(rec, file, n)
        if fig.id in figures:
            raise KitError("county.duplicate_id", file=file, record=fig.id, field="id")
        figures[fig.id] = fig
    dists: dict[str, Distribution] = {}
    for n, rec in enumerate(raw["distributions"] or [], start=1):
        dist = parse_distribution(rec, file, n)
        if dist.id in dists or dist.id in figures:
            raise KitError("county.duplicate_id", file=file, record=dist.id, field="id")
        dists[dist.id] = dist
    for fid in REQUIRED_FIGURES:
        if fid not in figures:
            raise KitError("county.missing_record", file=file, record=fid, field="figures")
    for did, cats in REQUIRED_DISTRIBUTIONS.items():
        if did not in dists:
            raise KitError("county.missing_record", file=file, record=did, field="distributions")
        if set(dists[did].categories) != set(cats):
            raise KitError("county.categories", file=file, record=did, field="categories", allowed=", ".join(cats))
        # Reorder to the generator's category order.
        d, order = dists[did], [dists[did].categories.index(c) for c in cats]
        pick = lambda xs, o=order: tuple(xs[i] for i in o)  # noqa: E731
        dists[did] = replace(d, categories=cats, central=pick(d.central), low=pick(d.low), high=pick(d.high))
    county = County(
        str(meta["id"]), str(meta["name_zh"]), str(meta["name_en"]), _reference_year(meta["reference_year"], file),
        str(meta["note_zh"]), str(meta["note_en"]), figures, dists, file,
    )  # fmt: skip
    _check_bounds(county)
    _check_townships(county)
    return replace(county, correlations=_parse_correlations(raw.get("correlations"), county))


def county_path(path: Path | str | None = None) -> Path:
    """`path`, or the default county file in the data folder."""
    return Path(path) if path else data_dir() / "county" / DEFAULT_COUNTY


def load_county(path: Path | str | None = None) -> County:
    """Load and validate a county file (default: `data/county/nayong.yaml`)."""
    path = county_path(path)
    try:
        raw = load_yaml(read_text(path), path.name)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise KitError("county.file_unreadable", file=path.name, detail=str(exc).splitlines()[0]) from exc
    return parse_county(raw, path.name)
