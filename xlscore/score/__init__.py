"""Scoring indicators from their rules: the rule parser, a row's score, the table's totals and grade, schemes."""
