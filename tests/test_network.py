"""Co-occurrence network on a composed corpus whose structure is known in advance."""

from itertools import combinations

import networkx as nx
import pandas as pd
import pytest

from helpers.keyness import keyness_table
from helpers.network import cooccurrence_network, distinctive_groups, incidence, write_network
from helpers.segment import tokens_table

PARTY = ["党员", "支部", "书记", "组织"]
DIGITAL = ["数据", "平台", "直播", "电商"]


@pytest.fixture(scope="module")
def composed():
    """Two reports: every sentence lists three terms of ONE set, so the sets never share a sentence.
    Each set gives 4 combinations × 3 repeats = 12 sentences; each term is in 9 of them, each pair in 6."""
    rows = []
    for report, words in (("r1", PARTY), ("r2", DIGITAL)):
        for n, combo in enumerate(list(combinations(words, 3)) * 3):
            rows.append((report, n, n, 0, "，".join(combo) + "。"))
    sentences = pd.DataFrame(rows, columns=["report_id", "sentence_id", "block_id", "section", "text"])
    return sentences, tokens_table(sentences)


def test_two_term_sets_that_never_share_a_sentence_give_two_communities(composed):
    _, tokens = composed
    net = cooccurrence_network(tokens)
    communities = net.nodes.groupby("community")["term"].apply(frozenset)
    assert set(communities) == {frozenset(PARTY), frozenset(DIGITAL)}
    # 6 pairs inside each set, none across; Jaccard by hand: 6 / (9 + 9 − 6) = 0.5
    assert len(net.edges) == 12
    assert (net.edges["cooccurrences"] == 6).all() and (net.edges["jaccard"] == 0.5).all()
    assert (net.nodes["sentences"] == 9).all() and (net.nodes["degree"] == 3).all()


def test_only_the_strongest_edges_are_kept_and_the_output_is_deterministic(composed):
    _, tokens = composed
    net = cooccurrence_network(tokens, n_edges=5)
    assert net.edges["rank"].tolist() == [1, 2, 3, 4, 5]
    again = cooccurrence_network(tokens, n_edges=5)
    pd.testing.assert_frame_equal(net.nodes, again.nodes)
    pd.testing.assert_frame_equal(net.edges, again.edges)


def test_node_colour_is_the_group_a_term_is_distinctive_of_and_group_networks(composed):
    sentences, tokens = composed
    groups = pd.Series({"r1": "G1", "r2": "G2"})
    distinctive = distinctive_groups(keyness_table(tokens, sentences, groups))
    net = cooccurrence_network(tokens, distinctive)
    colour = dict(zip(net.nodes["term"], net.nodes["group"], strict=True))
    assert colour == {**dict.fromkeys(PARTY, "G1"), **dict.fromkeys(DIGITAL, "G2")}
    one = cooccurrence_network(tokens[tokens["report_id"] == "r2"], distinctive)
    assert set(one.nodes["term"]) == set(DIGITAL) and one.nodes["community"].nunique() == 1
    # one group only: nothing is distinctive, every node is drawn as "no group"
    single = distinctive_groups(keyness_table(tokens, sentences, pd.Series({"r1": "G", "r2": "G"})))
    assert single.empty
    assert (cooccurrence_network(tokens, single).nodes["group"] == "").all()


def test_graphml_and_csv_exports_round_trip(composed, tmp_path):
    _, tokens = composed
    net = cooccurrence_network(tokens)
    graphml, nodes_csv, edges_csv = write_network(net, tmp_path, "net")
    graph = nx.read_graphml(graphml)
    assert sorted(graph.nodes) == sorted(net.nodes["term"])
    assert graph.number_of_edges() == len(net.edges)
    assert {graph.nodes[t]["community"] for t in PARTY} == {1} or {
        graph.nodes[t]["community"] for t in PARTY
    } == {2}
    pd.testing.assert_frame_equal(pd.read_csv(edges_csv), net.edges, check_dtype=False)
    assert len(pd.read_csv(nodes_csv)) == 8


def test_incidence_counts_a_term_once_per_sentence_and_every_occurrence_apart():
    tokens = pd.DataFrame(
        {  # sentences in order of first appearance: (b, 0), (a, 0), (a, 1); 的 is a stopword
            "report_id": ["b", "b", "b", "a", "a", "a", "a"],
            "sentence_id": [0, 0, 0, 0, 0, 1, 1],
            "token": ["数据", "数据", "的", "党员", "数据", "的", "党员"],
            "is_stopword": [False, False, True, False, False, True, False],
        }
    )
    x, terms, occurrences = incidence(tokens)
    assert list(terms) == sorted(["党员", "数据"])
    assert x.toarray().tolist() == [[0, 1], [1, 1], [1, 0]]  # 数据 twice in (b, 0): one cell of 1
    assert occurrences.tolist() == [2, 3]
    x, terms, occurrences = incidence(tokens[tokens.is_stopword])
    assert x.shape == (0, 0) and len(terms) == 0 and len(occurrences) == 0
