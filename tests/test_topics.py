"""Topic model with group covariates: recovery of known topics from a synthetic corpus, determinism."""

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment

import helpers.topics as topic_model
from helpers.inference import REPORTS
from helpers.topics import (
    choose_k,
    fit_topics,
    frex,
    prevalence,
    representative,
    theme_coverage,
    topic_documents,
    topic_terms,
)

K, WORDS, SHARED = 3, 12, 6
# Mean topic proportions per group: topic 1 is A's, topic 3 is B's, topic 2 is common to both.
MEANS = {"A": [0.6, 0.25, 0.15], "B": [0.15, 0.25, 0.6]}


def truth() -> tuple[list[str], np.ndarray]:
    """Vocabulary and topics × vocabulary probabilities: 90% of each topic's mass on its own 12 words
    (Zipf weights 1/i, so its top 10 are words 1..10), 10% spread over 6 words shared by all topics."""
    vocab = [f"t{k}w{i:02d}" for k in range(K) for i in range(WORDS)] + [f"bg{i}" for i in range(SHARED)]
    beta = np.zeros((K, len(vocab)))
    zipf = 1 / np.arange(1, WORDS + 1)
    for k in range(K):
        beta[k, k * WORDS : (k + 1) * WORDS] = 0.9 * zipf / zipf.sum()
        beta[k, K * WORDS :] = 0.1 / SHARED
    return vocab, beta


@pytest.fixture(scope="module")
def synthetic():
    """4 reports per group, 50 sentences each of 15 words drawn from θ_d ~ Dirichlet(3 · group mean)."""
    vocab, beta = truth()
    rng = np.random.default_rng(7)
    rows, groups = [], {}
    for group, mean in MEANS.items():
        for r in range(4):
            report = f"{group}{r}"
            groups[report] = group
            for s in range(50):
                theta = rng.dirichlet(3 * np.array(mean))
                z = rng.choice(K, size=15, p=theta)
                words = [vocab[rng.choice(len(vocab), p=beta[t])] for t in z]
                rows += [(report, s, w) for w in words]
    tokens = pd.DataFrame(rows, columns=["report_id", "sentence_id", "token"]).assign(is_stopword=False)
    sentences = tokens[["report_id", "sentence_id"]].drop_duplicates()
    sentences = sentences.assign(block_id=sentences["sentence_id"] // 5, text="")  # paragraphs of 5 sentences
    return tokens, sentences, pd.Series(groups)


def _match(topics_terms: pd.DataFrame, truth_top: list[set]) -> dict[int, tuple[int, float]]:
    """True topic → (estimated topic, overlap of top-10 terms), one-to-one (Hungarian assignment)."""
    found = [set(g["prob_term"]) for _, g in topics_terms.groupby("topic")]
    overlap = np.array([[len(t & f) / len(t) for f in found] for t in truth_top])
    rows, cols = linear_sum_assignment(-overlap)
    return {int(r): (int(c) + 1, overlap[r, c]) for r, c in zip(rows, cols, strict=True)}


def test_known_topics_and_the_sign_of_their_group_difference_are_recovered(synthetic):
    tokens, sentences, groups = synthetic
    vocab, beta = truth()
    docs = topic_documents(tokens, sentences, groups)
    topics = fit_topics(docs, K)
    terms = topic_terms(topics)
    truth_top = [{vocab[i] for i in np.argsort(-beta[k])[:10]} for k in range(K)]
    match = _match(terms, truth_top)
    assert all(overlap >= 0.8 for _, overlap in match.values()), match
    prev = prevalence(topics).set_index(["topic", "group"])["prevalence"]
    first, last = match[0][0], match[2][0]
    assert prev[(first, "A")] > prev[(first, "B")]
    assert prev[(last, "B")] > prev[(last, "A")]
    table = prevalence(topics)
    assert (table["unit"] == REPORTS).all() and (table["n_units"] == 4).all()
    assert ((table["lo"] <= table["prevalence"]) & (table["prevalence"] <= table["hi"])).all()


def test_a_small_grid_is_fitted_in_this_process(synthetic, monkeypatch):
    tokens, sentences, groups = synthetic
    docs = topic_documents(tokens, sentences, groups)
    used = []
    monkeypatch.setattr(
        topic_model, "in_processes", lambda f, items, jobs: used.append(jobs) or list(map(f, items))
    )
    choose_k(docs, k_grid=(2, 3), iterations=20, jobs=2)
    monkeypatch.setattr(topic_model, "PARALLEL_FROM", 1)
    choose_k(docs, k_grid=(2, 3), iterations=20, jobs=2)
    assert used == [1, 2]


def test_the_same_seed_gives_identical_output_and_choose_k_marks_one(synthetic, monkeypatch):
    tokens, sentences, groups = synthetic
    docs = topic_documents(tokens, sentences, groups)
    a, b = fit_topics(docs, K, seed=11), fit_topics(docs, K, seed=11)
    assert a.theta.tobytes() == b.theta.tobytes()
    assert topic_terms(a).to_csv() == topic_terms(b).to_csv()
    assert prevalence(a).to_csv() == prevalence(b).to_csv()
    monkeypatch.setattr(
        topic_model, "PARALLEL_FROM", 0
    )  # a corpus this small would be fitted in this process
    grid = choose_k(docs, k_grid=(4, 2, 3), iterations=200, jobs=1)
    assert grid.equals(choose_k(docs, k_grid=(2, 3, 4), iterations=200, jobs=2))  # fitted in two processes
    assert grid["chosen"].sum() == 1 and list(grid["k"]) == [2, 3, 4]


def test_frex_ranks_exclusive_terms_first():
    # term 0 frequent in both topics, term 1 exclusive to topic 0 but rarer, term 2 rare everywhere
    beta = np.array([[0.5, 0.4, 0.1], [0.8, 0.1, 0.1]])
    scores = frex(beta)
    assert scores[0, 1] > scores[0, 0]  # exclusivity wins at equal weight for the exclusive term
    assert scores[1, 0] == scores[1].max()


def test_representative_sentences_and_theme_coverage(synthetic):
    tokens, sentences, groups = synthetic
    docs = topic_documents(tokens, sentences, groups)
    topics = fit_topics(docs, K, iterations=200)
    sentences = docs[["report_id", "sentence_id"]].assign(
        text=lambda d: d.report_id + ":" + d.sentence_id.astype(str)
    )
    best = representative(topics, sentences, n=2)
    assert len(best) == 2 * K and (best.groupby("topic")["theta"].is_monotonic_decreasing).all()
    # a theme coding every sentence of group A: the topic most prevalent in A is the one it covers most
    coded = docs.loc[docs.group == "A", ["report_id", "sentence_id"]].assign(theme="a_theme")
    coverage = theme_coverage(topics, coded, ["a_theme", "unused"])
    prev = prevalence(topics).pivot(index="topic", columns="group", values="prevalence")
    assert coverage["a_theme"].idxmax() + 1 == (prev["A"] - prev["B"]).idxmax()
    assert (coverage["unused"] == 0).all() and set(coverage["best_theme"]) <= {"a_theme"}
