"""A scale corpus whose vocabulary grows with its size, as a real corpus's does.

Copies of the same two texts flatter every scale figure (the vocabulary never grows), so every replica of a
seed report gets its own sample of *new* terms: after every ``EVERY``-th full stop of its text a short
sentence of ``TERMS_PER_SENTENCE`` words is inserted, the words drawn from a Zipf distribution (exponent
``ZIPF_A``) over a synthetic vocabulary of two- and three-character words made of CJK characters. Frequent
new terms recur across replicas, rare ones are unique to one: the number of distinct terms grows with the
number of reports (Heaps' law), the token count linearly. Deterministic (fixed seed).
"""

from pathlib import Path

import numpy as np

from helpers.config import MANIFEST
from helpers.manifest import COLUMNS, read_manifest

ZIPF_A = 1.3
VOCABULARY = 500_000
EVERY = 3
TERMS_PER_SENTENCE = 4
SEED = 17
# Characters rare in the seeds, so the synthetic words are new words (jieba's HMM keeps unknown runs whole
# or splits them: either way they are terms the seeds do not have).
ALPHABET = "璇瑾琦珂瑶璐婧嫣妍霏翎翊珩琰瑜璟玥珈瑗璞琮琬琛瑄瑨璠钰铎铠锦镕镛鑫淼焱垚犇骉麟麒麓鹭鸾鹂"


def synthetic_word(i: int) -> str:
    """The ``i``-th word of the synthetic vocabulary (distinct for distinct ``i``)."""
    n = len(ALPHABET)
    chars = [ALPHABET[i % n], ALPHABET[(i // n) % n]]
    if i >= n * n:
        chars.append(ALPHABET[(i // (n * n)) % n])
    return "".join(chars)


def with_new_terms(text: str, rng: np.random.Generator) -> str:
    """``text`` with a sentence of Zipf-drawn synthetic words after every ``EVERY``-th 。."""
    parts = text.split("。")
    out = []
    for i, part in enumerate(parts[:-1]):
        out.append(part + "。")
        if i % EVERY == EVERY - 1:
            ranks = np.minimum(rng.zipf(ZIPF_A, TERMS_PER_SENTENCE), VOCABULARY) - 1
            out.append("".join(synthetic_word(int(r)) for r in ranks) + "。")
    return "".join(out) + parts[-1]


def write(folder: Path, copies: int) -> Path:
    """A manifest in ``folder`` listing every seed report ``copies`` times, each copy its own file with its
    own new terms; returns the manifest's path."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    rows = [",".join(COLUMNS)]
    for i in range(copies):
        for report in read_manifest(MANIFEST):
            report_id = f"{report.report_id}_{i:05d}"
            text = report.path.read_text(encoding="utf-8")
            (folder / f"{report_id}.txt").write_text(with_new_terms(text, rng), encoding="utf-8")
            fields = {**report.__dict__, "report_id": report_id, "file": f"{report_id}.txt"}
            rows.append(",".join(str(fields[c]) for c in COLUMNS))
    path = folder / "manifest.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path
