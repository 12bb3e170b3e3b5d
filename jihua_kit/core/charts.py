"""Chinese-capable matplotlib: the bundled Noto Sans CJK SC font (from the `mplfonts` package).

Call `use_chinese_font()` once before plotting; every chart module of the kit does.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib

FONT_FAMILY = "Noto Sans CJK SC"
_FONT_FILE = "NotoSansCJKsc-Regular.otf"  # OFL-licensed; mplfonts also ships SimHei, not used


def font_path() -> Path:
    """Path of the bundled CJK font file."""
    import mplfonts

    path = Path(mplfonts.__file__).resolve().parent / "fonts" / _FONT_FILE
    if not path.exists():
        raise FileNotFoundError(f"CJK font not found at {path}; reinstall the kit (make clean && make test)")
    return path


@lru_cache(maxsize=1)
def use_chinese_font() -> str:
    """Register the CJK font with matplotlib and make it the default sans-serif; returns its name."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(font_path()))
    rc = matplotlib.rcParams
    rc["font.family"] = "sans-serif"
    rc["font.sans-serif"] = [FONT_FAMILY, *[f for f in rc["font.sans-serif"] if f != FONT_FAMILY]]
    rc["axes.unicode_minus"] = False
    return FONT_FAMILY


# One meaning per colour across every chart and table of the kit: 提标前 grey, 提标后 red. The
# tornado's ends (an assumption at its low / high value) use other hues, so red always means 提标后.
SCENARIO_COLORS = {"baseline": "#9aa5b1", "raised": "#c0392b"}
LOW_HIGH_COLORS = {"low": "#4f81bd", "high": "#e39b3b"}
