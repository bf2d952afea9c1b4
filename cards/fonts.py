"""The fonts of the electronic credential: a face cut to the common repertoire, and a complete fallback.

WeasyPrint embeds a subset of every font a PDF uses, and subsetting the 19 MB Noto Sans CJK on every card costs most
of a rendering. The card's text and almost every name are written with the characters of GB 2312, so the credential
uses a copy of Noto Sans CJK SC cut to those (about 1.8 MB), built from the system's font when the portal is
installed (`manage.py card_fonts`). Any other character falls back, through fontconfig, to the whole of Noto Sans CJK
SC, then to HanaMin A/B (CJK Extensions A to F), Noto Sans Arabic (Uyghur) and Noto Serif Tibetan: every name
renders, and only a rare one costs more time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

SOURCE_FAMILY = "Noto Sans CJK SC"
FAMILY = "Baiyun Card Sans"
STYLES = ("Regular", "Bold")
# After the cut face, in this order (fontconfig family names; their Debian packages are in the Makefile).
FALLBACK_FAMILIES = (SOURCE_FAMILY, "HanaMinA", "HanaMinB", "Noto Sans Arabic", "Noto Serif Tibetan")
# Latin with pinyin tones, punctuation, CJK symbols and full-width forms, besides GB 2312.
RANGES = (
    (0x0020, 0x007E),
    (0x00A0, 0x024F),
    (0x2000, 0x206F),
    (0x2100, 0x21FF),
    (0x3000, 0x303F),
    (0xFF00, 0xFFEF),
)


class FontSourceMissing(Exception):
    """The system font the cut is made from is not installed; the message names the Debian package."""


def gb2312_characters() -> set[int]:
    """Every character of GB 2312 (its 6,763 hanzi and its symbols), read from Python's codec."""
    codepoints = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                codepoints.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return codepoints


def repertoire() -> frozenset[int]:
    """The code points of the cut face."""
    codepoints = gb2312_characters()
    for first, last in RANGES:
        codepoints.update(range(first, last + 1))
    return frozenset(codepoints)


def fonts_dir() -> Path:
    return Path(settings.CARD_FONTS_DIR)


def font_path(style: str) -> Path:
    return fonts_dir() / f"BaiyunCardSans-{style}.otf"


def fonts_ready() -> bool:
    return all(font_path(style).exists() for style in STYLES)


def font_source(*, style: str) -> tuple[str, int]:
    """The file and face index of the system's Noto Sans CJK SC in `style`, as fontconfig finds it."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        raise FontSourceMissing("fc-match is missing: install the Debian package fontconfig.")
    found = subprocess.run(  # noqa: S603 - a fixed program and a fixed pattern
        [fc_match, "--format=%{family}\n%{file}\n%{index}", f"{SOURCE_FAMILY}:style={style}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    if len(found) != 3 or SOURCE_FAMILY not in found[0].split(","):
        raise FontSourceMissing(f"{SOURCE_FAMILY} {style} is missing: install the Debian package fonts-noto-cjk.")
    return found[1], int(found[2])


def _stamp(source: str, index: int, codepoints: frozenset[int]) -> str:
    """What a built font was made from: rebuilt when the system font or the repertoire changes."""
    digest = hashlib.sha256(",".join(map(str, sorted(codepoints))).encode()).hexdigest()[:16]
    return f"{source}:{index}:{os.stat(source).st_size}:{digest}"


def _rename(font: TTFont, style: str) -> None:
    # A modified copy takes its own name (SIL OFL 1.1); the copyright and licence records stay.
    names = {1: FAMILY, 2: style, 3: f"{FAMILY} {style}; subset", 4: f"{FAMILY} {style}", 6: f"BaiyunCardSans-{style}"}
    table = font["name"]
    table.names = [record for record in table.names if record.nameID not in {*names, 16, 17}]
    for name_id, text in names.items():
        table.setName(text, name_id, 3, 1, 0x409)


def card_fonts_build(*, force: bool = False) -> list[Path]:
    """Cuts Noto Sans CJK SC (regular and bold) to the repertoire, unless the fonts are already up to date; returns
    the fonts it wrote. Written under a temporary name and moved into place, so a reader never sees half a font."""
    codepoints = repertoire()
    directory = fonts_dir()
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for style in STYLES:
        source, index = font_source(style=style)
        target = font_path(style)
        stamp_path = target.with_suffix(".source")
        stamp = _stamp(source, index, codepoints)
        if not force and target.exists() and stamp_path.exists() and stamp_path.read_text() == stamp:
            continue
        # Imported here: fontTools costs every process that starts otherwise (bench/startup.py).
        from fontTools import subset
        from fontTools.ttLib import TTFont

        font = TTFont(source, fontNumber=index, lazy=True)
        options = subset.Options()
        # Names are written horizontally without OpenType features: the layout tables would triple the build time.
        options.layout_features = []
        options.drop_tables += ["GSUB", "GPOS", "BASE", "VORG", "vhea", "vmtx"]
        options.notdef_outline = True
        options.ignore_missing_unicodes = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(font)
        _rename(font, style)
        partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        font.save(partial)
        os.replace(partial, target)
        stamp_path.write_text(stamp)
        written.append(target)
    return written
