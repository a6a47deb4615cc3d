"""Helpers for the Zhejiang–Jiangsu comparison of Party-building reports in the "two new" sector."""

from .build import build, load_corpus

__all__ = ["build", "load_corpus"]
