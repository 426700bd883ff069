"""Surface form: length, linguistic (offline textstat) and errors (Harper).

All fixture text below is invented for these tests.
"""

from __future__ import annotations

import socket

import pytest

from realsim_core.annotate import annotate_dialogues
from realsim_core.annotate.dimensions.errors import ErrorsAnnotator, count_errors
from realsim_core.annotate.dimensions.length import LengthAnnotator
from realsim_core.annotate.dimensions.linguistic import LinguisticAnnotator, fk_grade, mtld
from realsim_core.annotate.text import split_sentences
from realsim_core.schema import Dialogue, Message


def dialogue(*user: str, id: str = "d") -> Dialogue:
    messages = []
    for text in user:
        messages += [Message(role="user", content=text), Message(role="assistant", content="Okay.")]
    return Dialogue(id=id, source="test", messages=messages)


def test_length_counts_whitespace_tokens_and_empty_turns() -> None:
    d = dialogue("write me a poem  about\tcats", "", "shorter please")
    assert LengthAnnotator().annotate([d]) == [{"words": 8, "turns": 3}]


def test_linguistic_known_values_and_empty_text() -> None:
    simple = "The cat sat. The dog ran."
    hard = ("Notwithstanding considerable institutional heterogeneity, comprehensive epidemiological "
            "surveillance necessitates interdisciplinary collaboration.")
    assert fk_grade(simple) < 2 < 12 < fk_grade(hard)
    # Every token distinct: MTLD equals the token count (one partial factor of 1).
    assert mtld("alpha beta gamma delta") == pytest.approx(4.0)
    # Repetition lowers diversity.
    assert mtld("the cat the cat the cat the cat the cat the cat") < mtld(
        "one two three four five six seven eight nine ten eleven twelve")
    empty = dialogue("", "   ")
    assert LinguisticAnnotator().annotate([empty]) == [{"fk_grade": None, "mtld": None}]


def test_textstat_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    import nltk

    def no_download(*args: object, **kwargs: object) -> None:
        raise AssertionError("nltk.download was called")

    def no_socket(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(nltk, "download", no_download)
    monkeypatch.setattr(socket.socket, "connect", no_socket)
    monkeypatch.setenv("NLTK_DATA", "/nonexistent")
    # A word only the CMU dictionary knows the syllables of exactly; fresh text defeats textstat's caches.
    value = fk_grade("Wednesday's rhythm was unusually unpredictable for the orchestra.")
    assert value is not None and value > 5


def test_errors_counts_documented_kinds_only() -> None:
    assert count_errors("") == 0
    assert count_errors("This is a clean sentence.") == 0
    assert count_errors("this is an test of teh linter") >= 3  # capitalisation, article, typo
    # Code and URLs are skipped; double spaces (Formatting) and "ok" do not count.
    assert count_errors("Run `fooo_barr()` now.\n\n```\nimprt nmpy\n```\n") == 0
    assert count_errors("See https://exmaple.com/qwzx now.") == 0
    assert count_errors("That is  fine, ok.") == 0
    first, second = "this is an test", "i has a apple and teh dog is runing."
    assert count_errors(first) == 1 and count_errors(second) >= 4
    d1 = dialogue(first, "", second)
    d2 = dialogue("Nothing wrong here.")
    # Summed over the messages of each dialogue, whatever thread linted them.
    assert ErrorsAnnotator(workers=2).annotate([d1, d2, d1]) == [1 + count_errors(second), 0, 1 + count_errors(second)]


def test_sentence_splitting() -> None:
    assert split_sentences("") == []
    assert split_sentences("no punctuation at all") == ["no punctuation at all"]
    assert split_sentences("First line\nsecond line. Third one!") == ["First line", "second line.", "Third one!"]
    assert split_sentences("Dr. Lee paid $3.50 at https://shop.example.org/a?b=1 today.") == [
        "Dr. Lee paid $3.50 at https://shop.example.org/a?b=1 today."]
    assert split_sentences("---\n\n...\nok") == ["ok"]


@pytest.mark.slow
def test_real_corpus_length_means(real_data_dir) -> None:
    from realsim_core.store import Store

    dialogues = Store(real_data_dir).load_dialogues("real")
    assert len(dialogues) == 961
    result = annotate_dialogues(dialogues, dims="length", show_progress=False)
    values = result.values["length"]
    assert round(sum(v["words"] for v in values) / len(values), 1) == 151.0
    assert round(sum(v["turns"] for v in values) / len(values), 2) == 7.04
