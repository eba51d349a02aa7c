"""Spreadsheet adapter (DESIGN §4): column spec, reader, roster validation, writer.

Pure Python on top of python-calamine / XlsxWriter / openpyxl: no Flask, no database.
"""
