"""User lexicons: the query language, matching offsets, and both file formats."""

from pathlib import Path

import pytest

from unspin.errors import InputError
from unspin.userlex import (
    And,
    LexiconError,
    Not,
    Or,
    Phrase,
    QuerySyntaxError,
    load_lexicon,
    match_entries,
    parse_query,
)

PPS_FILE = Path(__file__).parent / "data" / "pps_lexicon.csv"


def P(*words: str, slop: int = 0) -> Phrase:
    return Phrase(tuple(words), slop)


def found(query: str, text: str) -> list[str]:
    return [text[s:e] for s, e in parse_query(query).matches(text)]


# ----------------------------------------------------------------- parsing


@pytest.mark.parametrize("query, tree", [
    ('"profound learning"', P("profound", "learning")),
    ("profound", P("profound")),
    ('"Deep Learning"~3', P("deep", "learning", slop=3)),
    ("a b", And((P("a"), P("b")))),                       # implicit AND
    ("a AND b AND c", And((P("a"), P("b"), P("c")))),
    ("a OR b AND NOT c", Or((P("a"), And((P("b"), Not(P("c"))))))),
    ("NOT c AND a OR b", Or((And((Not(P("c")), P("a"))), P("b")))),
    ("(a OR b) c", And((Or((P("a"), P("b"))), P("c")))),
    ("a NOT b", And((P("a"), Not(P("b"))))),              # NOT after a term means AND NOT
    ("a and b", And((P("a"), P("and"), P("b")))),         # lower case is a word, not an operator
    ('((("x")))', P("x")),
    ('"a" OR ("b" AND NOT ("c" OR "d"))',
     Or((P("a"), And((P("b"), Not(Or((P("c"), P("d"))))))))),
])
def test_parse_tree(query, tree):
    assert parse_query(query) == tree


@pytest.mark.parametrize("query, message", [
    ("", "empty query"),
    ("   ", "empty query"),
    ('"profound learning', "unbalanced quote"),
    ('"a" "b', "unbalanced quote"),
    ('("a" OR "b"', "unbalanced parenthesis"),
    ('"a" OR "b")', "unbalanced parenthesis"),
    ('"a" ()', "empty parentheses"),
    ('"a" OR', "dangling operator OR"),
    ('AND "a"', "dangling operator AND"),
    ('"a" AND OR "b"', "dangling operator AND"),
    ('("a" NOT)', "dangling operator NOT"),
    ('"a b"~', "needs a whole number"),
    ("word~2", "must follow a quoted phrase"),
    ('"42"', "no words"),
    ('NOT "a"', "only NOT"),
])
def test_malformed_queries(query, message):
    with pytest.raises(QuerySyntaxError, match=message):
        parse_query(query)


def test_query_errors_are_input_errors():
    with pytest.raises(InputError):
        parse_query("(")


# ----------------------------------------------------------------- matching


def test_phrase_is_ordered_adjacent_and_ignores_case_and_punctuation():
    assert found('"profound learning"', "Profound, learning!") == ["Profound, learning"]
    assert found('"profound learning"', "PROFOUND\nLEARNING") == ["PROFOUND\nLEARNING"]
    assert found('"profound learning"', "learning profound") == []
    assert found('"profound learning"', "profound machine learning") == []
    assert found('"profound learning"', "profoundlearning") == []


def test_phrase_matches_whole_words_only():
    assert found("learn", "learning") == []
    assert found('"man-made consciousness"', "man-made consciousness") == [
        "man-made consciousness"]


def test_typographic_apostrophe_matches_ascii():
    assert found("\"don't\"", "we don’t") == ["don’t"]


def test_repeated_matches_do_not_overlap():
    assert found('"a a"', "a a a a a") == ["a a", "a a"]


def test_and_needs_every_part():
    assert found('"flag to commotion" AND proportion',
                 "flag to commotion proportion") == ["flag to commotion", "proportion"]
    assert found('"flag to commotion" AND proportion', "flag to commotion") == []
    assert found('"flag to commotion" proportion', "proportion only") == []


def test_or_needs_any_part_and_shows_only_true_parts():
    q = '"counterfeit consciousness" OR "man-made consciousness"'
    assert found(q, "Man-made consciousness rules.") == ["Man-made consciousness"]
    assert found(q, "counterfeit consciousness and man-made consciousness") == [
        "counterfeit consciousness", "man-made consciousness"]
    assert found(q, "artificial intelligence") == []


def test_not_anywhere_suppresses_the_entry():
    q = '"bosom peril" NOT "breast cancer"'
    assert found(q, "The bosom peril is rising.") == ["bosom peril"]
    far = "The bosom peril is rising. " + "Filler words here. " * 50 + "Breast cancer, that is."
    assert found(q, far) == []


def test_nested_query():
    q = ('("kidney disappointment" OR "renal disappointment") '
         'AND NOT ("kidney failure" OR "renal failure")')
    assert found(q, "renal disappointment was seen") == ["renal disappointment"]
    assert found(q, "renal disappointment, i.e. kidney failure") == []
    assert found(q, "renal disappointment, i.e. renal failure") == []
    assert found(q, "kidney failure alone") == []


def test_proximity_within_window_any_order():
    q = '"irregular woodland"~2'
    assert found(q, "irregular woodland") == ["irregular woodland"]
    assert found(q, "irregular dense green woodland") == ["irregular dense green woodland"]
    assert found(q, "woodland, quite irregular") == ["woodland, quite irregular"]


def test_proximity_outside_window():
    assert found('"irregular woodland"~2', "irregular and very dense woodland") == []
    assert found('"irregular woodland"~1', "woodland so very irregular") == []


def test_proximity_counts_intervening_words_in_total():
    # Three phrase words, two other words in the window: ~2 fits, ~1 does not.
    text = "flag x to y commotion"
    assert found('"flag to commotion"~2', text) == [text]
    assert found('"flag to commotion"~1', text) == []


def test_proximity_zero_is_the_plain_phrase():
    assert parse_query('"a b"~0') == parse_query('"a b"')
    assert found('"a b"~0', "b a") == []


def test_proximity_needs_a_token_per_repeated_word():
    assert found('"very very"~1', "very good") == []
    assert found('"very very"~1', "very good very") == ["very good very"]


def test_offsets_after_emoji_and_combining_marks():
    text = "👩‍🔬 café 😀 We used Profound learning."
    spans = parse_query('"profound learning"').matches(text)
    assert spans == [(text.index("Profound"), text.index("."))]
    assert text[spans[0][0]:spans[0][1]] == "Profound learning"


# ----------------------------------------------------------------- lexicon files


def test_pps_file_loads_every_entry():
    entries = load_lexicon(PPS_FILE)
    assert [e.original for e in entries] == [
        "deep learning", "artificial intelligence", "breast cancer", "random forest",
        "kidney failure", "signal to noise ratio"]
    assert entries[0].phrase == "profound learning"
    assert entries[0].source == f"{PPS_FILE}:3"        # line 1 is a comment, 2 the header
    # No tortured-phrase cell: the fingerprint is the label.
    assert entries[-1].phrase == '"flag to commotion" proportion'
    assert entries[3].query == P("irregular", "woodland", slop=2)


def test_match_entries_with_pps_file():
    text = ("😀 Profound learning beats irregular, sparse woodland models; the bosom peril "
            "(not breast cancer) and renal disappointment remain.")
    matches = match_entries(text, load_lexicon(PPS_FILE))
    assert [(m.text, m.original) for m in matches] == [
        ("Profound learning", "deep learning"),
        ("irregular, sparse woodland", "random forest"),
        ("renal disappointment", "kidney failure"),
    ]
    for m in matches:
        assert text[m.start:m.end] == m.text
    assert matches[0].source.endswith("pps_lexicon.csv:3")


def test_plain_csv_with_header_comments_and_blank_lines(tmp_path):
    path = tmp_path / "lex.csv"
    path.write_text("# my list\ntortured,original\n\nProfound Learning,deep learning\n"
                    "  # indented comment\nbosom peril,\n", encoding="utf-8")
    entries = load_lexicon(path)
    assert [(e.phrase, e.original, e.source) for e in entries] == [
        ("profound learning", "deep learning", f"{path}:4"),
        ("bosom peril", "", f"{path}:6")]
    assert entries[0].query == P("profound", "learning")


def test_plain_csv_without_header(tmp_path):
    path = tmp_path / "lex.csv"
    path.write_text("counterfeit consciousness,artificial intelligence\n", encoding="utf-8")
    [entry] = load_lexicon(path)
    assert (entry.phrase, entry.original, entry.source) == (
        "counterfeit consciousness", "artificial intelligence", f"{path}:1")


def test_plain_phrase_with_quotes_or_operators_is_taken_literally(tmp_path):
    path = tmp_path / "lex.csv"
    path.write_text('"colossal ""information""",big data\nflag OR noise,signal\n',
                    encoding="utf-8")
    entries = load_lexicon(path)
    assert [e.query for e in entries] == [P("colossal", "information"), P("flag", "or", "noise")]
    assert match_entries("flag or noise", entries)[0].original == "signal"


def test_tab_separated_plain_list(tmp_path):
    path = tmp_path / "lex.tsv"
    path.write_text("tortured\toriginal\nprofound learning\tdeep learning\n", encoding="utf-8")
    assert [e.original for e in load_lexicon(path)] == ["deep learning"]


def test_malformed_lines_are_all_reported_with_line_numbers(tmp_path):
    path = tmp_path / "lex.csv"
    path.write_text(
        "fingerprint,expected\n"                     # 1
        '"""profound learning""",deep learning\n'    # 2 fine
        '"(""a"" OR ""b""",x\n'                      # 3 unbalanced parenthesis
        '"""a"" AND",x\n'                            # 4 dangling operator
        ",x\n"                                       # 5 empty query
        '"""a""",x,y\n'                              # 6 too many columns
        '"""unclosed",x\n', encoding="utf-8")        # 7 unbalanced quote
    with pytest.raises(LexiconError) as err:
        load_lexicon(path)
    message = str(err.value)
    assert [line for line, _ in err.value.problems] == [3, 4, 5, 6, 7]
    assert message.splitlines()[0] == f"{path}: 5 malformed lines (3, 4, 5, 6, 7)"
    assert (f"{path}:3: unbalanced parenthesis in fingerprint "
            "'(\"a\" OR \"b\"'") in message
    assert f"{path}:4: dangling operator AND" in message
    assert f"{path}:5: empty query" in message
    assert f"{path}:6: expected at most 2 columns, found 3" in message
    assert f"{path}:7: unbalanced quote" in message
    assert isinstance(err.value, InputError)


def test_plain_file_errors(tmp_path):
    path = tmp_path / "lex.csv"
    path.write_text("a,b\nc,d,e\n42,x\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_lexicon(path)
    assert f"{path}:2: expected at most 2 columns, found 3" in str(err.value)
    assert f"{path}:3: tortured phrase '42' has no words" in str(err.value)


@pytest.mark.parametrize("text, message", [
    ('ok,fine\n"profound learning,deep learning\nbosom peril,breast cancer\n',
     r"lex\.csv:2: quoted cell runs over lines 2-3"),
    # On the last line a loose reader took it as a cell running to the end of the file.
    ('profound learning,deep learning\n"bosom peril,breast cancer\n',
     r"lex\.csv:2: quoted cell is never closed"),
])
def test_unclosed_csv_quote_is_reported_at_its_line(tmp_path, text, message):
    path = tmp_path / "lex.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError, match=message):
        load_lexicon(path)


def test_single_error_is_one_line(tmp_path):
    path = tmp_path / "lex.csv"
    path.write_text('query,correct\n"""a"" OR",x\n', encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        load_lexicon(path)
    assert str(err.value) == f"{path}:2: dangling operator OR in fingerprint '\"a\" OR'"


def test_unreadable_files(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        load_lexicon(tmp_path / "missing.csv")
    bad = tmp_path / "latin.csv"
    bad.write_bytes("caf\xe9,x\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        load_lexicon(bad)


def test_text_after_a_closing_quote_is_reported_and_the_rest_still_checked(tmp_path):
    path = tmp_path / "lex.csv"
    path.write_text('fingerprint,expected\n'
                    '"profound learning" AND "model",deep learning\n'   # 2: not CSV-quoted
                    '"""a"" AND",x\n'                                  # 3: dangling operator
                    '"""bosom peril""",breast cancer\n', encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        load_lexicon(path)
    assert [line for line, _ in err.value.problems] == [2, 3]
    assert f"{path}:2: malformed CSV" in str(err.value)
    assert "each quote inside doubled" in str(err.value)
