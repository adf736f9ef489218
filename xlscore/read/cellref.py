"""A1 references, column letters and 0-based column indexes, one way for every reader and writer."""

from __future__ import annotations


def col_letter(col: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(row: int, col: int) -> str:
    """0-based (row, col) -> A1 reference."""
    return f"{col_letter(col)}{row + 1}"


def col_index(letters: str) -> int:
    """Excel letters (either case) -> 0-based column index (A -> 0, AA -> 26)."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ord(ch) - 64)
    return index - 1
