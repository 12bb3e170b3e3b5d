"""The fixed parts of an xlsx package for `xlsx_write`: namespaces, the styles part, the drawing that
holds a picture, relationship parts and zip entries with a fixed date (the same content gives the
same bytes)."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

EMU_PER_PIXEL = 9525
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
CT = "application/vnd.openxmlformats-officedocument."
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters XML cannot hold
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Number formats Excel knows by number; any other is declared in the styles part from 164 on.
BUILTIN_FORMATS = {"General": 0, "0": 1, "#,##0": 3, "0%": 9, "0.00%": 10, "@": 49}
FIXED_XFS = 5  # NORMAL, HEADER, WRAP, TITLE, TEXT (xlsx_write); number-format styles follow


def styles(formats: tuple[str, ...] = ()) -> str:
    """The styles part: the fixed cell styles, then one per number format in `formats` (in order)."""
    custom = [f for f in dict.fromkeys(formats) if f not in BUILTIN_FORMATS]
    ids = {f: BUILTIN_FORMATS[f] if f in BUILTIN_FORMATS else 164 + custom.index(f) for f in formats}
    num_fmts = (
        f'<numFmts count="{len(custom)}">'
        + "".join(f'<numFmt numFmtId="{164 + i}" formatCode="{escape(f)}"/>' for i, f in enumerate(custom))
        + "</numFmts>"
        if custom
        else ""
    )
    extra = "".join(
        f'<xf numFmtId="{ids[f]}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' for f in formats
    )
    return (
        f"{HEAD}<styleSheet {NS}>{num_fmts}"
        '<fonts count="3"><font><sz val="11"/><name val="宋体"/></font>'
        '<font><b/><sz val="11"/><name val="宋体"/></font><font><b/><sz val="14"/><name val="宋体"/></font></fonts>'
        '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
        '</fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill>'
        "</fill></fills>"
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{FIXED_XFS + len(formats)}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
        '<alignment wrapText="1" vertical="center"/></xf>'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
        '<alignment wrapText="1" vertical="top"/></xf>'
        '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        f'<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>{extra}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    )


@dataclass
class Picture:
    png: bytes
    row: int  # 0-based anchor (top-left cell)
    col: int
    width_px: int
    height_px: int
    title: str = ""


def drawing(pic: Picture) -> str:
    cx, cy = pic.width_px * EMU_PER_PIXEL, pic.height_px * EMU_PER_PIXEL
    a = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    return (
        f'{HEAD}<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" {a}>'
        f"<xdr:oneCellAnchor><xdr:from><xdr:col>{pic.col}</xdr:col><xdr:colOff>0</xdr:colOff>"
        f'<xdr:row>{pic.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="{cx}" cy="{cy}"/>'
        f'<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="2" name="Picture 1" descr="{escape(pic.title)}"/>'
        '<xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr>'
        f'<xdr:blipFill><a:blip {R_NS} r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>'
        f'<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/></xdr:oneCellAnchor>'
        "</xdr:wsDr>"
    )


def entry(name: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed date, so that saving twice gives the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info._compresslevel = 1  # fast; Python 3.11 has no public name for it
    return info


def rels(items: list[tuple[str, str, str]]) -> str:
    body = "".join(f'<Relationship Id="{i}" Type="{REL}/{t}" Target="{target}"/>' for i, t, target in items)
    return f"{HEAD}<Relationships {PKG_REL}>{body}</Relationships>"


def escape(text: str) -> str:
    text = ILLEGAL.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


STYLES = styles()  # the styles part of a workbook that uses no number formats
