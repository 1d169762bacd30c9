"""The default education library, in our own plain words.

Every fact comes from the shared clinical reference; ``sources`` lists its keys.
No medical claim goes beyond it. Clinics edit these pages (a new version of their own
copy); these defaults stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

BEFORE = ("referred", "screening", "eligible")
DURING = ("eligible", "active", "maintenance")
AFTER = ("active", "maintenance", "completed")


@dataclass(frozen=True)
class DefaultPage:
    slug: str
    title: str
    summary: str
    body: str
    sources: str
    stages: tuple[str, ...] = ()
    audience: str = "both"


DEFAULT_PAGES: tuple[DefaultPage, ...] = (
    DefaultPage(
        slug="what-is-kap",
        title="What ketamine-assisted psychotherapy is",
        summary="A medicine and talking therapy, used together.",
        stages=BEFORE,
        sources="K13, K8, K33",
        body="""\
Ketamine-assisted psychotherapy (KAP) combines two things: a dose of ketamine, given and
watched over at the clinic, and psychotherapy before and after it.

## What it is used for

It is used mostly for **depression**, including depression that has not got better with
other treatments. It has also been used for **anxiety**.

## The three parts

- **Preparation:** getting to know your therapist, learning about ketamine and how the
  sessions work, and setting an intention.
- **The dosing session:** you take the medicine at the clinic and your therapist stays
  with you.
- **Integration:** afterwards you and your therapist make sense of what came up and turn
  it into changes in how you feel, act and relate to others.

Your care team will tell you whether this treatment suits you, and why.
""",
    ),
    DefaultPage(
        slug="how-to-prepare",
        title="How to prepare",
        summary="Consultation, a safe setting, intentions and support afterwards.",
        stages=BEFORE,
        sources="K33, K10c, K16b, K19, K23, K25",
        body="""\
## The consultation

Before any session you meet the team. They ask about your health, your medicines and
what you hope for. Tell them about **every** medicine you take: some, such as higher
doses of benzodiazepines or naltrexone, can weaken the effect of ketamine.

## A safe setting

Sessions happen in a quiet room at the clinic, with staff looking after you.

## Your intention

Think about what you would like to explore or change. Write it down; your therapist
will talk it through with you.

## Practise being present

A few minutes of mindful breathing each day makes it easier to stay with whatever
comes up during a session.

## Arrange your after-care

Someone must take you home after each session: you may not drive until the next day
after a restful night's sleep, and the clinic lets you leave only with a responsible
adult. Invite that person as a support person in kapcare.
""",
    ),
    DefaultPage(
        slug="the-experience",
        title="What a dosing session is like",
        summary="What you may feel, and how your therapist guides you.",
        stages=DURING,
        sources="K10b, K11, K17, K33",
        body="""\
## How it feels

The effects usually start within about a quarter of an hour and are strongest around
half an hour to three quarters of an hour in. Many people feel detached from their
body or surroundings, see things differently, or feel dreamy and drowsy. Most people
are fully alert again within one to one and a half hours.

## How your therapist guides you

Your therapist stays with you. They help you settle, remind you of your intention, and
stay calm and kind whatever comes up. You do not need to do anything or perform.

## Afterwards at the clinic

The clinic watches over you for **at least two hours** after the dose and checks that
you are steady before you leave with your support person.
""",
    ),
    DefaultPage(
        slug="staying-present",
        title="Staying present and being kind to yourself",
        summary="Letting experiences come and go, with self-compassion.",
        stages=DURING,
        sources="K33",
        body="""\
During a session, feelings, memories and images may come and go. Some are pleasant,
some are hard.

- **Breathe.** Come back to your breath when you feel lost.
- **Let it come and go.** You do not need to hold on to anything or push it away.
- **Be kind to yourself.** Talk to yourself as you would to a friend going through
  something difficult.
- **Ask for help.** Your therapist is there; you can speak at any time.
""",
    ),
    DefaultPage(
        slug="reflecting-and-integrating",
        title="Reflecting, journaling and integrating",
        summary="Turning what came up into change in daily life.",
        stages=AFTER,
        sources="K33, K40",
        body="""\
Integration is where a session's insights become change: in how you feel, what you do
and how you relate to other people. You do it together with your therapist.

## Write it down

Clinics recommend writing about the experience to draw out its meaning. Use your
kapcare journal the evening of a session, the next day and a week later; the guided
questions help you start. Your journal is private unless you choose to share an entry.

## Bring it to integration sessions

Share what you wrote, or just talk. Together you agree practices to try between
sessions, and you can tick them off in kapcare.
""",
    ),
    DefaultPage(
        slug="support-network",
        title="Building your support network",
        summary="Who helps you on session days and afterwards.",
        stages=BEFORE + DURING,
        sources="K10c, K16b",
        body="""\
You need at least one person who can take you home after each session: you may not
drive until the next day after a restful night's sleep, and the clinic lets you leave
only with a responsible adult.

Support can also mean someone to talk to in the days after a session, to help with a
meal, or to go for a walk with you.

In kapcare you can invite support people and choose exactly what each may see: your
session dates, escort instructions, these pages, or check-in questions. They never see
your scores, journal or notes, and you can change or end their access at any time.
""",
    ),
    DefaultPage(
        slug="self-care",
        title="Self-care between sessions",
        summary="Sleep, food, movement, nature and people.",
        stages=AFTER,
        sources="K33",
        body="""\
Small routines help the work of therapy take hold:

- **Sleep:** go to bed and get up at about the same time.
- **Food:** eat regularly and nourishingly.
- **Movement:** walk, stretch, dance or exercise in a way that feels good.
- **Nature:** spend time outdoors.
- **Creativity:** draw, play music or write.
- **People:** spend time with those who support you.

Your therapist may add some of these to your integration plan.
""",
    ),
    DefaultPage(
        slug="safety",
        title="Safety, side effects and medicines",
        summary="What to expect on the day and what to tell the clinic.",
        sources="K17, K10, K12, K10b, K10c, K16b, K19, K23, K24",
        body="""\
## Common effects on the day

In one clinic's patients the most common effects were drowsiness (about half),
dizziness (under half), feeling detached (about a third) and nausea (about one in
eight). They usually pass on the same day.

## Blood pressure

Ketamine raises blood pressure for a few hours. The clinic measures it before and
after the dose.

## Going home

The clinic watches over you for at least two hours and lets you leave only with a
responsible adult. Do not drive or use machinery until the next day after a restful
night's sleep.

## Medicines

Tell the clinic about every medicine and substance you take. Some can weaken the
effect of ketamine (for example higher doses of benzodiazepines, or naltrexone), and
alcohol, opioids and other sedating medicines add to drowsiness.

## If you feel unwell or unsafe

Call the clinic. In a crisis, use the crisis line at the bottom of every page.
""",
    ),
    DefaultPage(
        slug="how-many-sessions",
        title="How many sessions, and why your plan is your own",
        summary="Typical courses, and why yours is tailored.",
        stages=BEFORE + DURING,
        sources="K3, K26, K8, K29, K1",
        body="""\
There is no single number. Some examples of courses:

- six infusions over about twelve days;
- four to eight infusions over one to four weeks in community clinics;
- four sessions over four weeks in one programme where the medicine dissolves in the
  mouth.

Some people go on to occasional maintenance sessions, timed shortly before the effect
of the previous one is expected to wear off.

Your prescriber and therapist tailor your plan to you: how you respond, how you feel,
and what you want. It is reviewed as you go.
""",
    ),
)
