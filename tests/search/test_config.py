"""Search settings read from search.json: the adapt section's types, and one clear line for a bad value."""

import json
import shutil
from pathlib import Path

import pytest

from ingest.lexicon import DEFAULT_DIR
from search.adapt_settings import AdaptSettings, PairKind, PairSettings
from search.config import load_config, parse_config
from web.cli import main


def _shipped() -> dict:
    return json.loads((DEFAULT_DIR / "search.json").read_text(encoding="utf-8"))


def _with_adapt(**changes) -> dict:
    data = _shipped()
    data["adapt"] = {**data["adapt"], **changes}
    return data


def test_the_shipped_adapt_section_gives_typed_settings():
    adapt = load_config().adapt
    assert isinstance(adapt, AdaptSettings) and isinstance(adapt.pairs, PairSettings)
    assert adapt.pairs.kinds == tuple(PairKind)
    assert isinstance(adapt.learning_rate, float) and 0 < adapt.learning_rate < 1
    assert adapt.epochs >= 1 and adapt.batch_size >= 2 and adapt.pairs.max_pairs >= 2 * adapt.batch_size


def test_the_adapt_section_is_read_as_written():
    data = _with_adapt(epochs=3, learning_rate=1e-4, max_steps=40)
    data["adapt"]["pairs"] = {**data["adapt"]["pairs"], "kinds": ["neighbours"], "max_pairs": 200}
    adapt = parse_config(data).adapt
    assert (adapt.epochs, adapt.learning_rate, adapt.max_steps) == (3, 1e-4, 40)
    assert adapt.pairs.kinds == (PairKind.NEIGHBOURS,) and adapt.pairs.max_pairs == 200


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"epochs": 0}, "adapt.epochs must be an integer >= 1, not 0"),
        ({"epochs": 1.5}, "adapt.epochs must be an integer >= 1, not 1.5"),
        ({"batch_size": "32"}, "adapt.batch_size must be an integer >= 2, not '32'"),
        ({"learning_rate": 0}, "adapt.learning_rate must be a number > 0 and < 1, not 0"),
        ({"warmup": 1.0}, "adapt.warmup must be a number >= 0 and < 1, not 1.0"),
        ({"max_steps": True}, "adapt.max_steps must be an integer >= 0, not True"),
        ({"epoch": 2}, "adapt has unknown settings: epoch"),
        ({"pairs": [1]}, "adapt.pairs must be an object"),
    ],
)
def test_a_bad_adapt_value_is_one_line_naming_it(changes, message):
    with pytest.raises(ValueError, match="search.json") as error:
        parse_config(_with_adapt(**changes))
    assert message in str(error.value) and "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ({"kinds": ["heading_body", "titles"]}, "adapt.pairs.kinds must be a list of heading_body, title_sentence"),
        ({"kinds": []}, "adapt.pairs.kinds must name each kind at most once, and at least one"),
        ({"kinds": ["neighbours", "neighbours"]}, "adapt.pairs.kinds must name each kind at most once"),
        ({"max_chars": 4, "min_chars": 8}, "adapt.pairs.max_chars must be at least min_chars (8)"),
        ({"max_pairs": 1}, "adapt.pairs.max_pairs must be an integer >= 2, not 1"),
    ],
)
def test_a_bad_pair_setting_is_one_line_naming_it(pairs, message):
    data = _shipped()
    data["adapt"]["pairs"] = {**data["adapt"]["pairs"], **pairs}
    with pytest.raises(ValueError) as error:
        parse_config(data)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_a_missing_adapt_section_or_setting_is_named():
    data = _shipped()
    del data["adapt"]["seed"]
    with pytest.raises(ValueError, match="search.json adapt lacks seed"):
        parse_config(data)
    with pytest.raises(ValueError, match="search.json lacks the adapt section"):
        parse_config({"stop_words": []})


def test_policykg_adapt_with_a_bad_setting_fails_in_one_line(tmp_path, monkeypatch, capsys):
    lexicon = tmp_path / "lexicon"
    shutil.copytree(DEFAULT_DIR, lexicon)
    (lexicon / "search.json").write_text(json.dumps(_with_adapt(batch_size=0)), encoding="utf-8")
    monkeypatch.setenv("POLICYKG_LEXICON", str(lexicon))
    monkeypatch.setenv("POLICYKG_HOME", str(tmp_path / "home"))
    assert main(["adapt", "--quiet"]) != 0
    err = capsys.readouterr().err.strip()
    assert "adapt.batch_size must be an integer >= 2, not 0" in err and "\n" not in err
    assert not Path(tmp_path / "home" / "models").exists()
