"""Turn budget tables in PDFs into clean CSV."""

__version__ = "0.1.0"
