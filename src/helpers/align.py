"""Cross-report correspondence: which body paragraphs of one report resemble which of another.

Paragraphs are the ``body`` blocks of ``blocks.csv``. Each is a TF-IDF vector over the project's content
tokens (``segment.content_tokens``: jieba with the user dictionary, stopwords, punctuation and numbers
removed), fitted on the body paragraphs of all reports, with sublinear tf (1 + log tf), smoothed idf
ln((1 + n) / (1 + df)) + 1 and L2 normalisation (scikit-learn ``TfidfVectorizer``); similarity is the cosine
(the dot product of the normalised vectors). Words used in more than ``MAX_DF`` (30%) of all body paragraphs
(党建, 企业, 发展, 工作 …) are dropped: every paragraph of these reports uses them, so they say nothing about
which practice a paragraph describes, and with them the best matches follow the generic vocabulary. Words
rather than character n-grams for the same reason (bigram matches follow 发展, 党组织).

Build output (stage :func:`alignment_stage`), ``alignment.csv`` — one row per ordered pair of different
reports × paragraph of the first × paragraph of the second (both directions, so each report's paragraphs
are ranked against every other report):

- ``report_a``, ``block_a`` — the paragraph being matched.
- ``report_b``, ``block_b`` — a paragraph of another report.
- ``similarity`` — cosine similarity, 0–1.
- ``rank`` — 1 = the most similar paragraph of ``report_b`` for this ``block_a`` (ties by block order).
- ``counterpart`` — ``similarity >= THRESHOLD``.
- ``shared_terms`` — up to ``N_SHARED`` words that contribute most to the similarity (largest products of
  the two TF-IDF weights), ``|``-joined.

``THRESHOLD`` = 0.08 was set by reading the ranked best pairs: from about 0.08 up, the two paragraphs share
a specific practice vocabulary (融合 业务 深度 — integrating Party work with business; 党性 素质 能力 —
training; 理念 服务 示范 — service concepts; 战斗堡垒 创新); below, the best match shares one or two
loose words (党员 发挥, 建设, 生产). It is a reading aid, not a test: a Jiangsu paragraph whose best
Zhejiang match is below it has no evident counterpart in what the Yongkang delegation studied.
"""

from itertools import permutations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from .segment import content_tokens
from .style import FIG_WIDTH, NEUTRAL, REGION_COLORS

Frames = dict[str, pd.DataFrame]
THRESHOLD = 0.08
MAX_DF = 0.3
N_SHARED = 5
COLUMNS = [
    "report_a",
    "block_a",
    "report_b",
    "block_b",
    "similarity",
    "rank",
    "counterpart",
    "shared_terms",
]


def body_paragraphs(blocks: pd.DataFrame) -> pd.DataFrame:
    """The body blocks in report then reading order (report order as in ``blocks``)."""
    body = blocks[blocks.kind == "body"]
    order = {r: i for i, r in enumerate(blocks.report_id.unique())}
    return body.assign(_r=body.report_id.map(order)).sort_values(["_r", "block_id"]).drop(columns="_r")


def alignment_table(blocks: pd.DataFrame, threshold: float = THRESHOLD) -> pd.DataFrame:
    """Every cross-report paragraph pair with similarity, rank, counterpart flag and shared words."""
    paras = body_paragraphs(blocks).reset_index(drop=True)
    if paras.report_id.nunique() < 2:
        return pd.DataFrame(columns=COLUMNS)
    vectorizer = TfidfVectorizer(analyzer=content_tokens, sublinear_tf=True, max_df=MAX_DF)
    x = vectorizer.fit_transform(paras.text).toarray()
    vocab = vectorizer.get_feature_names_out()
    frames = []
    for a, b in permutations(paras.report_id.unique(), 2):
        ia, ib = np.flatnonzero(paras.report_id == a), np.flatnonzero(paras.report_id == b)
        sim = x[ia] @ x[ib].T
        rank = (-sim).argsort(axis=1, kind="stable").argsort(axis=1, kind="stable") + 1
        ii, jj = np.meshgrid(range(len(ia)), range(len(ib)), indexing="ij")
        frame = pd.DataFrame(
            {
                "report_a": a,
                "block_a": paras.block_id.to_numpy()[ia][ii.ravel()],
                "report_b": b,
                "block_b": paras.block_id.to_numpy()[ib][jj.ravel()],
                "similarity": sim.ravel().round(6),
                "rank": rank.ravel(),
            }
        )
        frame["counterpart"] = frame.similarity >= threshold
        frame["shared_terms"] = [
            _shared(x[ia[i]], x[ib[j]], vocab) for i, j in zip(ii.ravel(), jj.ravel(), strict=True)
        ]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)[COLUMNS]


def _shared(u: np.ndarray, v: np.ndarray, vocab: np.ndarray) -> str:
    weight = u * v
    top = [i for i in np.argsort(-weight, kind="stable")[:N_SHARED] if weight[i] > 0]
    return "|".join(vocab[top])


def similarity_matrix(alignment: pd.DataFrame, report_a: str, report_b: str) -> pd.DataFrame:
    """Paragraphs of ``report_a`` (rows) × ``report_b`` (columns), in reading order."""
    pair = alignment[(alignment.report_a == report_a) & (alignment.report_b == report_b)]
    return pair.pivot(index="block_a", columns="block_b", values="similarity").sort_index().sort_index(axis=1)


def best_pairs(alignment: pd.DataFrame, blocks: pd.DataFrame, report_a: str, report_b: str) -> pd.DataFrame:
    """For each paragraph of ``report_a`` its best match in ``report_b``, with both texts side by side."""
    best = alignment[
        (alignment.report_a == report_a) & (alignment.report_b == report_b) & (alignment["rank"] == 1)
    ]
    text = blocks.set_index(["report_id", "block_id"]).text
    return best.assign(
        text_a=[text[(report_a, i)] for i in best.block_a],
        text_b=[text[(report_b, i)] for i in best.block_b],
    ).sort_values("block_a")[
        ["block_a", "block_b", "similarity", "counterpart", "shared_terms", "text_a", "text_b"]
    ]


def alignment_stage(frames: Frames, options: dict) -> Frames:
    """Build stage: ``alignment.csv`` from ``blocks``."""
    return {"alignment": alignment_table(frames["blocks"])}


def paragraph_labels(blocks: pd.DataFrame, report_id: str, block_ids, n_chars: int = 8) -> list[str]:
    """``¶<block_id> <first characters>…`` labels for the axes of the heatmap."""
    text = blocks[blocks.report_id == report_id].set_index("block_id").text
    return [f"¶{i} {text[i][:n_chars]}…" for i in block_ids]


def plot_alignment(
    alignment: pd.DataFrame, blocks: pd.DataFrame, report_a: str, report_b: str, names: dict[str, str]
) -> plt.Figure:
    """Paragraph × paragraph cosine heatmap in reading order; dots mark each row's best match, a ring
    marks pairs at or above the counterpart threshold. ``names`` maps report_id → axis name (region)."""
    matrix = similarity_matrix(alignment, report_a, report_b)
    pair = alignment[(alignment.report_a == report_a) & (alignment.report_b == report_b)]
    col = {b: j for j, b in enumerate(matrix.columns)}
    row = {a: i for i, a in enumerate(matrix.index)}
    fig, ax = plt.subplots(figsize=(FIG_WIDTH * 1.25, 0.36 * len(matrix) + 3.2))
    image = ax.imshow(matrix.to_numpy(), cmap="Greys", vmin=0, aspect="auto")
    best = pair[pair["rank"] == 1]
    ax.scatter(
        best.block_b.map(col), best.block_a.map(row), s=14, color=NEUTRAL, label="best match of the row"
    )
    hits = pair[pair.counterpart.astype(str) == "True"]
    ax.scatter(
        hits.block_b.map(col),
        hits.block_a.map(row),
        s=120,
        facecolors="none",
        linewidths=1.6,
        edgecolors=REGION_COLORS.get(names.get(report_a), NEUTRAL),
        label="counterpart (≥ threshold)",
    )
    ax.set_yticks(range(len(matrix)), paragraph_labels(blocks, report_a, matrix.index))
    ax.set_xticks(
        range(matrix.shape[1]), paragraph_labels(blocks, report_b, matrix.columns), rotation=60, ha="right"
    )
    name_a, name_b = names.get(report_a, report_a), names.get(report_b, report_b)
    ax.set_ylabel(f"{name_a} body paragraphs (reading order)")
    ax.set_xlabel(f"{name_b} body paragraphs (reading order)")
    ax.set_title(f"Each {name_a} paragraph against every {name_b} paragraph")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.42), ncol=2, frameon=False)
    fig.colorbar(image, ax=ax, label="cosine similarity (TF-IDF, content words)", shrink=0.6)
    ax.spines[:].set_visible(False)
    fig.tight_layout()
    return fig
