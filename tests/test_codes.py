"""Integer codes for counting: expected values worked out by hand."""

import numpy as np
import pandas as pd

from helpers.codes import SentenceRows, runs, sentence_code, sorted_codes


def test_sorted_codes_number_the_distinct_values_in_sorted_order():
    codes, values = sorted_codes(pd.Series(["党建", "数字化", "党建", "人才"]))
    assert list(values) == ["人才", "党建", "数字化"]  # code-point order: 人 U+4EBA < 党 U+515A < 数 U+6570
    assert codes.tolist() == [1, 2, 1, 0]


def test_a_sentence_code_puts_the_report_in_the_high_half():
    code = sentence_code(np.array([0, 1, 1]), pd.Series([7, 0, 2**32 - 1]))
    assert code.tolist() == [7, 2**32, 2**33 - 1]
    assert code.dtype == np.int64


def test_runs_are_the_distinct_values_of_a_sorted_array_and_their_lengths():
    values, lengths = runs(np.array([3, 3, 5, 8, 8, 8]))
    assert values.tolist() == [3, 5, 8] and lengths.tolist() == [2, 1, 3]
    values, lengths = runs(np.array([], dtype=np.int64))
    assert len(values) == 0 and len(lengths) == 0


def test_sentence_rows_find_each_key_in_the_keyed_table():
    keyed = pd.DataFrame({"report_id": ["b", "a", "b"], "sentence_id": [0, 3, 2]})
    rows = SentenceRows(keyed)
    found = rows.of(pd.Series(["a", "b", "b", "c", "a"]), np.array([3, 2, 0, 0, 0]))
    assert found.tolist() == [1, 2, 0, -1, -1]  # c: no such report; (a, 0): no such sentence
    other_categories = pd.Categorical(["b", "a"], categories=["z", "a", "b"])  # as a filtered read gives them
    assert rows.of(other_categories, pd.Series([0, 3])).tolist() == [0, 1]
    assert rows.of(pd.Series(["b", None]), np.array([2, 2])).tolist() == [2, -1]  # no report: no row
    assert rows.of(pd.Series([], dtype=str), np.array([], np.int64)).tolist() == []
