"""Reading the processed folder: only the tables and columns asked for, repeated text as categoricals that
change no result, and every notebook asking for what it reads rather than for every table."""

import ast

import nbformat
import pandas as pd
import pytest

from helpers import align, keyness, load_corpus, network, similarity, topics, validation
from helpers.config import NOTEBOOKS_DIR
from helpers.errors import InputError
from helpers.explore import Explorer
from helpers.groups import report_groups
from helpers.kwic import first_sentences, kwic_by_group
from helpers.outputs import current
from helpers.store import CATEGORICAL, table_files

TOKEN_COLUMNS = ["report_id", "sentence_id", "token", "is_stopword"]
CONTENT = {"tokens": [("is_stopword", "==", False)]}


def test_only_the_tables_and_columns_asked_for_are_read(processed_root):
    tables = load_corpus(processed_root, {"reports": None, "tokens": ["report_id", "token"]})
    assert list(tables) == ["reports", "tokens"]
    assert list(tables["tokens"].columns) == ["report_id", "token"]
    assert len(tables["reports"].columns) > 5  # None: every column
    assert list(load_corpus(processed_root, ["keyness"])) == ["keyness"]
    assert list(load_corpus(processed_root)) == [p.stem for p in table_files(current(processed_root))]
    with pytest.raises(InputError, match="no table 'nonsense' here"):
        load_corpus(processed_root, ["reports", "nonsense"])


def test_repeated_text_is_read_as_categoricals_with_the_same_values(processed_root):
    tables = load_corpus(processed_root)
    for name, columns in CATEGORICAL.items():
        path = next(p for p in table_files(current(processed_root)) if p.stem == name)
        as_text = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
        for column in columns:
            values = tables[name][column]
            assert isinstance(values.dtype, pd.CategoricalDtype), (name, column)
            assert list(values.cat.categories) == sorted(values.cat.categories)  # sorts as text does
            assert values.astype(str).tolist() == as_text[column].astype(str).tolist()


@pytest.fixture(scope="module")
def read_both_ways(processed_root) -> tuple[dict, dict]:
    """The seeds' tables as load_corpus reads them (categoricals) and with every categorical as text."""
    spec = {
        "reports": None,
        "tokens": TOKEN_COLUMNS,
        "sentences": None,
        "sentence_themes": None,
        "frequencies": None,
    }
    read = load_corpus(processed_root, spec)
    text = {name: f.astype({c: str for c in f.select_dtypes("category").columns}) for name, f in read.items()}
    return read, text


def _uncoded_terms(t: dict, groups: pd.Series) -> pd.DataFrame:
    return validation.uncoded_terms(
        validation.uncoded_sentences(t["sentences"], t["sentence_themes"]), t["tokens"]
    )


RESULTS = {  # everything the notebooks compute from the large tables
    "keyness": lambda t, g: keyness.keyness_table(t["tokens"], t["sentences"], g, include_zero=True),
    "group frequencies": lambda t, g: keyness.group_frequencies(t["frequencies"], g),
    "first sentences": lambda t, g: pd.concat(
        first_sentences(t["tokens"], ids) for ids in (g.index, g.index[::-1])
    ),
    "kwic by group": lambda t, g: kwic_by_group("党建", g, t["tokens"], window=6, rows=3),
    "report similarity": lambda t, g: similarity.report_similarity(t["frequencies"], g)[0],
    "group similarity": lambda t, g: similarity.similarity_matrix(t["frequencies"], g),
    "topic documents, sampled": lambda t, g: topics.topic_documents(
        t["tokens"], t["sentences"], g, max_docs=40
    ),
    "network": lambda t, g: network.cooccurrence_network(t["tokens"], n_terms=40, n_edges=30).edges,
    "uncoded terms": _uncoded_terms,
    "explorer lines": lambda t, g: Explorer(t).kwic_table(["党建", "发展", "企业"], 4),
    "explorer counts": lambda t, g: Explorer(t).term_by_report("党建"),
}


@pytest.mark.parametrize("name", RESULTS)
def test_categoricals_change_no_result(read_both_ways, name):
    read, text = read_both_ways
    groups = report_groups(text["reports"], "region")
    categorical, plain = RESULTS[name](read, groups), RESULTS[name](text, groups)
    assert len(plain) > 1
    as_text = {c: str for c in categorical.select_dtypes("category").columns}
    pd.testing.assert_frame_equal(categorical.astype(as_text), plain, check_dtype=False)


def test_a_filter_reads_only_the_rows_that_pass_it(processed_root):
    """The content filter gives the content rows of the whole table, in order, with the same categories;
    a CSV table cannot be filtered (a plain error, not a silently unfiltered table)."""
    tokens = load_corpus(processed_root, {"tokens": TOKEN_COLUMNS})["tokens"]
    content = load_corpus(processed_root, {"tokens": TOKEN_COLUMNS}, filters=CONTENT)["tokens"]
    expected = tokens[~tokens.is_stopword].reset_index(drop=True)
    assert 0 < len(content) < len(tokens)
    pd.testing.assert_frame_equal(content, expected)
    with pytest.raises(ValueError, match=r"keyness\.csv: rows are filtered in Parquet tables only"):
        load_corpus(processed_root, ["keyness"], filters={"keyness": [("g2", ">", 3.84)]})


CONTENT_RESULTS = ["keyness", "topic documents, sampled", "network", "uncoded terms", "alignment"]


@pytest.mark.parametrize("name", CONTENT_RESULTS)
def test_the_content_tokens_alone_give_every_content_result(read_both_ways, processed_root, name):
    """What counts content tokens only is the same from the tokens read with the content filter (as notebooks
    03, 04, 05 and 07 read them) as from the whole token table."""
    read, _ = read_both_ways
    content = read | load_corpus(processed_root, {"tokens": TOKEN_COLUMNS}, filters=CONTENT)
    pair = list(read["reports"].report_id[:2])
    results = RESULTS | {
        "alignment": lambda t, g: align.similarity(t | load_corpus(processed_root, ["blocks"]), *pair)
    }
    groups = report_groups(read["reports"], "region")
    whole, filtered = results[name](read, groups), results[name](content, groups)
    assert len(whole) > 1
    pd.testing.assert_frame_equal(filtered, whole)


def _load_corpus_spec(notebook) -> dict | None:
    """The ``tables`` argument of the notebook's ``load_corpus`` call that reads its tables."""
    nb = nbformat.read(notebook, as_version=4)
    source = next(c.source for c in nb.cells if "tables = load_corpus(" in c.source)
    call = next(
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "tables"
    )
    return next((ast.literal_eval(k.value) for k in call.keywords if k.arg == "tables"), None)


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem)
def test_every_notebook_names_the_tables_it_reads(notebook, processed_root):
    """No notebook reads the whole folder; the token table only as the four columns the analyses use.
    (That these are enough is shown by every notebook running to the end in the other tests.)"""
    spec = _load_corpus_spec(notebook)
    assert spec is not None
    assert set(spec) < {p.stem for p in table_files(current(processed_root))}
    assert spec.get("tokens", TOKEN_COLUMNS) == TOKEN_COLUMNS
