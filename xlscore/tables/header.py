"""The project's header fields: 项目名称, 主管部门 (or 单位), 年度, 自评等级 — wherever they are written.

Either ``项目名称：铝工业转型升级专项资金`` in one cell (several such pairs may share a cell:
``项目名称：某某项目　主管部门：某某局　评价年度：2021年``), or a label cell with the value in the
next non-empty cell to its right. A title such as ``2021年度企业服务活动专项经费项目支出绩效自评表``
or ``某某专项资金项目支出绩效自评表（2021年度）`` supplies the year (and the name) when no field
says it.

A stated grade (自评等级) is read the same ways, and also as the printed choices ``优 良 中 低 差``
with one of them ticked (``☑优 □良 □中 □低 □差``, ``优√ 良 中 差``) or all the others struck
through (.xlsx/.xlsm: the strike-through font of the cell or of a part of its text).
"""

from __future__ import annotations

import io
import re

from ..findings.report import Project, StatedGrade
from ..read.book import Book, Sheet, a1
from ..read.textnum import clean, norm, parse_year
from . import labels

SCAN_ROWS = 400
_SUFFIX = r"(?:项目)?(?:支出)?绩效自评(?:价)?(?:报告|表|评分表)?"
_TITLE_RE = re.compile(rf"^((?:19|20)\d\d)年度?(.+?){_SUFFIX}$")
# the year after the title, in brackets: 某某专项资金项目支出绩效自评表（2021年度）
_TITLE_YEAR_AFTER_RE = re.compile(rf"^(.*?){_SUFFIX}[(\[【]((?:19|20)\d\d)年度?[)\]】]$")

# every label of a header field, longest first, followed by a colon: where a `label：value` pair starts
_LABEL_OF = {word: key for key, words in labels.HEADER_FIELDS.items() for word in words}
_LABEL_OF.update({word: "grade" for word in labels.HEADER_GRADE})
_PAIR_RE = re.compile(
    "(" + "|".join(sorted([*_LABEL_OF, *labels.HEADER_OTHER], key=len, reverse=True)) + r")[ \t\u3000]*[:：]")
_PAIR_TRIM = " \t\u3000\n;；,，、。"

_SCORE_NOTE_RE = re.compile(r"[(（][^()（）]*\d[^()（）]*[)）]")
_MARKS = labels.TICK_MARKS + labels.BLANK_MARKS
_OPTION_RE = re.compile(
    rf"(?P<mark>[{_MARKS}])|(?P<word>{'|'.join(labels.GRADE_OPTION_WORDS)})"
    r"|(?P<sep>[\s、,，;；/|()（）\[\]【】.。:：]+)|(?P<other>.)")


def _value_right(sheet: Sheet, row: int, col: int) -> object:
    line = sheet.rows[row] if row < sheet.nrows else []
    anchor = sheet.anchor(row, col)
    for c in range(col + 1, min(len(line), col + 8)):
        if sheet.anchor(row, c) == anchor:
            continue
        value = sheet.value(row, c)
        if value not in (None, ""):
            return value
    return None


def _texts_right(sheet: Sheet, row: int, col: int) -> list[tuple[str, int, int]]:
    """(text, row, col) of the text cells right of a label, up to the next label or number:
    a grade's choices may stand one to a cell (``☑优 | □良 | □中 | □差``)."""
    line = sheet.rows[row] if row < sheet.nrows else []
    seen = {sheet.anchor(row, col)}
    out = []
    for c in range(col + 1, min(len(line), col + 8)):
        anchor = sheet.anchor(row, c)
        if anchor in seen:
            continue
        seen.add(anchor)
        value = sheet.value(row, c)
        if value in (None, ""):
            continue
        if not isinstance(value, str) or _label_alone(norm(value)) or _pairs(value):
            break
        out.append((value, *anchor))
    return out


def _label_alone(text: str) -> str | None:
    """The label a normalised cell text is, by itself (``项目名称``, ``自评等级：``), or None."""
    text = text.rstrip(":")
    return text if text in _LABEL_OF else None


def _pairs(value: str) -> list[tuple[str, str, str]]:
    """(field, label, value) of every ``label：value`` pair of a cell that starts with one (a
    pair under another label, 联系人：…, only ends the value before it)."""
    text = clean(value)
    matches = list(_PAIR_RE.finditer(text))
    if not matches or text[:matches[0].start()].strip(_PAIR_TRIM):
        return []
    pairs = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        label = match.group(1)
        if label in _LABEL_OF:
            pairs.append((_LABEL_OF[label], label, text[match.end():end].strip(_PAIR_TRIM)))
    return pairs


def _title_of(text: str) -> tuple[int, str] | None:
    """(year, project name) from a title such as ``2021年度企业服务活动专项经费项目支出绩效自评表``
    or ``企业服务活动专项经费项目支出绩效自评表（2021年度）``."""
    if "绩效自评" not in text:
        return None
    match = _TITLE_RE.match(text)
    if match:
        return int(match.group(1)), clean(match.group(2))
    match = _TITLE_YEAR_AFTER_RE.match(text)
    if match:
        return int(match.group(2)), clean(match.group(1))
    return None


def _header_text(value: str) -> tuple[str | None, tuple, tuple[int, str] | None]:
    """(the label the cell is by itself, its ``label：value`` pairs, title reading) of a text cell."""
    text = norm(value)
    pairs = tuple(_pairs(value)) if ":" in text else ()  # (norm makes a full-width colon ":")
    return (None if pairs else _label_alone(text)), pairs, (None if pairs else _title_of(text))


def read(book: Book) -> Project:
    project = Project()
    found: dict[str, tuple[int, object]] = {}
    for sheet in book.sheets:  # every sheet: a stated grade may stand on any of them
        for r, c, value in sheet.strings:
            if r >= SCAN_ROWS:
                break
            label, pairs, title = _header_text(value)
            if title and "year" not in found:
                found.setdefault("title_year", (0, title[0]))
                found.setdefault("title_name", (0, title[1]))
            for key, word, rest in pairs:
                if key == "grade":
                    if rest:
                        _add(project.grades, _grade(book, sheet, [(value, r, c)], pair=True))
                elif rest:
                    _found(found, key, word, rest)
                elif len(pairs) == 1:
                    label = word  # ``项目名称：`` with the value in the next cell
            if label is None:
                continue
            key = _LABEL_OF[label]
            if key == "grade":
                _add(project.grades, _grade(book, sheet, _texts_right(sheet, r, c)))
                continue
            candidate = _value_right(sheet, r, c)
            if candidate is None or (isinstance(candidate, str) and _is_label(candidate)):
                continue
            _found(found, key, label, candidate)
    if "name" in found:
        project.name = clean(found["name"][1]) or None
    elif "title_name" in found:
        project.name = found["title_name"][1] or None
    if "department" in found:
        project.department = clean(found["department"][1]) or None
    if "year" in found:
        project.year = parse_year(found["year"][1])
    if project.year is None and "title_year" in found:
        project.year = found["title_year"][1]
    return project


def _is_label(text: str) -> bool:
    """The cell is a label (``年度``) or a ``label：value`` pair, not the value of the one left of it."""
    label, pairs, _ = _header_text(text)
    return bool(label or pairs)


def _found(found: dict, key: str, label: str, candidate: object) -> None:
    """Keep ``candidate`` for ``key`` unless a value under a better label was found."""
    priority = labels.HEADER_FIELDS[key].index(label)
    if key not in found or priority < found[key][0]:
        found[key] = (priority, candidate)


def _add(grades: list[StatedGrade], grade: StatedGrade | None) -> None:
    if grade is not None and all(g.cell != grade.cell or g.sheet != grade.sheet for g in grades):
        grades.append(grade)


# -- the stated grade ----------------------------------------------------------------------------

def _options(parts: list[tuple[str, int, int]]) -> list[list] | None:
    """The grade words of ``parts`` (text, row, col) as [word, mark, row, col], or None when the
    text is anything but grade words, tick marks and separators."""
    items: list[list] = []
    for text, r, c in parts:
        for match in _OPTION_RE.finditer(text):
            kind = match.lastgroup
            if kind == "other":
                return None
            if kind != "sep":
                items.append([kind, match.group(), r, c])
    words = [item for item in items if item[0] == "word"]
    if not words:
        return None
    prefix = items[0][0] == "mark"  # ☑优 □良 …, else 优√ 良 …
    for i, item in enumerate(items):
        if item[0] != "word":
            continue
        neighbour = items[i - 1] if prefix and i > 0 else (items[i + 1] if not prefix and i + 1 < len(items) else None)
        item[0] = neighbour[1] if neighbour is not None and neighbour[0] == "mark" else ""
    return [[item[1], item[0], item[2], item[3]] for item in words]


def _grade(book: Book, sheet: Sheet, parts: list[tuple[str, int, int]], pair: bool = False) -> StatedGrade | None:
    """The one grade ``parts`` state: a grade word by itself, the one ticked among the printed
    choices, or the one left when the others are struck through."""
    texts = [(_grade_text(text) if pair else text, r, c) for text, r, c in parts]
    words = _options(texts)
    if words is None and len(texts) == 1:  # 优（94.7分）: the grade with its score
        words = _options([(_SCORE_NOTE_RE.sub("", texts[0][0]), texts[0][1], texts[0][2])])
        words = words if words is not None and len(words) == 1 and not words[0][1] else None
    if not words:
        return None
    if len(words) == 1 and not words[0][1]:
        word, _, r, c = words[0]
        return StatedGrade(word, sheet.name, a1(r, c))
    ticked = [w for w in words if w[1] and w[1] in labels.TICK_MARKS]
    if len(ticked) == 1:
        word, _, r, c = ticked[0]
        return StatedGrade(word, sheet.name, a1(r, c))
    if ticked or len(words) < 2:
        return None  # several ticked, or one choice marked as not chosen: nothing stated
    unstruck = _unstruck(book, sheet.name, {(r, c) for _, r, c in parts})
    if unstruck is None:
        return None
    kept = _options([(_grade_text(unstruck[(r, c)]) if pair else unstruck[(r, c)], r, c) for _, r, c in parts])
    if kept is None or len(kept) != 1:
        return None
    word, _, r, c = kept[0]
    return StatedGrade(word, sheet.name, a1(r, c))


def _grade_text(text: str) -> str:
    """The value of the grade's pair in a cell of ``label：value`` pairs."""
    return next((rest for key, _, rest in _pairs(text) if key == "grade"), "")


def _unstruck(book: Book, sheet_name: str, cells: set[tuple[int, int]]) -> dict[tuple[int, int], str] | None:
    """The text of each cell without its struck-through parts; None when the file cannot tell
    (only .xlsx/.xlsm keep fonts where xlscore reads them). Asked only for printed grade choices
    that carry no tick, so the workbook's bytes are parsed a second time only then (the bytes
    read once, never the file again)."""
    if getattr(book.kind, "kind", None) != "xlsx" or not book.data:
        return None
    try:
        import openpyxl  # start-up guard: openpyxl costs 250 ms to import; only a struck-through grade needs it
        from openpyxl.cell.rich_text import CellRichText

        workbook = openpyxl.load_workbook(io.BytesIO(book.data), rich_text=True)
        ws = workbook[sheet_name]
    except Exception:  # noqa: BLE001 - what openpyxl cannot open, it cannot tell about either
        return None
    out = {}
    for r, c in cells:
        cell = ws.cell(row=r + 1, column=c + 1)
        struck = bool(cell.font is not None and cell.font.strike)
        value = cell.value
        if isinstance(value, CellRichText):
            out[(r, c)] = "".join(_run_text(run, struck) for run in value)
        else:
            out[(r, c)] = "" if struck or value is None else str(value)
    workbook.close()
    return out


def _run_text(run, cell_struck: bool) -> str:
    """A rich-text run's text, or "" when it is struck through: by its own font, or by the
    cell's when the run sets none (a plain string run always follows the cell)."""
    if isinstance(run, str):
        return "" if cell_struck else run
    strike = getattr(getattr(run, "font", None), "strike", None)
    return "" if (cell_struck if strike is None else strike) else run.text
