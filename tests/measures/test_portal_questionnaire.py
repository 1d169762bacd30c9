"""A patient fills in a due questionnaire on the portal: saved as they go, never half-submitted."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kapcare.audit.models import AuditEvent
from kapcare.measures.models import Assignment, QuestionnaireResponse, ResponseDraft
from tests.measures.helpers import PHQ9_ONLY_ITEM_9, assign, form_data, phq9


def test_a_due_questionnaire_is_listed_on_the_portal_home(world: Any, client_for: Any) -> None:
    assignment = assign(world, "gad7")
    page = client_for("patient").get(reverse("portal:home"))
    assert page.status_code == 200
    assert b"Questionnaires for you" in page.content
    assert reverse("measures:questionnaire", args=[assignment.pk]).encode() in page.content
    other = client_for("patient2").get(reverse("portal:home"))
    assert reverse("measures:questionnaire", args=[assignment.pk]).encode() not in other.content


def test_the_form_shows_the_recall_period_the_items_and_the_attribution(
    world: Any, client_for: Any
) -> None:
    assignment = assign(world)
    page = client_for("patient").get(reverse("measures:questionnaire", args=[assignment.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "the last 2 weeks" in text
    assert "Little interest or pleasure in doing things" in text
    assert 'type="radio" name="item-9" value="3"' in text
    assert "Copyright © Pfizer Inc." in text
    assert "988" in text  # crisis contacts are always on the page


def test_an_incomplete_form_names_every_missing_question_and_keeps_the_answers(
    world: Any, client_for: Any
) -> None:
    assignment = assign(world)
    client = client_for("patient")
    partial = form_data({"1": 1, "2": 2, "4": 0})
    page = client.post(reverse("measures:questionnaire", args=[assignment.pk]), partial)
    text = page.content.decode()
    assert page.status_code == 400
    for missing in (3, 5, 6, 7, 8, 9):
        assert f"Question {missing}: Please answer this question." in text
    assert "Question 1:" not in text
    assert "The last question" not in text  # the difficulty question is optional
    assert not QuestionnaireResponse.objects.exists()
    draft = ResponseDraft.objects.get(assignment=assignment)
    assert draft.answers == {"1": "1", "2": "2", "4": "0"}
    assert 'name="item-2" value="2" checked' in text


def test_answers_are_saved_as_a_draft_on_each_change_and_restored(
    world: Any, client_for: Any
) -> None:
    assignment = assign(world)
    client = client_for("patient")
    url = reverse("measures:draft", args=[assignment.pk])
    saved = client.post(url, form_data({"1": 2, "2": 1}), HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    assert b"Saved at" in saved.content
    page = client.get(reverse("measures:questionnaire", args=[assignment.pk]))
    assert b'name="item-1" value="2" checked' in page.content
    assert b'name="item-2" value="1" checked' in page.content
    assert AuditEvent.objects.filter(
        object_type="measures.responsedraft", action="update", patient=world.jordan
    ).exists()


def test_a_complete_form_is_scored_with_the_definition_version_and_completes_the_assignment(
    world: Any, client_for: Any
) -> None:
    assignment = assign(world)
    client = client_for("patient")
    client.post(reverse("measures:draft", args=[assignment.pk]), form_data({"1": 3}))
    answers = phq9(1, 2, 1, 1, 0, 0, 1, 0, 0, difficulty=1)
    done = client.post(reverse("measures:questionnaire", args=[assignment.pk]), form_data(answers))
    assert done.status_code == 302
    assert done["Location"] == reverse("measures:done", args=[assignment.pk])
    response = QuestionnaireResponse.objects.get()
    assert response.total == 6
    assert response.band == "mild"
    assert response.definition_version == "1.0.0"
    assert response.answers["difficulty"] == 1
    assert not response.entered_on_behalf
    assert response.entered_by == world.users["patient"]
    assignment.refresh_from_db()
    assert assignment.status == "completed"
    assert not ResponseDraft.objects.exists()
    assert AuditEvent.objects.filter(
        object_type="measures.questionnaireresponse", action="create", object_id=str(response.pk)
    ).exists()
    thanks = client.get(done["Location"])
    assert b"Thank you" in thanks.content
    assert b"Thank you for telling us" not in thanks.content


def test_submitting_twice_stores_one_response(world: Any, client_for: Any) -> None:
    assignment = assign(world)
    client = client_for("patient")
    url = reverse("measures:questionnaire", args=[assignment.pk])
    data = form_data(phq9(0, 0, 0, 0, 0, 0, 0, 0, 0))
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 302
    assert QuestionnaireResponse.objects.count() == 1


def test_a_value_outside_the_scale_is_refused_naming_the_item(world: Any, client_for: Any) -> None:
    assignment = assign(world)
    data = form_data(phq9(0, 0, 7, 0, 0, 0, 0, 0, 0))
    page = client_for("patient").post(reverse("measures:questionnaire", args=[assignment.pk]), data)
    assert page.status_code == 400
    assert "PHQ-9 item 3: 7 is not allowed; allowed values are 0, 1, 2, 3" in page.content.decode()
    assert not QuestionnaireResponse.objects.exists()


def test_item_9_above_0_shows_the_clinics_crisis_message_after_submitting(
    world: Any, client_for: Any
) -> None:
    world.cedar.crisis_line_text = "Call Cedar Grove's on-call line at (303) 555-0199, or 988."
    world.cedar.save()
    assignment = assign(world)
    client = client_for("patient")
    done = client.post(
        reverse("measures:questionnaire", args=[assignment.pk]),
        form_data(phq9(*PHQ9_ONLY_ITEM_9)),
        follow=True,
    )
    text = done.content.decode()
    assert "Thank you for telling us" in text
    assert "Call Cedar Grove&#x27;s on-call line at (303) 555-0199, or 988." in text
    assert "Your care team has been told" in text


def test_ticking_item_9_shows_help_before_the_form_is_even_submitted(
    world: Any, client_for: Any
) -> None:
    assignment = assign(world)
    saved = client_for("patient").post(
        reverse("measures:draft", args=[assignment.pk]), form_data({"9": 2})
    )
    assert b"You are not alone" in saved.content
    assert b"988" in saved.content
    calm = client_for("patient").post(
        reverse("measures:draft", args=[assignment.pk]), form_data({"9": 0})
    )
    assert b"You are not alone" not in calm.content


def test_another_patients_questionnaire_is_not_found(world: Any, client_for: Any) -> None:
    assignment = assign(world)
    client = client_for("patient2")
    assert client.get(reverse("measures:questionnaire", args=[assignment.pk])).status_code == 404
    posted = client.post(
        reverse("measures:questionnaire", args=[assignment.pk]), form_data(phq9(*[0] * 9))
    )
    assert posted.status_code == 404
    assert client.post(reverse("measures:draft", args=[assignment.pk]), {}).status_code == 404
    assert not QuestionnaireResponse.objects.exists()
    assert AuditEvent.objects.filter(action="denied", object_type="measures.assignment").exists()


def test_a_cancelled_questionnaire_cannot_be_filled_in(world: Any, client_for: Any) -> None:
    assignment = assign(world)
    Assignment.objects.filter(pk=assignment.pk).update(status="cancelled")
    page = client_for("patient").get(reverse("measures:questionnaire", args=[assignment.pk]))
    assert page.status_code == 404


def test_a_draft_for_a_closed_questionnaire_is_refused(world: Any, client_for: Any) -> None:
    assignment = assign(world)
    Assignment.objects.filter(pk=assignment.pk).update(status="cancelled")
    saved = client_for("patient").post(
        reverse("measures:draft", args=[assignment.pk]), form_data({"1": 1})
    )
    assert saved.status_code == 409
    assert not ResponseDraft.objects.exists()
