"""Tokenization throughput: the helpers pipeline vs raw ``jieba.lcut``, same text, same dictionary, same run.

The body text of every report is replicated 10×, 100× and 400×. "raw" is ``lcut`` of the project's
configured pure-Python jieba tokenizer (user dictionary loaded) — the floor stays pure jieba whatever engine
the project uses; "helpers" is ``segment.tokenize`` with each engine (the cut plus POS tag and content flag
per token, what ``tokens.csv`` stores), checked to give the same tokens as raw. Everything is warmed first;
each is timed ``repeat`` times and the best run counts, on one core. Target: ≥ 10× with jieba-rs.

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


def run(factors=(10, 100, 400), repeat: int = 2, engines=segment.ENGINES) -> list[dict]:
    """One row per engine and factor: ``engine, factor, chars, jieba_chars_per_s, helpers_chars_per_s,
    ratio`` (raw jieba time ÷ helpers time: > 1 means the pipeline is faster than bare jieba)."""
    base = "\n".join(load_corpus()["sentences"]["text"])
    raw = segment.tokenizer().lcut
    raw(base)
    expected = [w for w in raw(base) if not w.isspace()]
    rows = []
    for engine in engines:
        segment.use(engine)
        got = [w for w, _, _ in segment.tokenize(base)]  # warm: dictionary, tag table and per-word cache
        assert got == expected, f"{engine} does not give jieba's tokens"
        for factor in factors:
            text = base * factor
            jieba_s = _best_seconds(raw, text, repeat)
            helpers_s = _best_seconds(segment.tokenize, text, repeat)
            rows.append(
                {
                    "engine": engine,
                    "factor": factor,
                    "chars": len(text),
                    "jieba_chars_per_s": len(text) / jieba_s,
                    "helpers_chars_per_s": len(text) / helpers_s,
                    "ratio": jieba_s / helpers_s,
                }
            )
    segment.use(segment.DEFAULT_ENGINE)
    return rows


if __name__ == "__main__":
    header = ("engine", "factor", "chars", "jieba chars/s", "helpers chars/s", "ratio")
    print(" ".join(f"{h:>{w}}" for h, w in zip(header, (6, 6, 10, 14, 16, 6), strict=True)))
    for row in run():
        print(
            f"{row['engine']:>6} {row['factor']:>6} {row['chars']:>10,} {row['jieba_chars_per_s']:>14,.0f} "
            f"{row['helpers_chars_per_s']:>16,.0f} {row['ratio']:>6.2f}"
        )
