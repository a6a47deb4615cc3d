"""Helpers for the Zhejiang–Jiangsu comparison of Party-building reports in the "two new" sector."""

from .build import build, load_corpus
from .kwic import kwic

__all__ = ["build", "kwic", "load_corpus"]
