"""Typed request and response bodies of the JSON API."""

from __future__ import annotations

import datetime as dt
from typing import Generic, TypeVar

from django.utils import timezone
from ninja import Schema
from pydantic import ConfigDict, EmailStr, Field, field_validator

from kapcare.patients.models import SexAtBirth, Status

T = TypeVar("T")

#: the oldest plausible age, as in the patient form
MAX_AGE_YEARS = 120


def check_date_of_birth(born: dt.date | None) -> dt.date | None:
    """The same rule as the web form: not in the future, not more than 120 years ago."""
    if born is None:
        return born
    today = timezone.localdate()
    if born > today:
        raise ValueError("the date of birth cannot be in the future")
    if born.year < today.year - MAX_AGE_YEARS:
        raise ValueError(f"enter a date after {today.year - MAX_AGE_YEARS}")
    return born


class ClinicOut(Schema):
    id: int
    name: str
    time_zone: str


class MembershipOut(Schema):
    clinic: ClinicOut
    role: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    kind: str
    clinic: ClinicOut | None
    role: str | None
    memberships: list[MembershipOut]
    patient_id: int | None


class CareTeamOut(Schema):
    user_id: int
    full_name: str
    team_role: str


class PatientOut(Schema):
    id: int
    mrn: str
    given_name: str
    family_name: str
    preferred_name: str
    pronouns: str
    date_of_birth: dt.date
    sex_at_birth: str
    gender_identity: str
    email: str
    phone: str
    status: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class PatientDetailOut(PatientOut):
    address: str
    emergency_contact_name: str
    emergency_contact_relationship: str
    emergency_contact_phone: str
    care_team: list[CareTeamOut]


class PatientIn(Schema):
    model_config = ConfigDict(extra="forbid")

    mrn: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9-]+$")
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    preferred_name: str = Field("", max_length=100)
    pronouns: str = Field("", max_length=40)
    date_of_birth: dt.date
    sex_at_birth: SexAtBirth | None = None
    gender_identity: str = Field("", max_length=60)
    email: EmailStr | None = None
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=1000)
    emergency_contact_name: str = Field("", max_length=200)
    emergency_contact_relationship: str = Field("", max_length=60)
    emergency_contact_phone: str = Field("", max_length=40)

    _date_of_birth = field_validator("date_of_birth")(check_date_of_birth)


class PatientPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="The version you read; a stale version answers 409.")
    mrn: str | None = Field(None, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9-]+$")
    given_name: str | None = Field(None, min_length=1, max_length=100)
    family_name: str | None = Field(None, min_length=1, max_length=100)
    preferred_name: str | None = Field(None, max_length=100)
    pronouns: str | None = Field(None, max_length=40)
    date_of_birth: dt.date | None = None
    sex_at_birth: SexAtBirth | None = None
    gender_identity: str | None = Field(None, max_length=60)
    email: EmailStr | None = None
    phone: str | None = Field(None, max_length=40)
    address: str | None = Field(None, max_length=1000)
    emergency_contact_name: str | None = Field(None, max_length=200)
    emergency_contact_relationship: str | None = Field(None, max_length=60)
    emergency_contact_phone: str | None = Field(None, max_length=40)

    _date_of_birth = field_validator("date_of_birth")(check_date_of_birth)


class Page(Schema, Generic[T]):
    items: list[T]
    count: int
    limit: int
    offset: int


class PatientPage(Schema):
    items: list[PatientOut]
    count: int
    limit: int
    offset: int


StatusFilter = Status
