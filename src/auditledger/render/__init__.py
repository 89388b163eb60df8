"""Rendering: text tables, JSON and CSV for the terminal and files. May import: model, queries."""
