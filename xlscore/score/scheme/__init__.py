"""Indicator schemes as data: the 指标体系 files (YAML), read, checked, detected and linted.

The bundled schemes live in ``xlscore/schemes/*.yaml``; a bureau can write its own file in the same
format (docs/schemes.md; the shape is ``xlscore/schema/scheme.schema.json``) and pass its path
wherever a scheme id is accepted. Everything is validated when loaded: a file that does not
validate raises :class:`SchemeError`, whose Chinese message names the file, the line and the key of
every problem. Rule texts are parsed at load time, so a rule the engine cannot read is a load error
and never a silent zero.

    model     the data (Scheme, Level, Grade, IndicatorSpec) and how names compare
    validate  the file's shape (JSON Schema) and meaning, built into a Scheme
    load      YAML with line numbers; bundled schemes by id, a bureau's by path
    detect    which scheme a workbook's names follow
    lint      what looks wrong in a scheme that loads
"""

from .detect import detect, match_counts
from .lint import lint
from .load import BUNDLED_JSON, SCHEME_DIR, available, bundled_ids, bundled_json_text, load, load_file
from .model import (
    BAND_KEYS,
    BAND_ZH,
    DEFAULT_BANDS,
    DIRECTIONS,
    FUND_ROW_ZH,
    FUND_ROWS,
    LOWER_BETTER_MISSED,
    Grade,
    IndicatorSpec,
    Level,
    Scheme,
    SchemeError,
    level_key,
    name_key,
)

__all__ = ["BAND_KEYS", "BAND_ZH", "BUNDLED_JSON", "DEFAULT_BANDS", "DIRECTIONS", "FUND_ROWS", "FUND_ROW_ZH",
           "LOWER_BETTER_MISSED", "SCHEME_DIR", "Grade", "IndicatorSpec", "Level", "Scheme", "SchemeError",
           "available", "bundled_ids", "bundled_json_text", "detect", "level_key", "lint", "load", "load_file",
           "match_counts", "name_key"]
