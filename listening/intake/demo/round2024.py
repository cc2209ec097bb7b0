"""The demo's second listening round: SEL 2024 asks the same communities again.

Written for the demo, different from 2023 in the ways a second round usually is: more people
reached in the boroughs that were under-reached, cost of living pressing harder (energy standing
charges, working families at food banks), and things nobody raised in 2023 (bus route cuts,
asylum hotels closing, GP online-only booking). Any resemblance to a real person is chance.
"""

from __future__ import annotations

from datetime import date

from listening.intake.demo import answers as bank
from listening.intake.demo import reference as ref

SLUG = "sel-2024"
CAMPAIGN = {
    "slug": SLUG,
    "name": "South East London anchor listening campaign 2024",
    "question": ref.SEL_CAMPAIGN["question"],
    "description": (
        "The second round of the South East London anchor listening campaign: the same "
        "question, asked again of the communities heard in 2023, a year on from the assembly's "
        "pledges."
    ),
    "starts_on": date(2024, 5, 1),
    "ends_on": date(2024, 9, 30),
}
LISTENING_ENDS = date(2024, 9, 20)

# People heard by borough in 2024: the under-reached boroughs did better this time.
PEOPLE_BY_BOROUGH = {
    "unspecified": 64,
    "bexley": 212,
    "bromley": 176,
    "greenwich": 161,
    "lambeth": 598,
    "lewisham": 287,
    "southwark": 703,
}

# Multipliers on each group's theme weights: cost of living pressed harder in 2024.
THEME_SHIFT = {
    "work-wages-cost-of-living": 2.5,
    "housing": 1.0,
    "mental-health-isolation": 0.9,
    "children-young-people-parents": 0.9,
    "migration-race": 0.6,
}

# Answers first heard in 2024, by main theme (new sub-themes, a year on).
NEW_ANSWERS = {
    bank.WORK: (
        "The standing charge on the electric is more than I actually use some weeks.",
        "Prepayment meter went onto emergency credit again, we sat in the dark till payday.",
        "Energy bills doubled and the support payments stopped this year.",
        "I work full time at the hospital and I still use the food bank on a Friday.",
        "Working families queue at the food bank now, it is not just people out of work.",
        "The food bank ran out of nappies and baby milk by ten in the morning.",
        "My hours got cut after the café changed hands and the new owner went to zero hours.",
        "Childcare wraparound costs mean my second job just pays for the childminder.",
        "Council tax arrears letters keep coming, the bailiffs added fees on top.",
        "Buy now pay later for the school shoes, now I owe on three apps.",
        "The 2 for 1 deals are gone and a basic shop is forty pounds more than last year.",
        "Fuel poverty is real here, pensioners sit on buses all day to keep warm.",
    ),
    bank.HOUSING: (
        "Our estate is being knocked down and the new flats are not for social rent.",
        "The landlord sold up and we had two months to find somewhere, nothing under 1,800.",
        "Damp came back after they painted over it, the surveyor never looked behind the units.",
        "Temporary accommodation moved us three times this year, three different schools.",
        "Renters reform was supposed to stop no fault evictions and we still got one.",
        "The cladding works have gone on two years, scaffolding on the windows and no light.",
    ),
    bank.MENTAL: (
        "GP booking is online only now, my dad cannot use the app so he just does not go.",
        "Talking therapies waiting list is eighteen months, they sent me a link to an app.",
        "Since the day centre closed my mum does not see anyone from one week to the next.",
        "The bus route to the community centre was cut so the older ladies stopped coming.",
        "Young men round here do not talk about it, two lads from the estate took their lives.",
    ),
    bank.CHILDREN: (
        "They cut the 36 bus and my daughter now walks forty minutes to college in the dark.",
        "The SEND transport was withdrawn and I had to give up work to take him to school.",
        "Free school meals stop at the means test line and we are just over it.",
        "Holiday activities programme was full within an hour of opening.",
    ),
    bank.MIGRATION: (
        "The asylum hotel closed and families were moved up north with a week's notice.",
        "The eVisa switch means my landlord says he cannot check my status anymore.",
        "After the riots in the summer my kids were scared to go to the shops.",
    ),
}


def people_total() -> int:
    return sum(PEOPLE_BY_BOROUGH.values())
