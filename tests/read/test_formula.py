"""xlscore.read.formula: the evaluator for formulas that carry no cached value."""

from __future__ import annotations

import pytest

from xlscore.read.formula import DIV0, VALUE, FormulaError, XLError, evaluate


def col(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def grid(cells: dict[str, object], sheets: dict[str, dict[str, object]] | None = None):
    """A resolver over {"A1": value} (and {"sheet": {"A1": value}}), recording what it was asked."""
    import re

    def key(ref):
        m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
        return int(m.group(2)) - 1, col(m.group(1))

    local = {key(k): v for k, v in cells.items()}
    other = {name: {key(k): v for k, v in values.items()} for name, values in (sheets or {}).items()}
    asked = []

    def resolve(sheet, row, column):
        asked.append((sheet, row, column))
        if sheet is None:
            return local.get((row, column))
        if sheet not in other:
            raise FormulaError(f"no sheet {sheet}")
        return other[sheet].get((row, column))

    resolve.asked = asked
    return resolve


CELLS = {"A1": 10.0, "A2": 20.0, "A3": None, "A4": "abc", "A5": "30", "B1": 0.0, "C9": 2_070_000.0,
         "C10": 1_345_343.0, "C7": 2_070_000.0, "D1": DIV0}


@pytest.mark.parametrize("text, expected", [
    ("=A1+A2", 30),
    ("A1+A2", 30),  # without the leading =
    ("=C9-C10", 724_657),
    ("=A1*(A2+1)", 210),
    ("=A2/A1", 2),
    ("=3-2-1", 0),
    ("=8/4/2", 1),
    ("=-A1", -10),
    ("=-2^2", 4),  # as in Excel: negation binds tighter than ^
    ("=50%", 0.5),
    ("=A1%", 0.1),
    ("=$A$1+A$2+$A2", 50),
    ("=a1+a2", 30),
    ("=A5+1", 31),  # a number stored as text
    ("=A3+1", 1),  # blank is 0
    ("=SUM(A1:A3)", 30),
    ("=SUM(A1:A5)", 30),  # text in a range is skipped, as in Excel
    ("=SUM(A1,A2,5)", 35),
    ("=SUM(A1:A2,B1)", 30),
    ("=SUM(A2:A1)", 30),  # reversed range
    ("=ROUND(C10/C9*100,2)", 64.99),
    ("=ROUND(2.345,2)", 2.35),
    ("=ROUND(-2.5,0)", -3),
    ("=ROUNDUP(1.01,0)", 2),
    ("=ROUNDDOWN(1.99,0)", 1),
    ("=IF(A1>5,1,2)", 1),
    ("=IF(A1>50,1,2)", 2),
    ('=IF(A3="",0,A3)', 0),
    ("=IF(B1=0,0,A1/B1)", 0),
    ("=IFERROR(A1/B1,0)", 0),
    ('=IFERROR(A1/A2,"-")', 0.5),
    ("=ABS(-3)", 3),
    ("=MAX(A1:A2)", 20),
    ("=MIN(A1:A2)", 10),
    ("=AVERAGE(A1:A2)", 15),
    ("=COUNT(A1:A5)", 2),
    ("=COUNTA(A1:A5)", 4),
    ("=A1&A2", "1020"),
    ("=A1=10", True),
    ("=A1<>10", False),
    ("=AND(A1>1,A2>1)", True),
    ("=OR(A1>100,A2>100)", False),
    ("=NOT(A1>1)", False),
    ("=ISBLANK(A3)", True),
    ("=ISNUMBER(A4)", False),
])
def test_evaluate(text, expected):
    result = evaluate(text, grid(CELLS))
    if isinstance(expected, bool):
        assert result is expected
    elif isinstance(expected, str):
        assert result == expected
    else:
        assert result == pytest.approx(expected)


@pytest.mark.parametrize("text", ["=A1/B1", "=1/0", "=SUM(A1:A2)/B1", "=D1+1", "=SUM(A1:D1)", "=ROUND(A1/B1,2)"])
def test_div0(text):
    result = evaluate(text, grid(CELLS))
    assert isinstance(result, XLError)
    assert result == DIV0 == "#DIV/0!"


def test_value_error_for_text_arithmetic():
    assert evaluate("=A4+1", grid(CELLS)) == VALUE
    assert evaluate('="a"+1', grid(CELLS)) == VALUE


def test_iferror_catches_div0_and_value():
    assert evaluate("=IFERROR(D1,7)", grid(CELLS)) == 7
    assert evaluate("=IFERROR(A4*2,8)", grid(CELLS)) == 8


def test_cross_sheet_references():
    resolve = grid(CELLS, {"表 一": {"B7": 5.0, "B8": 6.0}, "数据": {"B2": 7.0}, "It's": {"A1": 1.0}})
    assert evaluate("='表 一'!B7*2", resolve) == 10
    assert evaluate("=数据!B2+A1", resolve) == 17
    assert evaluate("=SUM('表 一'!B7:B8)", resolve) == 11
    assert evaluate("='It''s'!A1", resolve) == 1
    assert ("表 一", 6, 1) in resolve.asked and ("数据", 1, 1) in resolve.asked


def test_missing_sheet_raises():
    with pytest.raises(FormulaError):
        evaluate("='不存在'!A1", grid(CELLS))


@pytest.mark.parametrize("text", [
    '=VLOOKUP("x",A1:B2,2,FALSE)',
    '=SUMIF(A1:A2,">5")',
    '=INDIRECT("A1")',
    "=TODAY()",
    "=ROUND(1)",  # wrong arity
    "=IF(A1)",
])
def test_unsupported_function_raises(text):
    with pytest.raises(FormulaError):
        evaluate(text, grid(CELLS))


@pytest.mark.parametrize("text", ["=1+", "=A1+A2)", "=(A1", "=A1:A2", "=A1 A2", "=#REF!", "=SUM(A1:Z100000)"])
def test_malformed_or_unsafe_raises(text):
    with pytest.raises(FormulaError):
        evaluate(text, grid(CELLS))


def test_only_the_referenced_cells_are_read():
    resolve = grid(CELLS)
    evaluate("=SUM(A1:A3)+C9", resolve)
    assert sorted(resolve.asked) == [(None, 0, 0), (None, 1, 0), (None, 2, 0), (None, 8, 2)]


def test_power_is_left_associative_as_in_excel():
    assert evaluate("=2^3^2", grid({})) == 64


def test_shift_moves_relative_references_only():
    from xlscore.read.formula import shift

    assert shift("C9-C10", 0, 1) == "D9-D10"
    assert shift("$C$9+C$10+$C11", 2, 3) == "$C$9+F$10+$C13"
    assert shift('IF(D7=0,"A1",D9/D7*100)', 0, 2) == 'IF(F7=0,"A1",F9/F7*100)'
    assert shift("SUM(E7:H7)", 1, 0) == "SUM(E8:H8)"


@pytest.mark.parametrize("text, cells, expected", [
    ("=A1&B1&C1&D1", {"A1": "a", "B1": 1.0, "C1": True}, "a1TRUE"),
    ('=A1&"-"&B1&"-"&C1', {"A1": 2.5, "B1": 3.0, "C1": "x"}, "2.5-3-x"),
    ("=A1&(B1&C1)&D1", {"A1": "a", "B1": "b", "C1": "c", "D1": "d"}, "abcd"),
    # a chain answers with the error the pairwise ((a&b)&c)&d meets first: a and b are both
    # evaluated before either is checked, each later operand is checked as it comes
    ("=A1&B1&C1", {"A1": VALUE, "B1": DIV0}, VALUE),
    ("=C1&B1&A1", {"A1": VALUE, "B1": DIV0}, DIV0),
    ("=A1&(1/0)&C1", {"A1": VALUE}, DIV0),
    ("=A1&B1&(1/0)", {"A1": VALUE}, VALUE),
    ("=C1&D1&(1/0)&A1", {"A1": VALUE}, DIV0),
])
def test_a_chain_of_joins_is_one_join_with_the_pairwise_order(text, cells, expected):
    assert evaluate(text, grid(cells)) == expected
    assert type(evaluate(text, grid(cells))) is type(expected)
