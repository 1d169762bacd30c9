"""Password reset by email: a link sent through the task worker after commit, no existence leak."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.accounts.helpers import page_without_secrets, post_login

NEW_PASSWORD = "lanterns over the lake"


def ask_for_reset(email: str, capture: Any) -> Any:
    with capture(execute=True):
        return Client().post(reverse("password_reset"), {"email": email})


def reset_link(mail: Any) -> str:
    match = re.search(r"http://testserver(/password-reset/[^/\s]+/[^/\s]+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def choose_password(path: str, password: str = NEW_PASSWORD) -> Any:
    client = Client()
    form_page = client.get(path)
    assert form_page.status_code == 302  # Django swaps the token for a session marker
    return client.post(
        form_page["Location"], {"new_password1": password, "new_password2": password}
    )


def test_a_known_email_gets_a_reset_link_after_commit(
    world: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    response = ask_for_reset("patient@example.com", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["patient@example.com"]
    assert "\n" not in mailoutbox[0].subject
    assert reset_link(mailoutbox[0])


def test_the_email_is_queued_only_when_the_transaction_commits(
    world: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Client().post(reverse("password_reset"), {"email": "patient@example.com"})
    assert len(callbacks) == 1
    assert mailoutbox == []


def test_an_unknown_email_gets_the_same_answer_and_no_email(
    world: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    known = ask_for_reset("patient@example.com", django_capture_on_commit_callbacks)
    unknown = ask_for_reset("nobody@example.com", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mailoutbox] == [["patient@example.com"]]
    sent = Client().get(known["Location"])
    assert "nobody@example.com" not in sent.text


def test_the_page_after_asking_is_the_same_for_known_and_unknown_emails(world: Any) -> None:
    known = Client().post(reverse("password_reset"), {"email": "patient@example.com"}, follow=True)
    unknown = Client().post(reverse("password_reset"), {"email": "nobody@example.com"}, follow=True)
    assert page_without_secrets(known) == page_without_secrets(unknown)


def test_a_deactivated_account_gets_no_email(
    world: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    user = world.users["patient"]
    user.is_active = False
    user.save()
    ask_for_reset("patient@example.com", django_capture_on_commit_callbacks)
    assert mailoutbox == []


def test_the_email_address_is_matched_without_regard_to_case(
    world: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    ask_for_reset("Patient@Example.com", django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1


def test_the_link_sets_a_new_password_that_then_signs_in(
    world: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    ask_for_reset("patient@example.com", django_capture_on_commit_callbacks)
    response = choose_password(reset_link(mailoutbox[0]))
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    assert post_login(Client(), "patient@example.com", NEW_PASSWORD).status_code == 302
    assert post_login(Client(), "patient@example.com").status_code == 200


def test_the_link_works_only_once(
    world: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    ask_for_reset("patient@example.com", django_capture_on_commit_callbacks)
    path = reset_link(mailoutbox[0])
    choose_password(path)
    again = Client().get(path)
    assert again.status_code == 200
    assert 'name="new_password1"' not in again.text


def test_a_weak_new_password_is_refused_naming_the_rule(
    world: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    ask_for_reset("patient@example.com", django_capture_on_commit_callbacks)
    response = choose_password(reset_link(mailoutbox[0]), "short-pass")
    assert response.status_code == 200
    assert "at least 12 characters" in response.text
    assert world.users["patient"].check_password("kapcare-test-pass")


def test_a_reset_signs_out_other_sessions(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    elsewhere = client_for("patient")
    assert elsewhere.get("/portal/").status_code == 200
    ask_for_reset("patient@example.com", django_capture_on_commit_callbacks)
    choose_password(reset_link(mailoutbox[0]))
    assert elsewhere.get("/portal/").status_code == 302
