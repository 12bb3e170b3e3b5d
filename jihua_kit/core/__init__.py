"""Shared helpers with no knowledge of the rules: errors, messages (i18n), YAML and JSON I/O,
paths, text formatting, masking of ID numbers, chart fonts, output files, the xlsx writer,
Chromium.
"""
