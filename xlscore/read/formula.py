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
import operator
import re
from typing import Callable

from .cellref import col_index, col_letter
from .speed import memo

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
        cells.append((int(match.group(2)) - 1, col_index(match.group(1))))
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


_COMPARE = {"=": operator.eq, "<>": operator.ne, "<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge}


def _compare(op: str, left: object, right: object) -> bool:
    if left is None:
        left = "" if isinstance(right, str) else 0.0
    if right is None:
        right = "" if isinstance(left, str) else 0.0
    if isinstance(left, str) != isinstance(right, str):
        return op in ("<>",) if op in ("=", "<>") else isinstance(left, str) == (op in (">", ">="))
    if isinstance(left, str):
        left, right = left.lower(), right.lower()
    return _COMPARE[op](left, right)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _truth(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, XLError):
        raise _Propagate(value)
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str):
        if value.upper() in ("TRUE", "FALSE"):
            return value.upper() == "TRUE"
        raise _Propagate(VALUE)
    return bool(_number(value))


# --- evaluation: each syntax tree is compiled once into nested closures ----------------------
# (templates repeat the same formulas in every workbook; a closure call per node is several times
# cheaper than walking the tuples again for every cell)

Compiled = Callable[[Resolver], object]


def _raiser(message: str) -> Compiled:
    def fail(resolve: Resolver):
        raise FormulaError(message)
    return fail


def _compile(node) -> Compiled:
    kind = node[0]
    if kind in ("num", "str", "bool"):
        constant = node[1]
        return lambda resolve: constant
    if kind == "ref":
        _, sheet, r0, c0, r1, c1 = node
        if (r0, c0) != (r1, c1):
            return _raiser("范围只能用在函数中")
        return lambda resolve: resolve(sheet, r0, c0)
    if kind == "neg":
        inner = _compile(node[1])
        return lambda resolve: -_number(inner(resolve))
    if kind == "bin":
        if node[1] == "&" and node[2][0] == "bin" and node[2][1] == "&":
            return _compile_concat(node)
        return _compile_bin(node[1], _compile(node[2]), _compile(node[3]))
    if kind == "func":
        return _compile_call(node[1], node[2])
    return _raiser("无法计算的公式")


def _compile_bin(op: str, left_of: Compiled, right_of: Compiled) -> Compiled:
    def both(resolve: Resolver) -> tuple[object, object]:
        left, right = left_of(resolve), right_of(resolve)
        if isinstance(left, XLError):
            raise _Propagate(left)
        if isinstance(right, XLError):
            raise _Propagate(right)
        return left, right

    if op in ("=", "<>", "<", ">", "<=", ">="):
        test = _COMPARE[op]

        def compare(resolve: Resolver) -> bool:
            left, right = both(resolve)
            if isinstance(left, float) and isinstance(right, float):  # the usual SUM(E5)=0
                return test(left, right)
            return _compare(op, left, right)
        return compare
    if op == "&":
        return lambda resolve: "".join(_text(v) for v in both(resolve))
    if op == "+":
        return lambda resolve: _numbers_of_pair(both(resolve), float.__add__)
    if op == "-":
        return lambda resolve: _numbers_of_pair(both(resolve), float.__sub__)
    if op == "*":
        return lambda resolve: _numbers_of_pair(both(resolve), float.__mul__)
    if op == "/":
        return lambda resolve: _numbers_of_pair(both(resolve), _divide)
    if op == "^":
        return lambda resolve: _numbers_of_pair(both(resolve), float.__pow__)
    return _raiser("无法计算的公式")


def _compile_concat(node) -> Compiled:
    """A chain ``a&b&c&…`` (a template's element list joins a dozen IFs) as one join, with the
    pairwise chain's order: ``a`` and ``b`` are evaluated before either is checked for an error,
    every later operand is checked as it comes."""
    parts = []
    while node[0] == "bin" and node[1] == "&":
        parts.append(node[3])
        node = node[2]
    parts.append(node)
    first, second, *rest = [_compile(part) for part in reversed(parts)]

    def concat(resolve: Resolver) -> str:
        values = [first(resolve), second(resolve)]
        for value in values:
            if isinstance(value, XLError):
                raise _Propagate(value)
        for part in rest:
            value = part(resolve)
            if isinstance(value, XLError):
                raise _Propagate(value)
            values.append(value)
        return "".join([_text(value) for value in values])
    return concat


def _numbers_of_pair(pair: tuple[object, object], operation) -> float:
    return operation(_number(pair[0]), _number(pair[1]))


def _divide(a: float, b: float) -> float:
    if b == 0:
        raise _Propagate(DIV0)
    return a / b


def _compile_cells(node) -> Callable[[Resolver], list]:
    """An argument read as the list of its values: every cell of a range, else the one value."""
    if node[0] == "ref":
        _, sheet, r0, c0, r1, c1 = node
        if (r1 - r0 + 1) * (c1 - c0 + 1) > 100_000:
            return _raiser("引用范围过大")
        cells = [(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
        return lambda resolve: [resolve(sheet, r, c) for r, c in cells]
    single = _compile(node)
    return lambda resolve: [single(resolve)]


def _compile_numbers(args) -> Callable[[Resolver], list[float]]:
    parts = [_compile_cells(arg) for arg in args]

    def numbers(resolve: Resolver) -> list[float]:
        values = []
        for part in parts:
            for value in part(resolve):
                if isinstance(value, XLError):
                    raise _Propagate(value)
                if isinstance(value, (int, float)) and not isinstance(value, bool):  # a boolean is no number here
                    values.append(float(value))
        return values
    return numbers


def _compile_call(name: str, args) -> Compiled:
    n = len(args)
    if name in ("SUM", "MIN", "MAX", "AVERAGE", "COUNT"):
        numbers = _compile_numbers(args)
        if name == "SUM":
            return lambda resolve: sum(numbers(resolve))
        if name == "COUNT":
            return lambda resolve: float(len(numbers(resolve)))
        if name == "AVERAGE":
            def average(resolve: Resolver) -> float:
                values = numbers(resolve)
                if not values:
                    raise _Propagate(DIV0)
                return sum(values) / len(values)
            return average
        pick = min if name == "MIN" else max
        return lambda resolve: (lambda values: pick(values) if values else 0.0)(numbers(resolve))
    if name == "COUNTA":
        parts = [_compile_cells(arg) for arg in args]
        return lambda resolve: float(sum(1 for part in parts for v in part(resolve) if v not in (None, "")))
    arg = [_compile(a) for a in args]
    if name == "COUNTIF" and n == 2:
        cells = _compile_cells(args[0])

        def countif(resolve: Resolver) -> float:
            wanted = arg[1](resolve)
            return float(sum(1 for v in cells(resolve) if _compare("=", v, wanted)))
        return countif
    if name in ("ROUND", "ROUNDUP", "ROUNDDOWN") and n == 2:
        mode = {"ROUND": "half", "ROUNDUP": "up", "ROUNDDOWN": "down"}[name]
        return lambda resolve: _round(_number(arg[0](resolve)), int(_number(arg[1](resolve))), mode)
    if name == "ABS" and n == 1:
        return lambda resolve: abs(_number(arg[0](resolve)))
    if name == "IF" and n in (2, 3):
        test, then = arg[0], arg[1]
        otherwise = arg[2] if n == 3 else (lambda resolve: False)
        return lambda resolve: then(resolve) if _truth(test(resolve)) else otherwise(resolve)
    if name == "IFERROR" and n == 2:
        def iferror(resolve: Resolver):
            try:
                value = arg[0](resolve)
            except _Propagate:
                return arg[1](resolve)
            return arg[1](resolve) if isinstance(value, XLError) else value
        return iferror
    if name == "ISBLANK" and n == 1:
        return lambda resolve: arg[0](resolve) in (None, "")
    if name == "ISNUMBER" and n == 1:
        def isnumber(resolve: Resolver) -> bool:
            value = arg[0](resolve)
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        return isnumber
    if name == "AND":
        return lambda resolve: all(_truth(a(resolve)) for a in arg)
    if name == "OR":
        return lambda resolve: any(_truth(a(resolve)) for a in arg)
    if name == "NOT" and n == 1:
        return lambda resolve: not _truth(arg[0](resolve))
    return _raiser(f"不支持的函数 {name}")


_SHIFT_RE = re.compile(r"(?<![A-Za-z0-9_.!])(\$?)([A-Za-z]{1,3})(\$?)(\d+)(?![A-Za-z0-9_(])")


def shift(text: str, rows: int, cols: int) -> str:
    """A formula copied ``rows`` down and ``cols`` right, as a spreadsheet fills a shared formula:
    relative references move, ``$``-anchored parts and string literals stay."""

    def move(match: re.Match) -> str:
        col_abs, letters, row_abs, digits = match.groups()
        col = col_index(letters) + (0 if col_abs else cols)
        row = int(digits) + (0 if row_abs else rows)
        if col < 0 or row < 1:
            raise FormulaError("共享公式移位后引用越界")
        return f"{col_abs}{col_letter(col)}{row_abs}{row}"

    parts = re.split(r'("(?:[^"]|"")*")', text)
    return "".join(part if part.startswith('"') else _SHIFT_RE.sub(move, part) for part in parts)


def _parse(text: str):
    """The formula's syntax tree."""
    try:
        return _Parser(_tokenize(text)).parse()
    except FormulaError:
        raise
    except Exception as exc:  # malformed formula
        raise FormulaError(f"公式格式有误（{exc}）") from None


@memo
def _compiled(text: str) -> Compiled:
    """The formula compiled (once per text: templates repeat the same formulas in every file)."""
    return _compile(_parse(text))


def evaluate(text: str, resolve: Resolver) -> object:
    """Evaluate ``text`` (with or without a leading ``=``), reading cells through ``resolve``.

    Returns a float, str or bool, or an :class:`XLError` such as #DIV/0! when the spreadsheet would
    show one. Raises :class:`FormulaError` for what it cannot evaluate.
    """
    try:
        result = _compiled(text)(resolve)
    except _Propagate as exc:
        return exc.error
    except RecursionError:
        raise FormulaError("公式嵌套过深") from None
    except OverflowError:  # ROUND of an infinity, a power too large
        raise FormulaError("计算结果超出数值范围") from None
    if isinstance(result, float) and not math.isfinite(result):
        raise FormulaError("计算结果超出数值范围")
    return result
