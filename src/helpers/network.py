"""Co-occurrence network of terms within sentences (KH Coder's co-occurrence network).

Nodes: the ``N_TERMS`` content terms found in the most sentences, among those occurring at least ``MIN_COUNT``
times (ties by term). Edges: the association of two terms is their Jaccard coefficient over sentences,
J(a, b) = |S_a ∩ S_b| / |S_a ∪ S_b| with S_a the sentences containing a (KH Coder's default measure; Higuchi
2016, *KH Coder 3 Reference Manual*, §3.3.8); only the ``N_EDGES`` strongest edges are drawn (KH Coder's
default "top 60"; ties broken by co-occurrence count, then the terms), and terms left without an edge are
dropped. Communities: Clauset–Newman–Moore greedy modularity maximisation
(``networkx.community.greedy_modularity_communities``, Jaccard as edge weight; deterministic for a graph
built in a fixed order), numbered 1.. by size, then by their first term.

Each node is coloured by the group for which the term is most distinctive (:func:`distinctive_groups`: the
keyness table's ``distinctive`` rule, then the largest log-odds z), or no group ("") when it is distinctive
of none. Counts come from the
tokens of body sentences; the sentence × term incidence is a sparse matrix, and only the kept terms are
paired, so memory grows with the number of sentences, not with its square.
"""

from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse

from .codes import runs, sentence_code, sorted_codes
from .io import write_atomic, write_csv

N_TERMS = 120
N_EDGES = 60
MIN_COUNT = 3

NODE_COLUMNS = ["term", "frequency", "sentences", "degree", "community", "group", "z"]
EDGE_COLUMNS = ["source", "target", "cooccurrences", "jaccard", "rank"]


@dataclass(frozen=True)
class Network:
    """``nodes``: ``term``, ``frequency`` (occurrences in the sentences used), ``sentences`` (sentences
    containing it), ``degree`` (edges kept), ``community`` (1..), ``group`` (most distinctive group or ""),
    ``z`` (its log-odds z). ``edges``: ``source``, ``target`` (source < target), ``cooccurrences``
    (sentences with both), ``jaccard``, ``rank`` (1 = strongest)."""

    nodes: pd.DataFrame
    edges: pd.DataFrame


def distinctive_groups(keyness: pd.DataFrame) -> pd.DataFrame:
    """Per term, the group it is most distinctive of: ``term``, ``group``, ``z``.

    ``keyness``: a :func:`keyness.keyness_table` (``keyness.csv``); among the groups for which the term is
    ``distinctive`` (over-used, BH q ≤ 0.05, in enough paragraphs) the one with the largest ``log_odds_z``.
    Terms distinctive of no group are absent (drawn as "no group").
    """
    rows = keyness[keyness["distinctive"].astype(bool)]
    rows = rows.sort_values(["term", "log_odds_z", "group"], ascending=[True, False, True])
    best = rows.drop_duplicates("term")
    return pd.DataFrame(
        {"term": best["term"].astype(str), "group": best["group"].astype(str), "z": best["log_odds_z"]}
    ).reset_index(drop=True)


def incidence(tokens: pd.DataFrame) -> tuple[sparse.csr_array, pd.Index, np.ndarray]:
    """Sentences × terms 0/1 sparse matrix of content tokens, the terms (sorted) and term occurrences.

    Sentences are numbered in order of first appearance. Built from integer codes of the content rows
    only — one sorted array of (sentence, term) cells gives the matrix's rows, columns and the counts, so
    neither a copy of the token table nor a COO matrix is made."""
    content = np.flatnonzero(~tokens["is_stopword"].astype(bool).to_numpy())
    report = pd.Categorical(tokens["report_id"]).codes[content]
    sentence = pd.factorize(sentence_code(report, tokens["sentence_id"].to_numpy()[content]))[0]
    del report
    term, terms = sorted_codes(tokens["token"].iloc[content])
    occurrences = np.bincount(term, minlength=len(terms))
    n_sentences = int(sentence.max()) + 1 if len(content) else 0
    sentence *= len(terms)  # in place: each token's cell, sentence × terms + term
    sentence += term
    del term
    sentence.sort()  # in place, then the distinct cells: a term counts once per sentence
    cell = runs(sentence)[0]
    del sentence
    indptr = np.searchsorted(cell, np.arange(n_sentences + 1) * len(terms))
    counts = sparse.csr_array(
        (np.ones(len(cell), np.int32), (cell % len(terms)).astype(np.int32), indptr),
        shape=(n_sentences, len(terms)),
    )
    return counts, pd.Index(terms), occurrences


def cooccurrence_network(
    tokens: pd.DataFrame,
    distinctive: pd.DataFrame | None = None,
    n_terms: int = N_TERMS,
    n_edges: int = N_EDGES,
    min_count: int = MIN_COUNT,
) -> Network:
    """The network of ``tokens`` (``tokens.parquet`` rows, e.g. of one group's reports only).

    ``distinctive``: :func:`distinctive_groups` output for node colours (None: no group). See the module
    docstring for the rules; an empty :class:`Network` when no pair of kept terms shares a sentence.
    """
    x, terms, occurrences = incidence(tokens)
    df = np.asarray(x.sum(axis=0)).ravel()
    cand = pd.DataFrame({"term": terms, "frequency": occurrences, "sentences": df})
    cand = cand[cand["frequency"] >= min_count]
    cand = cand.sort_values(["sentences", "term"], ascending=[False, True]).head(n_terms)
    sub = x[:, cand.index.to_numpy()]
    co = (sub.T @ sub).toarray()
    i, j = np.triu_indices(len(cand), k=1)
    both = co[i, j]
    keep = both > 0
    i, j, both = i[keep], j[keep], both[keep]
    s = cand["sentences"].to_numpy()
    names = cand["term"].to_numpy()
    a, b = np.minimum(names[i], names[j]), np.maximum(names[i], names[j])
    edges = pd.DataFrame(
        {"source": a, "target": b, "cooccurrences": both, "jaccard": both / (s[i] + s[j] - both)}
    )
    edges = edges.sort_values(
        ["jaccard", "cooccurrences", "source", "target"], ascending=[False, False, True, True]
    )
    edges = edges.head(n_edges).reset_index(drop=True)
    edges["rank"] = np.arange(1, len(edges) + 1)
    used = sorted(set(edges["source"]) | set(edges["target"]))
    nodes = cand.set_index("term").loc[used].reset_index()
    graph = nx.Graph()
    graph.add_nodes_from(used)
    graph.add_weighted_edges_from(edges[["source", "target", "jaccard"]].itertuples(index=False))
    nodes["degree"] = [graph.degree(t) for t in used]
    nodes["community"] = nodes["term"].map(_communities(graph))
    if distinctive is None:
        distinctive = pd.DataFrame({"term": pd.Series(dtype=str), "group": "", "z": 0.0})
    colours = nodes[["term"]].merge(distinctive[["term", "group", "z"]], how="left")
    nodes["group"] = colours["group"].astype(object).fillna("").astype(str).to_numpy()
    nodes["z"] = colours["z"].astype(float).fillna(0.0).to_numpy()
    nodes = nodes.sort_values(["community", "frequency", "term"], ascending=[True, False, True])
    return Network(nodes[NODE_COLUMNS].reset_index(drop=True), edges[EDGE_COLUMNS])


def _communities(graph: nx.Graph) -> dict[str, int]:
    if graph.number_of_edges() == 0:
        return {}
    found = nx.community.greedy_modularity_communities(graph, weight="weight")
    ordered = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
    return {term: n for n, members in enumerate(ordered, 1) for term in members}


def to_graph(network: Network) -> nx.Graph:
    """A ``networkx`` graph with every node and edge column as an attribute (Jaccard also as ``weight``)."""
    graph = nx.Graph()
    for row in network.nodes.to_dict("records"):
        graph.add_node(row["term"], **{k: v for k, v in row.items() if k != "term"})
    for row in network.edges.to_dict("records"):
        graph.add_edge(row.pop("source"), row.pop("target"), weight=row["jaccard"], **row)
    return graph


def write_network(network: Network, folder: Path, name: str) -> list[Path]:
    """Write ``<name>.graphml`` (for Gephi), ``<name>_nodes.csv`` and ``<name>_edges.csv`` atomically."""
    folder = Path(folder)
    graph = to_graph(network)
    return [
        write_atomic(folder / f"{name}.graphml", lambda tmp: nx.write_graphml(graph, tmp)),
        write_csv(network.nodes, folder / f"{name}_nodes.csv"),
        write_csv(network.edges, folder / f"{name}_edges.csv"),
    ]
