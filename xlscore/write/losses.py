"""What a workbook holds that openpyxl does not carry into the annotated copy.

openpyxl keeps values, styles, merged cells, widths, comments, data validation and defined names,
but drops images, charts, shapes and form controls, pivot tables, slicers, macros and some
extension lists. The reviewer is told, instead of losing them silently.
"""

from __future__ import annotations

import io
import re
import zipfile

from ..read.files import FileKind

# (pattern on the zip part name, what a clerk calls it)
_PARTS = (
    (re.compile(r"^xl/media/"), "图片"),
    (re.compile(r"^xl/charts/chart"), "图表"),
    (re.compile(r"^xl/drawings/(?!vmlDrawing)[^/]+\.xml$"), "图形/文本框"),
    (re.compile(r"^xl/ctrlProps/"), "表单控件（按钮、复选框等）"),
    (re.compile(r"^xl/pivotTables/"), "数据透视表"),
    (re.compile(r"^xl/slicers/|^xl/slicerCaches/"), "切片器"),
    (re.compile(r"^xl/vbaProject\.bin$"), "宏（VBA）"),
    (re.compile(r"^xl/activeX/"), "ActiveX 控件"),
    (re.compile(r"^xl/embeddings/"), "嵌入的对象"),
    (re.compile(r"^xl/externalLinks/"), "外部链接"),
    (re.compile(r"^xl/threadedComments/"), "新版批注（将保留为普通批注）"),
)


def dropped(data: bytes, kind: FileKind) -> list[str]:
    """What the copy of the workbook of ``data`` (its bytes, as read once) will not carry, in
    Chinese, each once, in a stable order."""
    if kind.kind == "xls":
        return ["原 .xls 格式（副本为 .xlsx：保留数值、合并单元格和百分比格式，字体、边框、列宽等格式不保留）"]
    if kind.kind == "ods":
        return ["原 .ods 格式（副本为 .xlsx：保留数值、合并单元格和百分比格式，字体、边框、列宽等格式不保留）"]
    if kind.kind == "xlsb":
        return ["原 .xlsb 格式（副本为 .xlsx：只保留数值和合并单元格）"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
    found = []
    for pattern, label in _PARTS:
        if any(pattern.search(name) for name in names) and label not in found:
            found.append(label)
    return found
