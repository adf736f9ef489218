"""Finding the tables in a workbook: the fund, usage, budget and scoring tables, the header, the projects."""
