"""How a flagged cell is marked in the annotated copy so that the mark survives paper.

Each finding of a project is numbered (①②…, the 序号 of the review sheet's list). The cell it points
at shows those numbers after its value — through the cell's number format, so the value the
department wrote stays exactly as it was — and gets a frame whose line tells the severity in black
and white (错误 thick, 警告 medium, 提示 dashed) beside the colour fill.
"""

from __future__ import annotations

import re

from openpyxl.styles import Border, Side

# ① … ⑳, then [21], [22] …: the circled numbers past 20 are missing from many Chinese fonts
CIRCLED = "".join(chr(0x2460 + i) for i in range(20))
LINES = {"error": "thick", "warning": "medium", "info": "mediumDashed"}
LINE_ZH = {"error": "粗线框", "warning": "中粗线框", "info": "虚线框"}
# A marker this module appended to a format section: " ①③" or " [21]", in quotes.
_OLD_MARK = re.compile('" (?:[%s]|\\[\\d+\\])+"$' % CIRCLED)


def marker(number: int) -> str:
    """The marker of finding ``number`` (1-based): ① … ⑳, then [21] …"""
    return CIRCLED[number - 1] if 1 <= number <= len(CIRCLED) else f"[{number}]"


def frame(severity: str, existing: Border | None = None) -> Border:
    """The frame of a flagged cell (all four edges)."""
    side = Side(style=LINES[severity], color="000000")
    return Border(left=side, right=side, top=side, bottom=side,
                  diagonal=existing.diagonal if existing is not None else None,
                  diagonalUp=existing.diagonalUp if existing is not None else False,
                  diagonalDown=existing.diagonalDown if existing is not None else False)


def edges(severity: str, existing: Border, top: bool, bottom: bool, left: bool, right: bool) -> Border:
    """``existing`` with the frame's line on the given edges (a cell on the rim of a merged range)."""
    side = Side(style=LINES[severity], color="000000")
    return Border(left=side if left else existing.left, right=side if right else existing.right,
                  top=side if top else existing.top, bottom=side if bottom else existing.bottom,
                  diagonal=existing.diagonal, diagonalUp=existing.diagonalUp, diagonalDown=existing.diagonalDown,
                  vertical=existing.vertical, horizontal=existing.horizontal)


def sections(code: str) -> list[str]:
    """The sections of a number-format code, split at the semicolons outside quotes, escapes and
    brackets."""
    parts, current = [], []
    quoted = bracket = escaped = False
    for ch in code:
        if escaped:
            escaped = False
        elif ch == "\\" and not quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif not quoted and ch == "[":
            bracket = True
        elif not quoted and ch == "]":
            bracket = False
        elif ch == ";" and not quoted and not bracket:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return parts


def _has_text_place(section: str) -> bool:
    return "@" in re.sub(r'"[^"]*"', "", section)


def marked_format(code: str | None, marks: str) -> str:
    """The number format ``code`` showing `` ①③`` after the value, for numbers and text alike; a
    marker an earlier run appended is replaced, not repeated."""
    literal = f'" {marks}"'
    parts = [_OLD_MARK.sub("", part) for part in sections(code or "General")]
    if len(parts) == 1 and _has_text_place(parts[0]):
        return parts[0] + literal  # a text format (@) shows numbers as they are, and the marker
    if len(parts) == 1:
        first = parts[0] or "General"
        numeric = [first, "-" + first, first]  # a negative section shows no minus sign of itself
        text = "@"
    elif len(parts) == 2:
        numeric, text = [parts[0], parts[1], parts[0]], "@"
    elif len(parts) == 3:
        numeric, text = parts, "@"
    else:
        numeric, text = parts[:3], ";".join(parts[3:])
    numeric = [part + literal if part else part for part in numeric]  # an empty section hides: kept
    return ";".join([*numeric, text + literal])


def shown_number(value: float, code: str | None) -> str:
    """About the text a number shows in format ``code`` (its first section): the decimals,
    thousands separators and percent the format asks for — enough to know how wide it prints."""
    first = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", sections(code or "General")[0])
    if "%" in first:
        value *= 100
    if first.strip().lower() == "general" or not first.strip():
        text = f"{value:.10g}"
    else:
        decimals = len(first.split(".", 1)[1].split("%")[0].rstrip(" ")) if "." in first else 0
        text = f"{value:,.{decimals}f}" if "," in first else f"{value:.{decimals}f}"
    return text + ("%" if "%" in first else "")
