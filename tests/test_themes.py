"""Theme codebook, sentence coding on the real reports, bootstrap summary."""

import shutil

import numpy as np
import pandas as pd
import pytest
import regex
import yaml

from helpers import pipeline, theme_rates, themes
from helpers.codebook import REQUIRED_THEMES, Theme, load_codebook
from helpers.config import CODEBOOK, MANIFEST
from helpers.corpus import read_report
from helpers.errors import InputError
from helpers.manifest import read_manifest

ZJ, JS = "zhejiang_yongkang_2024", "jiangsu_suzhou_2023"


@pytest.fixture(scope="module")
def frames():
    corpus = pipeline.stack(read_report(r) for r in read_manifest(MANIFEST))
    corpus |= themes.coding_stage(corpus, {"themes": load_codebook(CODEBOOK)})
    return corpus | themes.theme_summary_stage(corpus, {"codebook": CODEBOOK})


@pytest.fixture(scope="module")
def codebook():
    return {t.id: t for t in load_codebook(CODEBOOK)}


def _sentence(frames, report, sid) -> str:
    s = frames["sentences"]
    return s[(s.report_id == report) & (s.sentence_id == sid)].text.item()


def _coded(frames, report, sid) -> dict[str, str]:
    st = frames["sentence_themes"]
    hits = st[(st.report_id == report) & (st.sentence_id == sid)]
    return dict(zip(hits.theme, hits.matched_terms, strict=True))


# --- codebook validation -------------------------------------------------------------------------------


def _write(tmp_path, themes_list) -> str:
    path = tmp_path / "themes.yml"
    path.write_text(yaml.safe_dump({"themes": themes_list}, allow_unicode=True), encoding="utf-8")
    return path


def _valid_entries() -> list[dict]:
    return yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))["themes"]


def _mutate(entries, theme_id, **changes):
    for e in entries:
        if e["id"] == theme_id:
            for k, v in changes.items():
                if v is None:
                    e.pop(k)
                else:
                    e[k] = v
    return entries


@pytest.mark.parametrize(
    ("change", "theme", "field"),
    [
        (lambda e: _mutate(e, "talent", include=[]), "talent", "include"),
        (lambda e: _mutate(e, "talent", include=["人才", "培(训"]), "talent", "include"),
        (lambda e: _mutate(e, "learning", exclude=["学习[领"]), "learning", "exclude"),
        (lambda e: _mutate(e, "service", definition=None), "service", "definition"),
        (lambda e: _mutate(e, "service", label_zh="  "), "service", "label_zh"),
        (lambda e: _mutate(e, "opening", includes=["开放"]), "opening", "includes"),
        (lambda e: _mutate(e, "opening", exclude="国外企业"), "opening", "exclude"),
        (lambda e: [*e, dict(e[0])], "integration", "id"),
        (lambda e: [{k: v for k, v in e[0].items() if k != "id"}, *e[1:]], "theme #1", "id"),
        (lambda e: [x for x in e if x["id"] != "digitization"], "digitization", "id"),
    ],
    ids=[
        "empty-include",
        "bad-regex",
        "bad-exclude-regex",
        "no-definition",
        "blank-label",
        "unknown-field",
        "exclude-not-list",
        "duplicate-id",
        "missing-id",
        "required-theme-missing",
    ],
)
def test_invalid_codebook_names_file_theme_and_field(tmp_path, change, theme, field):
    path = _write(tmp_path, change(_valid_entries()))
    with pytest.raises(InputError) as err:
        load_codebook(path)
    message = str(err.value)
    assert str(path) in message and theme in message and f"`{field}`" in message


def test_bad_yaml_is_one_input_error_with_the_line(tmp_path):
    path = tmp_path / "themes.yml"
    path.write_text("themes:\n  - id: talent\n    include: [人才\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"themes\.yml: is not valid YAML at line \d"):
        load_codebook(path)


def test_the_build_reads_the_codebook_from_options(tmp_path):
    edited = _mutate(_valid_entries(), "opening", include=["陶氏"])
    pipeline.init_worker({"codebook": _write(tmp_path, edited), "segmenter": "rjieba"})
    result = pipeline.stack(map(pipeline.process_report, read_manifest(MANIFEST)))
    opening = result["sentence_themes"].query("theme == 'opening'")
    assert set(opening.matched_terms) == {"陶氏"}
    bad = tmp_path / "bad" / "themes.yml"
    bad.parent.mkdir()
    shutil.copy(CODEBOOK, bad)
    bad.write_text(bad.read_text(encoding="utf-8").replace("      - 培养\n", "      - '培养('\n"))
    with pytest.raises(InputError, match="theme 'talent': field `include`"):
        pipeline.init_worker({"codebook": bad, "segmenter": "rjieba"})


# --- coding real sentences (expectations from reading the texts) ------------------------------------


def test_codebook_has_the_required_themes_and_more(codebook):
    assert set(REQUIRED_THEMES) <= set(codebook) and len(codebook) >= 6


@pytest.mark.parametrize(
    ("report", "sid", "present", "absent"),
    [
        # the 学习 of political study (深入学习领会) and the group's name (学习团) are not peer learning
        (ZJ, 8, {"talent"}, {"learning", "innovation"}),  # …让党的创新理论在基层落地生根 is not innovation
        (ZJ, 17, {"digitization"}, {"learning"}),
        # the study trip answered the question: learning, not talent cultivation
        (ZJ, 31, {"learning"}, {"talent"}),
        (ZJ, 29, {"learning"}, {"digitization"}),  # 凝聚智慧 is wisdom, not smart technology
        (ZJ, 14, {"learning", "digitization", "service"}, {"innovation"}),  # 理念创新
        (ZJ, 30, {"integration"}, set()),
        (JS, 13, {"organisation"}, {"integration"}),  # 三区融合: development zones merging
        (JS, 19, {"innovation", "organisation"}, {"opening", "digitization"}),  # 国外企业; 平台研发
        (JS, 10, {"integration"}, set()),
        (JS, 26, {"talent"}, {"digitization"}),  # 队伍培育平台 is not a digital platform
        (JS, 0, {"opening"}, set()),
    ],
)
def test_real_sentences_are_coded_as_read(frames, report, sid, present, absent):
    coded = _coded(frames, report, sid)
    assert present <= set(coded), (sid, coded)
    assert not absent & set(coded), (sid, coded)


def test_matched_terms_are_the_strings_in_the_sentence(frames):
    coded = _coded(frames, JS, 10)
    assert coded["integration"].split("|")[0].endswith("党建与企业发展")
    assert "同频共振" in coded["integration"].split("|")
    st = frames["sentence_themes"]
    for row in st.merge(frames["sentences"]).itertuples():
        assert all(term in row.text for term in row.matched_terms.split("|"))


def test_exclude_vetoes_only_the_overlapping_match(codebook):
    learning = codebook["learning"]
    text = "学习团参观了数字党建体验馆，学习数字党建方面的经验做法。"
    spans = learning.spans(text)
    assert (0, 2) not in spans  # 学习团
    assert (14, 16) in spans and learning.matched_terms(text) == ["参观", "学习"]
    assert learning.spans("深入学习领会讲话精神") == []


def test_a_pattern_matches_as_it_does_alone_whatever_the_other_patterns():
    # the theme screens a sentence with all its include patterns as one alternation; a backreference or a
    # global inline flag would change meaning there, so such patterns must be matched one by one
    def theme(*include):
        patterns = tuple(regex.compile(p, regex.IGNORECASE | regex.V0) for p in include)
        return Theme("t", "T", "题", "", patterns, (), ())

    assert theme("(数)字化", r"(建)\1").spans("党建建设") == [(1, 3)]  # \1: its own group, not 数
    assert theme("(工)作", r"人(才)\g<1>").spans("人才才") == [(0, 3)]


# Sentences whose neighbours would change a match if the joined matching were careless: a lookahead that
# would see the next sentence (党组织 | 书记…), a lookbehind that would see the previous one (…大 | 数据…),
# anchors, a class that crosses the line break, an empty sentence, a case-insensitive ASCII word, 数据 at an
# end.
JOINED_TEXTS = [
    "加强党组织", "书记带头数据显示", "共享数据", "大", "数据表明",
    "", "数字化转型", "化", "ai赋能，AI", "建设建设。",
]  # fmt: skip
JOINED = [  # what these patterns find cannot change when the sentences are joined
    (["党组织(?!书记)", "(?<!大)数据(显示|表明)"], []),  # lookarounds that cannot see the line break
    (["数字", "建设"], ["数字化"]),  # plain, with a veto
    (["(?<![A-Z])AI(?![A-Z])"], ["ai赋"]),  # case-insensitive lookarounds and veto
    ([r"(建)\1"], []),  # a backreference (not screened: every sentence is searched)
]
ALONE = [  # what these find could change, or did: the sentences are matched one by one
    (["^数", "化$"], []),  # anchors
    (["数据(?![^。])"], []),  # a lookahead that could see the line break (数据 at a sentence's end)
    (["[^。]{0,2}数据"], []),  # a match that crosses into the previous sentence
    (["数据"], ["显示[^。]*"]),  # a veto that crosses into the next sentence
    (["x*数字"], ["y*"]),  # an empty veto match
]


def _theme(include, exclude=()) -> Theme:
    compile_ = [regex.compile(p, regex.IGNORECASE | regex.V0) for p in (*include, *exclude)]
    return Theme("t", "T", "题", "", tuple(compile_[: len(include)]), tuple(compile_[len(include) :]), ())


@pytest.mark.parametrize(("include", "exclude"), JOINED + ALONE)
def test_spans_in_finds_in_each_text_what_spans_finds_alone(include, exclude):
    theme = _theme(include, exclude)
    assert theme.spans_in(JOINED_TEXTS) == [theme.spans(t) for t in JOINED_TEXTS]


def test_spans_in_matches_texts_one_by_one_only_when_joining_could_change_a_match(monkeypatch):
    alone = []
    monkeypatch.setattr(Theme, "spans", lambda self, text: alone.append(text) or [])
    for include, exclude in JOINED:
        _theme(include, exclude).spans_in(JOINED_TEXTS)
    assert alone == []
    for include, exclude in ALONE:
        alone.clear()
        _theme(include, exclude).spans_in(JOINED_TEXTS)
        assert alone == JOINED_TEXTS, include


def test_spans_in_gives_the_coding_of_the_reports_sentence_by_sentence(frames, codebook):
    texts = frames["sentences"].text.tolist()
    for theme in codebook.values():
        assert theme.spans_in(texts) == [theme.spans(t) for t in texts], theme.id


def test_highlight_marks_every_match_and_escapes_html(codebook):
    html = themes.highlight("党建与业务<深度>同频共振", codebook["integration"])
    assert html == "<mark>党建与业务</mark>&lt;深度&gt;<mark>同频共振</mark>"


# --- bootstrap summary -------------------------------------------------------------------------------


SUMMARY_COLUMNS = ["report_id", "region", *theme_rates.RATE_COLUMNS[1:2], *theme_rates.RATE_COLUMNS[3:]]


def test_summary_has_documented_columns_and_one_row_per_report_and_theme(frames, codebook):
    summary = frames["theme_summary"]
    assert list(summary.columns) == SUMMARY_COLUMNS
    assert len(summary) == len(frames["reports"]) * len(codebook)
    assert list(summary.report_id.unique()) == list(frames["reports"].report_id)
    assert summary.duplicated(["report_id", "theme"]).sum() == 0
    reports = frames["reports"].set_index("report_id")
    assert (summary.n_chars == summary.report_id.map(reports.n_chars)).all()
    assert (summary.n_sentences == summary.report_id.map(reports.n_sentences)).all()
    assert (summary.n_paragraphs == summary.report_id.map(reports.n_paragraphs)).all()
    assert set(summary.unit) <= {"paragraphs (block bootstrap)", "sentences"}


def test_intervals_contain_the_point_estimates(frames):
    for table in (frames["theme_summary"], frames["theme_rates"]):
        for stat in ("share", "hits_per_1k"):
            assert (
                (table[f"{stat}_lo"] <= table[stat] + 1e-9) & (table[stat] <= table[f"{stat}_hi"] + 1e-9)
            ).all()
        assert not table.isna().any().any()


def test_a_share_of_zero_gets_wilsons_interval(frames):
    s = frames["theme_summary"].set_index(["report_id", "theme"])
    row = s.loc[(JS, "digitization")]
    assert row.n_coded == 0 and row.method == "Wilson" and row.share_lo == 0
    # Wilson with 0 successes in n: upper = z² / (n + z²)
    z2 = 1.959963984540054**2
    assert row.share_hi == pytest.approx(z2 / (row.n_sentences + z2), abs=1e-6)


def test_bootstrap_is_deterministic_and_seeded(frames, codebook):
    args = (frames["reports"], frames["sentences"], frames["sentence_themes"], list(codebook))
    a = themes.summarize(*args, n_boot=2000)
    pd.testing.assert_frame_equal(a, themes.summarize(*args, n_boot=2000))
    b = themes.summarize(*args, n_boot=2000, seed=1)
    assert not a.share_lo.equals(b.share_lo) or not a.hits_per_1k_hi.equals(b.hits_per_1k_hi)
    first = themes.summarize(frames["reports"].iloc[:1], *args[1:], n_boot=2000)
    pd.testing.assert_frame_equal(first, a[a.report_id == ZJ].reset_index(drop=True))  # independent of others


def _synthetic(n: int, p: float, rng) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """One report of ``n`` one-sentence paragraphs of 50 characters, each coded with probability ``p``."""
    hit = rng.random(n) < p
    sentences = pd.DataFrame(
        {"report_id": "r", "sentence_id": range(n), "block_id": range(n), "text": ["字" * 50] * n}
    )
    coded = pd.DataFrame(
        {
            "report_id": "r",
            "sentence_id": np.flatnonzero(hit),
            "theme": "t",
            "matched_terms": "字",
            "n_hits": 1,
        }
    )
    return pd.DataFrame({"report_id": ["r"], "region": ["R"]}), sentences, coded


def test_bootstrap_interval_matches_the_normal_approximation_for_a_large_sample():
    reports, sentences, coded = _synthetic(2000, 0.3, np.random.default_rng(0))
    row = themes.summarize(reports, sentences, coded, ["t"], n_boot=4000).iloc[0]
    se = np.sqrt(row.share * (1 - row.share) / row.n_sentences)
    assert row.share_lo == pytest.approx(row.share - 1.96 * se, abs=0.004)
    assert row.share_hi == pytest.approx(row.share + 1.96 * se, abs=0.004)
    # every sentence has 50 characters and at most 1 hit, so hits per 1,000 characters = 20 × share
    assert row.hits_per_1k_lo == pytest.approx(20 * row.share_lo) and row.hits_per_1k == pytest.approx(
        20 * row.share
    )


def test_bootstrap_interval_covers_the_true_share_about_95_percent_of_the_time():
    rng = np.random.default_rng(7)
    covered = []
    for _ in range(200):
        reports, sentences, coded = _synthetic(60, 0.3, rng)
        row = themes.summarize(reports, sentences, coded, ["t"], n_boot=2000).iloc[0]
        covered.append(row.share_lo <= 0.3 <= row.share_hi)
    assert 0.88 <= np.mean(covered) <= 0.99


def test_positions_run_from_0_to_1_in_reading_order(frames):
    pos = themes.positions(frames["sentences"])
    for _, part in pos.groupby("report_id"):
        assert part.position.iloc[0] == 0 and part.end.iloc[-1] == pytest.approx(1)
        assert (part.position.diff().dropna() > 0).all()
        assert (part.position.iloc[1:].to_numpy() == part.end.iloc[:-1].to_numpy()).all()
