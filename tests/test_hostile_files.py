"""Hostile and malformed case, audit, county and figures files and command lines (issue 14): exit 2
with a Chinese and English message naming the field or the bound, no traceback, no echo of a whole
file or of an ID number, and bounded memory. Every input is made here; none is checked in."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from jihua_kit.core.masking import QUOTE_MAX

from .conftest import REPO
from .hostile import assert_refused, flat, hidden_part, id_number, run_limited
from .sheet_fixtures import run_cli

CASE = """\
id: {id}
residence: rural
household_type: one_child
mother: {{age: {mother_age}}}
father: {{age: 36}}
children: [{{age: 8, sex: F}}]
events: {{postpone_years: {postpone}}}
"""
UNIT = {"unit_id": "V001", "period": "2013Q2", "findings": {"D-EXAM": 1}}
COUNTY = REPO / "data" / "county" / "nayong.yaml"


def _case(tmp_path: Path, name: str = "c.yaml", **fields: object) -> Path:
    values = {"id": "H1", "mother_age": 34, "postpone": 0} | fields
    path = tmp_path / name
    path.write_text(CASE.format(**values), encoding="utf-8")
    return path


def _county(tmp_path: Path, change: dict[str, object] | None = None, meta: dict | None = None) -> Path:
    data = yaml.safe_load(COUNTY.read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    for rec in data["figures"]:
        for key, value in (change or {}).get(rec["id"], {}).items():
            rec[key] = value
    data["county"].update(meta or {})
    path = tmp_path / "county.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


# 5, 6: what a message may show ---------------------------------------------------------------------


def test_a_case_with_id_numbers_in_id_title_and_village_prints_them_masked(tmp_path: Path, capsys) -> None:
    numbers = [id_number(k) for k in range(3)]
    path = tmp_path / "c.yaml"
    text = CASE.format(id=f"ID{numbers[0]}", mother_age=34, postpone=0)
    path.write_text(text + f"title: 户主 {numbers[1]}\nvillage: '{numbers[2][:6]} {numbers[2][6:]}'\n", "utf-8")
    code, out, err = run_cli(capsys, "explain", str(path))
    code_json, as_json, err_json = run_cli(capsys, "explain", str(path), "--json")
    assert code == code_json == 0
    assert json.loads(as_json)["household"].startswith("ID5205*")
    for number in numbers:
        assert hidden_part(number) not in flat(out + err + as_json + err_json)


@pytest.mark.parametrize("content", ["list", "passwd", "roster_txt"])
def test_a_file_that_is_not_a_mapping_is_quoted_not_echoed(content: str, tmp_path: Path, capsys) -> None:
    if content == "list":
        text = yaml.safe_dump([{"name": f"户主{i}", "id": id_number(i)} for i in range(100_000)], allow_unicode=True)
    elif content == "passwd":
        text = "\n".join(f"user{i}:x:{1000 + i}:{1000 + i}:{id_number(i)}:/home/u{i}:/bin/sh" for i in range(500))
    else:
        text = "户编号\t户主姓名\t身份证号\n" + "\n".join(f"H{i}\t户主{i}\t{id_number(i)}" for i in range(2000))
    path = tmp_path / {"list": "list.yaml", "passwd": "passwd", "roster_txt": "花名册.txt"}[content]
    path.write_text(text, encoding="utf-8")
    code, out, err = run_cli(capsys, "explain", str(path))
    assert_refused(code, out, err, "应为键值对象", "should be a mapping")
    assert len(err) < 400 + 2 * QUOTE_MAX  # was the whole file (27.8 MB for the list)
    assert all(hidden_part(id_number(i)) not in flat(err) for i in range(500))


# 7: YAML aliases (billion laughs) -------------------------------------------------------------------

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + k)}: &{chr(98 + k)} [{', '.join([f'*{chr(97 + k)}'] * 10)}]\n" for k in range(9)
)


@pytest.mark.parametrize("kind", ["case", "audit", "county"])
def test_yaml_aliases_are_refused_at_once_under_a_memory_cap(kind: str, tmp_path: Path) -> None:
    if kind == "case":
        path, argv = tmp_path / "laughs.yaml", ["explain"]
        path.write_text(LAUGHS + "mother: *j\n", encoding="utf-8")
    elif kind == "audit":
        path, argv = tmp_path / "laughs-audit.yaml", ["score"]
        path.write_text(LAUGHS + "unit_id: V1\nperiod: 2013Q2\nnotes: *j\n", encoding="utf-8")
    else:
        path, argv = tmp_path / "county.yaml", ["simulate", "--households", "10", "--out", str(tmp_path), "--county"]
        path.write_text(LAUGHS + COUNTY.read_text(encoding="utf-8"), encoding="utf-8")
    done = run_limited(*argv, str(path), cwd=tmp_path, memory_mb=1024)  # was 90-100 s, then MemoryError
    assert_refused(done.returncode, done.stdout, done.stderr, path.name, "&", "aliases")


def test_duplicate_keys_are_refused_in_yaml_and_json(tmp_path: Path, capsys) -> None:
    path = _case(tmp_path)
    path.write_text(path.read_text(encoding="utf-8") + "residence: urban\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "explain", str(path))
    assert_refused(code, out, err, "'residence'", "两次", "twice")
    audit = tmp_path / "a.json"
    audit.write_text('{"unit_id": "V1", "period": "2013Q2", "period": "2013Q3"}', encoding="utf-8")
    code, out, err = run_cli(capsys, "score", str(audit))
    assert_refused(code, out, err, "'period'", "a.json")


# 10: bounds on sizes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "names"),
    [(("--households", "99999999999"), ("households", "TR-SIM-BOUNDS households_max")),
     (("--years", "2013-9999"), ("years", "TR-SIM-BOUNDS years_max")),
     (("--sensitivity", "100000000"), ("sensitivity", "TR-SIM-BOUNDS sensitivity_max")),
     (("--households", "٣٠"), ("households", "'٣٠'"))],
)  # fmt: skip
def test_simulate_sizes_are_bounded_before_any_work(args: tuple, names: tuple, tmp_path: Path) -> None:
    done = run_limited("simulate", *args, "--out", str(tmp_path / "o"), cwd=tmp_path, memory_mb=1024)
    assert_refused(done.returncode, done.stdout, done.stderr, *names)  # 2013-9999 reached 3.4 GB
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("change", "meta", "names"),
    [({"household_size": {"central": 0, "low": 0}}, {}, ("household_size", "TR-SIM-BOUNDS")),
     ({"villages": {"value": 100_000_000}}, {}, ("villages", "TR-SIM-BOUNDS villages_max")),
     ({"registered_population": {"value": 10**12}}, {}, ("registered_population", "population_max")),
     ({}, {"reference_year": "二零一三"}, ("reference_year", "二零一三")),
     ({}, {"reference_year": 9999}, ("reference_year", "TR-DATE-BOUNDS"))],
)  # fmt: skip
def test_county_figures_out_of_bounds_are_named(change: dict, meta: dict, names: tuple, tmp_path: Path) -> None:
    path = _county(tmp_path, change, meta)
    done = run_limited("simulate", "--county", str(path), "--households", "100", "--sensitivity", "0",
                       "--out", str(tmp_path / "o"), cwd=tmp_path, memory_mb=1024)  # fmt: skip
    assert_refused(done.returncode, done.stdout, done.stderr, "county.yaml", *names)


# 11: tracebacks that are now messages ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "names"),
    [({"postpone": 2**64}, ("events.postpone_years", "TR-CASE-BOUNDS", "1844*")),
     ({"mother_age": 10**400}, ("mother.age", "TR-CASE-BOUNDS", "~1e400")),
     ({"mother_age": "1" * 5000}, ("c.yaml", "4300")),
     ({"postpone": -(2**64)}, ("events.postpone_years", "不能为负数", "negative"))],
)  # fmt: skip
def test_huge_numbers_in_a_case_are_named_not_wrapped(fields: dict, names: tuple, tmp_path: Path, capsys) -> None:
    path = _case(tmp_path, **fields)
    code, out, err = run_cli(capsys, "explain", str(path))
    assert_refused(code, out, err, *names)
    assert "-9223372036854775808" not in err


@pytest.mark.parametrize(
    ("unit", "names"),
    [({"findings": {"D-EXAM": 1e308}}, ("findings.D-EXAM", "1e308", "1000")),
     ({"inspection_date": "2013-02-30"}, ("inspection_date", "2013-02-30")),
     ({"unit_id": ["a", "b"]}, ("unit_id", "应为文字", "should be text")),
     ({"unit_id": float("nan")}, ("unit_id", "nan")),
     ({"findings": {"D-EXAM": float("inf")}}, ("findings.D-EXAM", "inf"))],
)  # fmt: skip
def test_bad_audit_values_are_named(unit: dict, names: tuple, tmp_path: Path, capsys) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(UNIT | unit, allow_unicode=True).replace("2013-02-30", "2013-02-30"), "utf-8")
    if "inspection_date" in unit:  # unquoted, as an office types it: YAML would make it a date
        path.write_text(path.read_text("utf-8").replace("'2013-02-30'", "2013-02-30"), "utf-8")
    code, out, err = run_cli(capsys, "score", str(path))
    assert_refused(code, out, err, *names)


def test_the_app_form_names_a_huge_age_instead_of_failing() -> None:
    from jihua_kit.course.household_form import blank_values, household_result_html

    for age in (99999999999999999999, 10**400):
        html = household_result_html(blank_values() | {"mother.age": age})
        assert "jihua-error" in html and "TR-CASE-BOUNDS" in html and "120" in html


def test_json_nested_100k_deep_is_a_message(tmp_path: Path, capsys) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    for command in ("explain", "score"):
        code, out, err = run_cli(capsys, command, str(path))
        assert_refused(code, out, err, "deep.json", "嵌套", "nested")


@pytest.mark.parametrize(
    ("argv", "names"),
    [(("calendar", "9999-12-31"), ("quarter", "TR-DATE-BOUNDS")),
     (("calendar", "2013Q2", "--holiday", "garbage"), ("'garbage'",)),
     (("calendar", "2013-07-05", "--holiday", "2013"), ("'2013'",)),
     (("calendar", "٢٠١٣Q1"), ("quarter",)),
     (("template", "audit", "t.xlsx", "--period", "2013Q9"), ("--period", "2013Q9")),
     (("template", "audit", ".", "--period", "2013Q2"), ("'.'",)),
     (("template", "roster", "sub"), ("sub",)),
     (("simulate", "--households", "10", "--sensitivity", "0", "--out", "/etc/passwd"), ("/etc/passwd",)),
     (("simulate", "--households", "10", "--sensitivity", "0", "--out", "file.txt/x"), ("file.txt",))],
)  # fmt: skip
def test_command_line_values_are_checked(argv: tuple, names: tuple, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    code, out, err = run_cli(capsys, *argv)
    assert_refused(code, out, err, *names)
    assert not (tmp_path / "t.xlsx").exists()


def test_targets_nan_and_infinite_are_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "f.yaml"
    for value in (".nan", ".inf"):
        path.write_text(f"figures:\n  T-EXAM-RATE: {value}\n", encoding="utf-8")
        code, out, err = run_cli(capsys, "targets", str(path))
        assert_refused(code, out, err, "T-EXAM-RATE", "应为数字", "should be a number")
        assert "nan–nan" not in out


# 12: where results are written ----------------------------------------------------------------------


def test_out_options_only_for_spreadsheets_and_never_the_input(tmp_path: Path, capsys) -> None:
    case = _case(tmp_path)
    code, out, err = run_cli(capsys, "explain", str(case), "--out", str(tmp_path / "x.xlsx"))
    assert_refused(code, out, err, "--out")  # was silently ignored
    figures = tmp_path / "f.yaml"
    figures.write_text("figures:\n  T-EXAM-RATE: 90\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "targets", str(figures), "--chart", str(figures))
    assert_refused(code, out, err, "--chart")
    code, out, err = run_cli(capsys, "targets", str(figures), "--chart", str(tmp_path))
    assert_refused(code, out, err, "--chart")


# 15: a 100,000-unit audit is scored in linear time ---------------------------------------------------


def test_a_large_json_audit_scores_in_one_pass_under_a_memory_cap(tmp_path: Path) -> None:
    from jihua_kit.explanations.scorecard import summary, summary_of, unit_records
    from jihua_kit.params.store import default_params
    from jihua_kit.rules.deductions import score

    units = [{"unit_id": f"U{i:05d}", "findings": {"D-EXAM": i % 3, "D-UNPAID-REWARD": i % 2}} for i in range(20_000)]
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"period": "2013Q2", "units": units}), encoding="utf-8")
    done = run_limited("score", str(path), "--json", cwd=tmp_path, memory_mb=1536)  # 100k units took 418 s
    assert done.returncode == 0, done.stderr[-2000:]
    data = json.loads(done.stdout)
    points = sum((i % 3) * 2 + (i % 2) * 2 for i in range(20_000))  # D-EXAM 2 points, D-UNPAID-REWARD 2 points
    assert len(data["units"]) == 20_000 and data["summary"]["total_points"] == points
    params = default_params()
    from jihua_kit.tables.audits import load_audit

    result = score(load_audit({"units": units[:50], "period": "2013Q2"}, params), params)
    records = unit_records(result, params)
    assert summary_of(result) == summary(records)  # the summary from arrays equals the one from records
    assert records == data["units"][:50]


def test_an_error_keeps_its_message_when_a_worker_process_sends_it_back() -> None:
    import pickle

    from jihua_kit.core.errors import KitError

    err = KitError("case.too_large", file="c.yaml", field="mother.age", got=10**400, max=120, bound="TR-CASE-BOUNDS")
    back = pickle.loads(pickle.dumps(err))
    assert (back.key, back.where, back.info) == (err.key, err.where, err.info) and str(back) == str(err)
