"""Helpers for comparing reports on Party-building in the "two new" sector, grouped by any column."""

from .build import build, build_info, input_file, load_corpus
from .kwic import kwic

__all__ = ["build", "build_info", "input_file", "kwic", "load_corpus"]
