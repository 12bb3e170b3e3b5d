"""Packaging, messages, the Chinese font and the handout-copy check."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import warnings

import pytest
import yaml

from jihua_kit.core.i18n import LANGS, catalog, t

from .conftest import REPO, SHARED


def _name_bound(spec: str) -> tuple[str, str]:
    name, _, bound = spec.replace(" ", "").partition(">=")
    return name.lower(), bound


def test_pyproject_and_environment_list_the_same_packages():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {_name_bound(d) for d in project["dependencies"] + project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((REPO / "environment.yml").read_text())["dependencies"]
    conda = [d for d in env if isinstance(d, str)]
    pip = next(d["pip"] for d in env if isinstance(d, dict))
    listed = {_name_bound(d) for d in conda + pip} - {("python", "3.11"), ("pip", "")}
    assert listed == wanted


def test_every_message_has_both_languages():
    msgs = catalog()
    assert len(msgs) > 50
    for key, texts in msgs.items():
        for lang in LANGS:
            assert texts[lang].strip(), key
    assert t("unit.yuan", "en") == "yuan"


def test_chinese_chart_renders_without_missing_glyphs(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from jihua_kit.core.charts import FONT_FAMILY, use_chinese_font

    assert use_chinese_font() == FONT_FAMILY
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.bar(["晚婚奖励", "养老保障金"], [200, 3600])
        ax.set_title("十大优待（提标后）−测试")
        ax.set_ylabel("元/年")
        fig.savefig(tmp_path / "zh.png")
        plt.close(fig)
    glyphs = [w for w in caught if "Glyph" in str(w.message) or "missing from font" in str(w.message)]
    assert glyphs == []
    assert (tmp_path / "zh.png").stat().st_size > 5000


def test_module_entry_point_and_console_script_agree():
    out = subprocess.run([sys.executable, "-m", "jihua_kit", "--help"], capture_output=True, text=True, check=True)
    assert "params" in out.stdout
    script = REPO / ".venv" / "bin" / "jihua-kit"
    if script.exists():
        out2 = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=True)
        assert out2.stdout == out.stdout


def test_no_text_copied_from_the_handout():
    tool = SHARED / "tools" / "check_copy.py"
    if not tool.exists():
        pytest.skip("shared/tools not beside this clone")
    result = subprocess.run([sys.executable, str(tool), str(REPO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
