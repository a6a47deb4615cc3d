"""Tokenization throughput: the helpers pipeline vs raw ``jieba.lcut``, same text, same dictionary, same run.

The body text of every report is replicated 10×, 100× and 400×. "raw" is ``lcut`` of the project's
configured tokenizer (user dictionary loaded); "helpers" is ``segment.tokenize`` (the same cut plus POS tag
and content flag per token, what ``tokens.csv`` stores). Both are warmed first; each is timed ``repeat``
times and the best run counts. Target: helpers ≥ 0.8× raw, chars/s roughly constant (time linear in size).

    python benchmarks/tokenize_bench.py
"""

import gc
import time

from helpers import load_corpus, segment


def _best_seconds(fn, text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()  # both pipelines start from the same heap state
        start = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - start)
    return best


def run(factors=(10, 100, 400), repeat: int = 2) -> list[dict]:
    """One row per factor: ``factor, chars, jieba_chars_per_s, helpers_chars_per_s, ratio``."""
    base = "\n".join(load_corpus()["sentences"]["text"])
    raw = segment.tokenizer().lcut
    segment.tokenize(base)  # warm: dictionary, tag table and per-word cache
    raw(base)
    rows = []
    for factor in factors:
        text = base * factor
        jieba_s = _best_seconds(raw, text, repeat)
        helpers_s = _best_seconds(segment.tokenize, text, repeat)
        rows.append(
            {
                "factor": factor,
                "chars": len(text),
                "jieba_chars_per_s": len(text) / jieba_s,
                "helpers_chars_per_s": len(text) / helpers_s,
                "ratio": jieba_s / helpers_s,
            }
        )
    return rows


if __name__ == "__main__":
    print(f"{'factor':>6} {'chars':>10} {'jieba chars/s':>14} {'helpers chars/s':>16} {'ratio':>6}")
    for row in run():
        print(
            f"{row['factor']:>6} {row['chars']:>10,} {row['jieba_chars_per_s']:>14,.0f} "
            f"{row['helpers_chars_per_s']:>16,.0f} {row['ratio']:>6.2f}"
        )
