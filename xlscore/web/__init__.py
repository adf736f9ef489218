"""``xlscore serve``: a small server-rendered web application (Starlette), in Chinese, whose every
form is a plain multipart form that works without JavaScript: 部门自查 (one workbook checked and
its annotated copy downloaded), 财政局批量复核 (a batch run in the background on the CLI's batch
engine) and 登记簿 (the submitted self-checks, in SQLite under the data folder)."""
