"""``{% url %}`` reverses each route once and fills the ids in: the same addresses as
Django's own tag, for every route of kapcare, and Django's behaviour wherever it steps
aside (keyword arguments, values that are not whole numbers, routes that do not reverse)."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template, engines
from django.test import RequestFactory
from django.urls import NoReverseMatch, get_resolver, reverse, set_script_prefix
from hypothesis import given, settings
from hypothesis import strategies as st

from kapcare.core.templatetags import links


def _render(source: str, **context: Any) -> str:
    return engines["django"].from_string(source).render(context)


def _int_routes() -> list[tuple[str, int]]:
    """Every named route that reverses with whole-number ids only, with their count."""
    resolver = get_resolver()
    names = {name for name in resolver.reverse_dict if isinstance(name, str)}
    names |= {
        f"{namespace}:{name}"
        for namespace, (_, inner) in resolver.namespace_dict.items()
        for name in inner.reverse_dict
        if isinstance(name, str)
    }
    routes = []
    for name in sorted(names):
        for count in range(4):
            try:
                reverse(name, args=[1] * count)
            except NoReverseMatch:
                continue
            routes.append((name, count))
            break
    return routes


ROUTES = _int_routes()


def test_the_tag_is_the_one_every_template_uses() -> None:
    template = engines["django"].from_string("{% url 'patients:list' %}")
    assert isinstance(template.template.nodelist[0], links.ReversedOnceURLNode)


def test_kapcare_has_routes_with_ids_to_check() -> None:
    assert ("patients:chart", 1) in ROUTES
    assert len([r for r in ROUTES if r[1] >= 1]) > 40


@pytest.mark.parametrize(("name", "count"), ROUTES, ids=[r[0] for r in ROUTES])
def test_every_route_gives_the_address_django_gives(name: str, count: int) -> None:
    ids = [7, 12345, 3, 99][:count]
    args = " ".join(str(i) for i in ids)
    assert _render(f"{{% url '{name}' {args} %}}") == reverse(name, args=ids)


@settings(max_examples=200)
@given(st.lists(st.integers(min_value=0, max_value=10**12), min_size=2, max_size=2))
def test_any_ids_fill_in_as_django_reverses_them(ids: list[int]) -> None:
    rendered = _render("{% url 'dosing:console' a b %}", a=ids[0], b=ids[1])
    assert rendered == reverse("dosing:console", args=ids)


def test_as_variable_and_escaping_behave_as_djangos_tag() -> None:
    assert _render("{% url 'patients:chart' 5 as where %}[{{ where }}]") == "[/patients/5/]"
    assert _render("{% url 'no-such-route' 5 as where %}[{{ where }}]") == "[]"


@pytest.mark.parametrize(
    "value", ["5", 5.0, True, -1, None], ids=["text", "float", "bool", "negative", "none"]
)
def test_values_that_are_not_whole_numbers_go_through_djangos_tag(value: Any) -> None:
    try:
        expected = reverse("patients:chart", args=[value])
    except NoReverseMatch:
        with pytest.raises(NoReverseMatch):
            _render("{% url 'patients:chart' v %}", v=value)
    else:
        assert _render("{% url 'patients:chart' v %}", v=value) == expected


def test_keyword_arguments_and_unknown_routes_keep_djangos_behaviour() -> None:
    assert _render("{% url 'patients:chart' patient_id=8 %}") == "/patients/8/"
    with pytest.raises(NoReverseMatch):
        _render("{% url 'no-such-route' 5 %}")


def test_a_script_prefix_is_kept_per_prefix() -> None:
    try:
        set_script_prefix("/clinic/")
        assert _render("{% url 'patients:chart' 4 %}") == "/clinic/patients/4/"
    finally:
        set_script_prefix("/")
    assert _render("{% url 'patients:chart' 4 %}") == "/patients/4/"


def test_the_request_namespace_is_used_as_djangos_tag_uses_it() -> None:
    request = RequestFactory().get("/patients/1/")
    request.resolver_match = get_resolver().resolve("/patients/1/")
    source = "{% url 'patients:chart' 2 %}"
    assert Template(source).render(Context({"request": request})) == "/patients/2/"


def test_stand_ins_that_do_not_fit_a_route_leave_it_to_django() -> None:
    assert links.shape_of("no-such-route", 1, None) is None
    assert links.shape_of("patients:chart", 1, None) == ("/patients/", "/")
