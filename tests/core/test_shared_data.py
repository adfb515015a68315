"""Tests that read ../shared (the sample corpus) skip outside CI where it is missing, and fail in CI."""

import pytest

from tests.conftest import CORPUS, shared


@pytest.mark.parametrize("value", ["", "false", "0"])
def test_missing_shared_data_skips_outside_ci(tmp_path, monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.skip.Exception, match="sample data not found at"):
        shared(tmp_path / "absent")


@pytest.mark.parametrize("value", ["true", "TRUE", "1"])
def test_missing_shared_data_fails_in_ci(tmp_path, monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="CI must have it"):
        shared(tmp_path / "absent")


def test_present_shared_data_is_handed_back(tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert shared(tmp_path) == tmp_path
    assert CORPUS.name == "corpus" and CORPUS.parent.name == "shared"
