"""Topics whose prevalence depends on a group: Dirichlet-multinomial regression (DMR) with ``tomotopy``.

DMR (Mimno & McCallum 2008) is LDA whose document–topic prior depends on document variables — the role the
structural topic model (stm) plays in R: α_{d,k} = exp(λ_k · x_d), x_d the one-hot group of document d.
Implementation: ``tomotopy.DMRModel`` (Gibbs sampling, one worker and ``ParallelScheme.NONE`` so a seed gives
byte-identical output), group as the document's ``metadata``.

Unit: a document is one body sentence (its content tokens, terms occurring at least ``min_count`` times in the
corpus; sentences left with fewer than ``MIN_WORDS`` terms are not modelled). Corpora with more than
``MAX_DOCS`` such sentences are represented by a simple random sample of ``MAX_DOCS`` of them (seeded, kept in
corpus order): the model, the choice of k and the prevalences are estimated on that sample.

- **Choice of k** (:func:`choose_k`): for each k of a small grid a model is fitted on the documents outside a
  held-out ``HELDOUT_SHARE`` (seeded), then scored by (1) semantic coherence, UMass (Mimno et al. 2011: mean
  over topics of Σ log((D(w_i, w_j) + 1) / D(w_j)) over the top ``TOP_N`` terms, computed on the training
  documents by ``tomotopy.coherence``; higher is better; stm's ``searchK`` reports the same) and (2) held-out
  log-likelihood per word (``DMRModel.infer`` with the topics fixed; higher is better). The chosen k has the
  smallest sum of its two ranks; ties go to the smaller k. The final model is refitted on all documents.
- **Top terms** (:func:`topic_terms`): by probability β_kv, and by FREX (Bischof & Airoldi 2012; stm's
  ``calcfrex``): the weighted harmonic mean of the within-topic ECDF ranks of exclusivity β_kv / Σ_j β_jv and
  of frequency β_kv, weight ``FREX_WEIGHT`` = 0.5 on exclusivity.
- **Prevalence per group** (:func:`prevalence`): the mean of the documents' topic proportions θ_dk in the
  group, with a 95% percentile bootstrap interval resampling the unit :mod:`helpers.inference` uses for
  theme shares: reports when the group has at least two (cluster bootstrap), else the report's paragraphs
  (block bootstrap) — sentences of one report or paragraph are not independent. Also the DMR prior mean
  for the group, exp(λ_kg) / Σ_j exp(λ_jg).
- **Topics and themes** (:func:`theme_coverage`): per topic and codebook theme, the θ-weighted share of the
  topic's sentences coded with the theme; a topic is *covered* when the θ-weighted share of its sentences
  coded with any theme reaches ``COVER_MIN`` (a reading aid: an uncovered topic is a recurring subject the
  codebook has no theme for).
"""

import zlib
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
import tomotopy as tp
from scipy import stats

from .config import SEED
from .inference import PARAGRAPHS, REPORTS, percentile_interval, ratio_replicates
from .keyness import content_rows
from .manifest import MISSING
from .parallel import default_jobs, in_processes

K_GRID = (3, 4, 5, 6, 8)
MIN_COUNT = 3
MIN_WORDS = 2
MAX_DOCS = 20_000
HELDOUT_SHARE = 0.1
ITERATIONS = 500
INFER_ITERATIONS = 100
TOP_N = 10
FREX_WEIGHT = 0.5
PARALLEL_FROM = 5_000_000  # term occurrences × iterations from which the k grid repays starting processes
N_BOOT = 2_000
COVER_MIN = 0.5


def topic_documents(
    tokens: pd.DataFrame,
    sentences: pd.DataFrame,
    groups: pd.Series,
    min_count: int = MIN_COUNT,
    max_docs: int = MAX_DOCS,
    seed: int = SEED,
) -> pd.DataFrame:
    """One row per modelled sentence: ``report_id``, ``sentence_id``, ``group``, ``block_id`` (its
    paragraph), ``words`` (tuple of terms).

    ``tokens``, ``sentences``: rows of ``tokens.parquet`` and ``sentences.parquet``; ``groups``: the group of
    each report (a report without one is in ``MISSING``). See the module docstring for the vocabulary,
    ``MIN_WORDS`` and the ``max_docs`` sample.
    """
    ct = content_rows(tokens)
    term = pd.factorize(ct["token"])[0]
    ct = ct[np.bincount(term, minlength=1)[term] >= min_count]
    reports = pd.Index(pd.unique(tokens["report_id"])).astype(str)  # corpus order
    report = reports.get_indexer(ct["report_id"]).astype(np.int64)
    key = report << 32 | ct["sentence_id"].to_numpy(np.int64)  # sorted = corpus order
    keys, n_words = np.unique(key, return_counts=True)
    docs = pd.DataFrame({"key": keys[n_words >= MIN_WORDS]})
    if len(docs) > max_docs:
        docs = docs.sample(n=max_docs, random_state=seed).sort_values("key")
    doc = pd.Index(docs["key"]).get_indexer(key)  # only now the words, of the documents kept
    words = ct.loc[doc >= 0, "token"].astype(str).groupby(doc[doc >= 0], sort=True).agg(tuple)
    key = docs["key"].to_numpy()
    docs = pd.DataFrame(
        {
            "report_id": reports[key >> 32],
            "sentence_id": key & 0xFFFFFFFF,
            "group": reports[key >> 32].map(groups).astype(object).fillna(MISSING).astype(str),
            "words": words.to_numpy() if len(words) else [],
        }
    )
    block = sentences[["report_id", "sentence_id", "block_id"]].astype({"report_id": str})
    docs = docs.merge(block, how="left")
    return docs[["report_id", "sentence_id", "group", "block_id", "words"]]


def fit_dmr(docs: pd.DataFrame, k: int, seed: int = SEED, iterations: int = ITERATIONS) -> tp.DMRModel:
    """A DMR model of ``docs`` (:func:`topic_documents`) with ``k`` topics, trained single-threaded."""
    model = tp.DMRModel(k=k, seed=seed)
    for words, group in zip(docs["words"], docs["group"], strict=True):
        model.add_doc(list(words), metadata=group)
    model.train(iterations, workers=1, parallel=tp.ParallelScheme.NONE, show_progress=False)
    return model


def _heldout(docs: pd.DataFrame, share: float, seed: int) -> np.ndarray:
    """A seeded boolean mask marking about ``share`` of the documents as held out (at least one)."""
    u = np.random.default_rng([seed, zlib.crc32(b"heldout")]).random(len(docs))
    n = max(1, round(share * len(docs)))
    mask = np.zeros(len(docs), dtype=bool)
    mask[np.argsort(u, kind="stable")[:n]] = True
    return mask


def choose_k(
    docs: pd.DataFrame,
    k_grid=K_GRID,
    seed: int = SEED,
    iterations: int = ITERATIONS,
    heldout_share: float = HELDOUT_SHARE,
    jobs: int | None = None,
) -> pd.DataFrame:
    """One row per k: ``k``, ``coherence`` (UMass, mean over topics), ``heldout_ll`` (per word),
    ``rank_coherence``, ``rank_heldout`` (1 = best), ``chosen`` (True for one row). Rule in the module
    docstring. The grid's models are fitted side by side in ``jobs`` processes (default:
    :func:`helpers.parallel.default_jobs`) when the documents' term occurrences × ``iterations`` reach
    ``PARALLEL_FROM`` (below, starting the processes costs more than the fits: on the seeds 1.6 s in one
    process, 6–8 s in two), each fit seeded and single-threaded, so the table is the same whatever ``jobs``
    is. Raises ValueError when there are fewer than 2 documents to hold out from."""
    if len(docs) < 2:
        raise ValueError("a topic model needs at least 2 sentences with enough terms")
    held = _heldout(docs, heldout_share, seed)
    score = partial(
        _score_k, docs.loc[~held, ["words", "group"]], docs.loc[held, ["words", "group"]], seed, iterations
    )
    grid = sorted(set(k_grid), reverse=True)  # the largest k, the longest fit, starts first
    large = docs["words"].map(len).sum() * iterations >= PARALLEL_FROM
    rows = in_processes(score, grid, (default_jobs() if jobs is None else jobs) if large else 1)
    table = pd.DataFrame(rows[::-1])
    table["rank_coherence"] = table["coherence"].rank(ascending=False, method="min").astype(int)
    table["rank_heldout"] = table["heldout_ll"].rank(ascending=False, method="min").astype(int)
    best = (table["rank_coherence"] + table["rank_heldout"]).to_numpy()
    table["chosen"] = np.arange(len(table)) == int(np.argmin(best))  # first minimum = smallest k
    return table.round(6)


def _score_k(train: pd.DataFrame, test: pd.DataFrame, seed: int, iterations: int, k: int) -> dict:
    """One row of :func:`choose_k`: a model of ``train`` with ``k`` topics, scored on itself and ``test``."""
    model = fit_dmr(train, k, seed, iterations)
    coherence = tp.coherence.Coherence(model, coherence="u_mass", top_n=TOP_N).get_score()
    held = [model.make_doc(list(w), metadata=g) for w, g in zip(test["words"], test["group"], strict=True)]
    _, ll = model.infer(held, iterations=INFER_ITERATIONS, workers=1, parallel=tp.ParallelScheme.NONE)
    n_words = sum(len(d.words) for d in held)
    return {"k": k, "coherence": coherence, "heldout_ll": float(np.sum(ll)) / max(n_words, 1)}


@dataclass(frozen=True)
class Topics:
    """A fitted model with its documents: ``theta`` (documents × topics, rows sum to 1) and ``beta``
    (topics × vocabulary), ``vocabulary``, ``lambdas`` (topics × groups, columns ``groups``)."""

    docs: pd.DataFrame
    theta: np.ndarray
    beta: np.ndarray
    vocabulary: list[str]
    lambdas: np.ndarray
    groups: list[str]


def fit_topics(docs: pd.DataFrame, k: int, seed: int = SEED, iterations: int = ITERATIONS) -> Topics:
    """Fit the final model on every document and collect what the tables below need."""
    model = fit_dmr(docs, k, seed, iterations)
    theta = np.array([d.get_topic_dist() for d in model.docs])
    beta = np.array([model.get_topic_word_dist(t) for t in range(k)])
    lambdas = np.asarray(model.lambdas).reshape(k, -1)
    return Topics(docs, theta, beta, list(model.used_vocabs), lambdas, list(model.metadata_dict))


def frex(beta: np.ndarray, weight: float = FREX_WEIGHT) -> np.ndarray:
    """FREX scores (topics × vocabulary), Bischof & Airoldi (2012) as in stm's ``calcfrex``:
    1 / (w / ECDF(exclusivity) + (1 − w) / ECDF(β)), ECDFs taken within each topic over the vocabulary."""
    exclusivity = beta / beta.sum(axis=0, keepdims=True)
    n = beta.shape[1]
    ecdf_ex = stats.rankdata(exclusivity, axis=1, method="max") / n
    ecdf_fr = stats.rankdata(beta, axis=1, method="max") / n
    return 1 / (weight / ecdf_ex + (1 - weight) / ecdf_fr)


def topic_terms(topics: Topics, n: int = TOP_N, weight: float = FREX_WEIGHT) -> pd.DataFrame:
    """Per topic the ``n`` top terms by probability and by FREX: ``topic`` (1..), ``label`` (``T<k>`` and its
    top 3 FREX terms), ``rank``, ``prob_term``, ``prob``, ``frex_term``, ``frex``. Ties by term."""
    vocab = np.array(topics.vocabulary)
    scores = frex(topics.beta, weight)
    parts = []
    for t in range(topics.beta.shape[0]):
        by_prob = np.lexsort((vocab, -topics.beta[t]))[:n]
        by_frex = np.lexsort((vocab, -scores[t]))[:n]
        label = f"T{t + 1} " + "·".join(vocab[by_frex[:3]])
        part = {"topic": t + 1, "label": label, "rank": np.arange(1, len(by_prob) + 1)}
        part |= {"prob_term": vocab[by_prob], "prob": topics.beta[t, by_prob]}
        part |= {"frex_term": vocab[by_frex], "frex": scores[t, by_frex]}
        parts.append(pd.DataFrame(part))
    return pd.concat(parts, ignore_index=True).round(6)


def labels(terms: pd.DataFrame) -> pd.Series:
    """The label of each topic (index ``topic``)."""
    return terms.drop_duplicates("topic").set_index("topic")["label"]


def prevalence(topics: Topics, n_boot: int = N_BOOT, seed: int = SEED) -> pd.DataFrame:
    """One row per topic × group: ``topic``, ``group``, ``prevalence`` (mean θ), ``lo``, ``hi`` (95%
    bootstrap), ``unit`` (what was resampled: ``inference.REPORTS`` or ``inference.PARAGRAPHS``),
    ``n_units``, ``n_docs``, ``prior`` (the DMR prior mean). Groups in order of first appearance, topics
    1..k."""
    docs, theta = topics.docs, topics.theta
    k = theta.shape[1]
    prior = np.exp(topics.lambdas)
    prior = pd.DataFrame(prior / prior.sum(axis=0, keepdims=True), columns=topics.groups)
    parts = []
    for group, rows in docs.groupby("group", sort=False).indices.items():
        part = docs.iloc[rows]
        by_report = part["report_id"].nunique() >= 2
        keys = pd.factorize(part["report_id"] if by_report else part["block_id"])[0]
        n_units = int(keys.max()) + 1
        sums = np.zeros((n_units, k))
        np.add.at(sums, keys, theta[rows])
        sizes = np.bincount(keys, minlength=n_units).astype(float)
        lo, hi = percentile_interval(ratio_replicates(sums, sizes, f"topics:{group}", n_boot, seed))
        out = pd.DataFrame(
            {"topic": np.arange(1, k + 1), "group": group, "prevalence": sums.sum(0) / sizes.sum()}
        )
        out = out.assign(lo=lo, hi=hi, unit=REPORTS if by_report else PARAGRAPHS, n_units=n_units)
        parts.append(out.assign(n_docs=len(rows), prior=prior[group].to_numpy()))
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["topic"], kind="stable").reset_index(drop=True).round(6)


def representative(topics: Topics, sentences: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """Per topic the ``n`` sentences with the largest θ_dk: ``topic``, ``rank``, ``report_id``,
    ``sentence_id``, ``group``, ``theta``, ``text`` (ties in corpus order)."""
    docs = topics.docs.merge(sentences[["report_id", "sentence_id", "text"]], how="left", validate="1:1")
    parts = []
    for t in range(topics.theta.shape[1]):
        best = np.argsort(-topics.theta[:, t], kind="stable")[:n]
        part = docs.iloc[best][["report_id", "sentence_id", "group", "text"]]
        parts.append(part.assign(topic=t + 1, rank=np.arange(1, len(best) + 1), theta=topics.theta[best, t]))
    out = pd.concat(parts, ignore_index=True)
    cols = ["topic", "rank", "report_id", "sentence_id", "group", "theta", "text"]
    return out[cols].round(6)


def theme_coverage(
    topics: Topics, sentence_themes: pd.DataFrame, theme_ids: list[str], cover_min: float = COVER_MIN
) -> pd.DataFrame:
    """Topics × themes: one row per topic — ``topic``, one column per theme (θ-weighted share of the topic's
    sentences coded with it), ``any_theme``, ``best_theme`` (largest share, "" if none), ``covered``."""
    keys = topics.docs[["report_id", "sentence_id"]]
    coded = sentence_themes.assign(hit=1).pivot_table(
        index=["report_id", "sentence_id"], columns="theme", values="hit", aggfunc="max", fill_value=0
    )
    x = keys.merge(coded.reindex(columns=theme_ids, fill_value=0).reset_index(), how="left").fillna(0)
    x = x[theme_ids].to_numpy(float)
    weight = topics.theta / topics.theta.sum(axis=0, keepdims=True)  # docs × topics, columns sum to 1
    shares = weight.T @ x
    any_theme = weight.T @ (x.max(axis=1) if x.size else np.zeros(len(keys)))
    out = pd.DataFrame(shares, columns=theme_ids)
    out.insert(0, "topic", np.arange(1, len(out) + 1))
    out["any_theme"] = any_theme
    best = np.argmax(shares, axis=1) if theme_ids else np.zeros(len(out), dtype=int)
    has = shares.max(axis=1) > 0 if theme_ids else np.zeros(len(out), dtype=bool)
    out["best_theme"] = np.where(has, np.array(theme_ids or [""])[best], "")
    out["covered"] = out["any_theme"] >= cover_min
    return out.round(6)
