"""Evaluate the spreadsheet formulas xlscore's templates (and most hand-made tables) use.

A workbook written by a program and never opened in a spreadsheet has formulas with no cached
value. Reading such a cell as 0 would be wrong, so xlscore evaluates it: numbers and strings, cell
references (``B7``, ``$B$7``, ``'表 一'!B7``), ranges inside functions, ``+ - * / ^ &``, comparisons,
unary minus, percent, and the functions SUM, ROUND, ROUNDUP, ROUNDDOWN, IF, IFERROR, ISBLANK,
ISNUMBER, ABS, MIN, MAX, AND, OR, NOT, COUNT, COUNTA, COUNTIF (equality only), AVERAGE.
Anything else raises :class:`FormulaError`, and the caller flags the cell instead of guessing.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Callable

Resolver = Callable[[str | None, int, int], object]


class FormulaError(Exception):
    """The formula uses something this evaluator does not support, or is malformed."""


class XLError(str):
    """A spreadsheet error value such as #DIV/0!."""


DIV0 = XLError("#DIV/0!")
VALUE = XLError("#VALUE!")

_TOKEN_RE = re.compile(
    r"""\s*(?:
    (?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)
   |(?P<str>"(?:[^"]|"")*")
   |(?P<ref>(?:(?:'(?:[^']|'')+'|[^\s!:(),'"+\-*/^&=<>]+)!)?\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)
   |(?P<func>[A-Za-z][A-Za-z0-9.]*)\s*\(
   |(?P<bool>TRUE|FALSE)\b
   |(?P<op><>|<=|>=|[-+*/^&=<>%(),:])
    )""",
    re.X,
)
_CELL_RE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


def _col(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    text = text.strip()
    if text.startswith("="):
        text = text[1:]
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN_RE.match(text, pos)
        if not match:
            raise FormulaError(f"无法识别的公式内容：{text[pos:pos + 20]}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    """Precedence climbing over the token list into a small tuple AST."""

    _BINARY = {"=": 1, "<>": 1, "<": 1, ">": 1, "<=": 1, ">=": 1, "&": 2, "+": 3, "-": 3, "*": 4, "/": 4, "^": 5}

    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise FormulaError("公式不完整")
        self.pos += 1
        return token

    def expect(self, value: str) -> None:
        kind, text = self.take()
        if text != value:
            raise FormulaError(f"公式中缺少“{value}”")

    def parse(self):
        node = self.expression(0)
        if self.peek() is not None:
            raise FormulaError(f"公式中多余的内容：{self.peek()[1]}")
        return node

    def expression(self, min_prec: int):
        left = self.unary()
        while True:
            token = self.peek()
            if token is None or token[0] != "op" or token[1] not in self._BINARY:
                return left
            prec = self._BINARY[token[1]]
            if prec < min_prec:
                return left
            self.take()
            right = self.expression(prec + 1)  # all left-associative, ^ included, as in Excel
            left = ("bin", token[1], left, right)

    def unary(self):
        token = self.peek()
        if token and token[0] == "op" and token[1] in "+-":
            self.take()
            operand = self.unary()
            return ("neg", operand) if token[1] == "-" else operand
        node = self.primary()
        while self.peek() == ("op", "%"):
            self.take()
            node = ("bin", "/", node, ("num", 100.0))
        return node

    def primary(self):
        kind, text = self.take()
        if kind == "num":
            return ("num", float(text))
        if kind == "str":
            return ("str", text[1:-1].replace('""', '"'))
        if kind == "bool":
            return ("bool", text == "TRUE")
        if kind == "ref":
            return ("ref", *_parse_ref(text))
        if kind == "func":
            args = []
            if self.peek() != ("op", ")"):
                while True:
                    args.append(self.expression(0))
                    if self.peek() == ("op", ","):
                        self.take()
                        continue
                    break
            self.expect(")")
            return ("func", text.upper(), args)
        if (kind, text) == ("op", "("):
            node = self.expression(0)
            self.expect(")")
            return node
        raise FormulaError(f"公式中意外的“{text}”")


def _parse_ref(text: str):
    sheet = None
    if "!" in text:
        sheet, text = text.rsplit("!", 1)
        if sheet.startswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
    parts = text.split(":")
    cells = []
    for part in parts:
        match = _CELL_RE.fullmatch(part)
        cells.append((int(match.group(2)) - 1, _col(match.group(1))))
    (r0, c0), (r1, c1) = cells[0], cells[-1]
    return sheet, min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)


def _number(value: object) -> float:
    if isinstance(value, XLError):
        raise _Propagate(value)
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        raise _Propagate(VALUE) from None


class _Propagate(Exception):
    def __init__(self, error: XLError):
        self.error = error


def _cells(node, resolve: Resolver, env) -> list[object]:
    if node[0] == "ref":
        _, sheet, r0, c0, r1, c1 = node
        if (r1 - r0 + 1) * (c1 - c0 + 1) > 100_000:
            raise FormulaError("引用范围过大")
        return [resolve(sheet, r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
    return [_eval(node, resolve, env)]


def _numbers(args, resolve, env) -> list[float]:
    values = []
    for arg in args:
        for value in _cells(arg, resolve, env):
            if isinstance(value, XLError):
                raise _Propagate(value)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                values.append(float(value))
    return values


def _round(value: float, digits: int, mode: str) -> float:
    factor = 10.0 ** digits
    scaled = value * factor
    if mode == "half":
        result = math.floor(abs(scaled) + 0.5 + 1e-9)
    elif mode == "up":
        result = math.ceil(abs(scaled) - 1e-9)
    else:
        result = math.floor(abs(scaled) + 1e-9)
    return math.copysign(result / factor, value)


def _compare(op: str, left: object, right: object) -> bool:
    if left is None:
        left = "" if isinstance(right, str) else 0.0
    if right is None:
        right = "" if isinstance(left, str) else 0.0
    if isinstance(left, str) != isinstance(right, str):
        return op in ("<>",) if op in ("=", "<>") else isinstance(left, str) == (op in (">", ">="))
    if isinstance(left, str):
        left, right = left.lower(), right.lower()
    return {
        "=": left == right,
        "<>": left != right,
        "<": left < right,
        ">": left > right,
        "<=": left <= right,
        ">=": left >= right,
    }[op]


def _eval(node, resolve: Resolver, env):
    kind = node[0]
    if kind in ("num", "str", "bool"):
        return node[1]
    if kind == "ref":
        _, sheet, r0, c0, r1, c1 = node
        if (r0, c0) != (r1, c1):
            raise FormulaError("范围只能用在函数中")
        value = resolve(sheet, r0, c0)
        return value
    if kind == "neg":
        return -_number(_eval(node[1], resolve, env))
    if kind == "bin":
        _, op, left_node, right_node = node
        left = _eval(left_node, resolve, env)
        right = _eval(right_node, resolve, env)
        for value in (left, right):
            if isinstance(value, XLError):
                raise _Propagate(value)
        if op in ("=", "<>", "<", ">", "<=", ">="):
            return _compare(op, left, right)
        if op == "&":
            return f"{_text(left)}{_text(right)}"
        a, b = _number(left), _number(right)
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            if b == 0:
                raise _Propagate(DIV0)
            return a / b
        if op == "^":
            return a ** b
    if kind == "func":
        return _call(node[1], node[2], resolve, env)
    raise FormulaError("无法计算的公式")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _truth(value: object) -> bool:
    if isinstance(value, XLError):
        raise _Propagate(value)
    if isinstance(value, str):
        if value.upper() in ("TRUE", "FALSE"):
            return value.upper() == "TRUE"
        raise _Propagate(VALUE)
    return bool(_number(value))


def _call(name: str, args, resolve: Resolver, env):
    def arg(i):
        return _eval(args[i], resolve, env)

    if name == "SUM":
        return sum(_numbers(args, resolve, env))
    if name in ("MIN", "MAX"):
        values = _numbers(args, resolve, env)
        return (min if name == "MIN" else max)(values) if values else 0.0
    if name == "AVERAGE":
        values = _numbers(args, resolve, env)
        if not values:
            raise _Propagate(DIV0)
        return sum(values) / len(values)
    if name == "COUNT":
        return float(len(_numbers(args, resolve, env)))
    if name == "COUNTA":
        return float(sum(1 for a in args for v in _cells(a, resolve, env) if v not in (None, "")))
    if name == "COUNTIF" and len(args) == 2:
        wanted = arg(1)
        return float(sum(1 for v in _cells(args[0], resolve, env) if _compare("=", v, wanted)))
    if name in ("ROUND", "ROUNDUP", "ROUNDDOWN") and len(args) == 2:
        mode = {"ROUND": "half", "ROUNDUP": "up", "ROUNDDOWN": "down"}[name]
        return _round(_number(arg(0)), int(_number(arg(1))), mode)
    if name == "ABS" and len(args) == 1:
        return abs(_number(arg(0)))
    if name == "IF" and len(args) in (2, 3):
        if _truth(arg(0)):
            return arg(1)
        return arg(2) if len(args) == 3 else False
    if name == "IFERROR" and len(args) == 2:
        try:
            value = arg(0)
        except _Propagate:
            return arg(1)
        return arg(1) if isinstance(value, XLError) else value
    if name == "ISBLANK" and len(args) == 1:
        return arg(0) in (None, "")
    if name == "ISNUMBER" and len(args) == 1:
        value = arg(0)
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "AND":
        return all(_truth(arg(i)) for i in range(len(args)))
    if name == "OR":
        return any(_truth(arg(i)) for i in range(len(args)))
    if name == "NOT" and len(args) == 1:
        return not _truth(arg(0))
    raise FormulaError(f"不支持的函数 {name}")


_SHIFT_RE = re.compile(r"(?<![A-Za-z0-9_.!])(\$?)([A-Za-z]{1,3})(\$?)(\d+)(?![A-Za-z0-9_(])")


def shift(text: str, rows: int, cols: int) -> str:
    """A formula copied ``rows`` down and ``cols`` right, as a spreadsheet fills a shared formula:
    relative references move, ``$``-anchored parts and string literals stay."""

    def move(match: re.Match) -> str:
        col_abs, letters, row_abs, digits = match.groups()
        col = _col(letters) + (0 if col_abs else cols)
        row = int(digits) + (0 if row_abs else rows)
        if col < 0 or row < 1:
            raise FormulaError("共享公式移位后引用越界")
        name = ""
        col += 1
        while col:
            col, rem = divmod(col - 1, 26)
            name = chr(65 + rem) + name
        return f"{col_abs}{name}{row_abs}{row}"

    parts = re.split(r'("(?:[^"]|"")*")', text)
    return "".join(part if part.startswith('"') else _SHIFT_RE.sub(move, part) for part in parts)


@lru_cache(maxsize=4096)
def _parse(text: str):
    """The formula's syntax tree (templates repeat the same formulas across thousands of files)."""
    try:
        return _Parser(_tokenize(text)).parse()
    except FormulaError:
        raise
    except Exception as exc:  # malformed formula
        raise FormulaError(f"公式格式有误（{exc}）") from None


def evaluate(text: str, resolve: Resolver) -> object:
    """Evaluate ``text`` (with or without a leading ``=``), reading cells through ``resolve``.

    Returns a float, str or bool, or an :class:`XLError` such as #DIV/0! when the spreadsheet would
    show one. Raises :class:`FormulaError` for what it cannot evaluate.
    """
    tree = _parse(text)
    try:
        return _eval(tree, resolve, {})
    except _Propagate as exc:
        return exc.error
    except RecursionError:
        raise FormulaError("公式嵌套过深") from None
