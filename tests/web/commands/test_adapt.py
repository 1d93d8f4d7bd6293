"""policykg adapt and build --adapt: bad input is one line and a non-zero exit, and leaves the
served version and the models folder as they were."""

from __future__ import annotations

import pytest

from graph.home import current_version
from search.encoder import models_dir
from web.cli import main


def test_adapt_with_nothing_built_says_to_build(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICYKG_HOME", str(tmp_path / "empty"))
    assert main(["adapt", "-q"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "policykg build" in err


def test_adapt_refuses_a_non_positive_count(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["adapt", "--epochs", "0"])
    assert exit_.value.code == 2
    assert "at least 1" in capsys.readouterr().err


def test_a_corpus_too_small_to_train_on_is_refused_and_nothing_changes(mini_home, capsys):
    served = current_version()
    assert main(["adapt", "-q"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "training pairs" in err
    assert current_version() == served
    assert not [p for p in models_dir().iterdir() if p.is_dir()]
