"""Spreadsheets in and out: `.xlsx` and `.csv` import and export. The only home of openpyxl."""
