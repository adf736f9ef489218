"""Reviewing a folder: discovering inputs (files and e-mails), the worker pool, the summary workbook."""
