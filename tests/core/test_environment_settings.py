"""Settings come from the environment, secrets also from files; bad values say what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from kapcare.core.env import ConfigurationError, env_bool, env_int, env_list, env_str


def test_a_secret_can_be_read_from_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "key"
    secret.write_text("s3cret-from-file\n")
    monkeypatch.setenv("KAPCARE_TEST_SECRET_FILE", str(secret))
    monkeypatch.setenv("KAPCARE_TEST_SECRET", "from-env")
    assert env_str("KAPCARE_TEST_SECRET") == "s3cret-from-file"


def test_an_unreadable_secret_file_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPCARE_TEST_SECRET_FILE", "/nonexistent/key")
    with pytest.raises(ConfigurationError, match="KAPCARE_TEST_SECRET_FILE: cannot read"):
        env_str("KAPCARE_TEST_SECRET")


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("1", True), ("Off", False), ("no", False)]
)
def test_booleans_accept_the_usual_spellings(
    raw: str, expected: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAPCARE_TEST_FLAG", raw)
    assert env_bool("KAPCARE_TEST_FLAG", default=not expected) is expected


def test_a_bad_boolean_says_what_is_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPCARE_TEST_FLAG", "maybe")
    with pytest.raises(
        ConfigurationError, match="KAPCARE_TEST_FLAG: 'maybe' is not a boolean; use one of"
    ):
        env_bool("KAPCARE_TEST_FLAG", default=False)


def test_numbers_outside_their_range_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPCARE_TEST_MINUTES", "0")
    with pytest.raises(ConfigurationError, match="outside the allowed range 1–240"):
        env_int("KAPCARE_TEST_MINUTES", default=15, minimum=1, maximum=240)
    monkeypatch.setenv("KAPCARE_TEST_MINUTES", "ten")
    with pytest.raises(ConfigurationError, match="'ten' is not a whole number"):
        env_int("KAPCARE_TEST_MINUTES", default=15)


def test_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPCARE_TEST_HOSTS", "kap.example.org, , backup.example.org")
    assert env_list("KAPCARE_TEST_HOSTS", []) == ["kap.example.org", "backup.example.org"]
