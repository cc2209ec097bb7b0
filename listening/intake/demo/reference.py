"""Facts about the South East London anchor listening campaign 2023 (the reference campaign)."""

from __future__ import annotations

from datetime import date

SEL_SLUG = "sel-2023"
SEL_CAMPAIGN = {
    "slug": SEL_SLUG,
    "name": "South East London anchor listening campaign 2023",
    "question": "What puts pressure on you and your community's ability to thrive?",
    "description": (
        "Listening in small groups and one-to-one with diverse communities across South East "
        "London, through voluntary, community and civic partners, virtual listening events, "
        "the SEL people's panel and an online engagement platform, NHS staff, volunteers and "
        "service users, schools and universities."
    ),
    "starts_on": date(2023, 6, 1),
    "ends_on": date(2023, 9, 30),
}
LISTENING_ENDS = date(2023, 9, 20)  # the reference figures are "as of 20 September 2023"

# (slug, name, ONS code, mid-2021/22 population estimate)
BOROUGHS = (
    ("bexley", "Bexley", "E09000004", 246_500),
    ("bromley", "Bromley", "E09000006", 330_000),
    ("greenwich", "Greenwich", "E09000011", 289_100),
    ("lambeth", "Lambeth", "E09000022", 317_600),
    ("lewisham", "Lewisham", "E09000023", 300_600),
    ("southwark", "Southwark", "E09000028", 307_600),
    ("unspecified", "Across SE London (borough not specified)", None, None),
)

# People engaged by borough as of 20 September 2023 (the campaign's published figures).
PEOPLE_BY_BOROUGH = {
    "unspecified": 89,
    "bexley": 88,
    "bromley": 81,
    "greenwich": 130,
    "lambeth": 825,
    "lewisham": 235,
    "southwark": 1034,
}
PEOPLE_TOTAL = 2482
UNDER_REACHED = ("bexley", "bromley")

GROUPS = (
    ("people-in-low-paid-and-precarious-work", "People in low-paid and precarious work"),
    ("migrants-and-refugees", "Migrants and refugees"),
    ("people-with-english-as-a-second-language", "People with English as a second language"),
    ("young-people", "Young people"),
    ("people-with-disabilities", "People with disabilities"),
    ("lgbtq-community", "LGBTQ+ community"),
    ("health-and-care-staff", "Health and care staff"),
    ("carers-and-lone-parents", "Carers and lone parents"),
    ("black-asian-and-minority-ethnic-communities", "Black, Asian and minority ethnic communities"),
    ("people-directly-experiencing-injustice", "People directly experiencing injustice"),
)

THEMES = (
    "housing",
    "migration-race",
    "work-wages-cost-of-living",
    "mental-health-isolation",
    "children-young-people-parents",
)

# How likely a conversation with a group is to turn to each theme (weights, not shares).
GROUP_THEMES = {
    "people-in-low-paid-and-precarious-work": {
        "work-wages-cost-of-living": 5,
        "housing": 3,
        "mental-health-isolation": 1,
        "children-young-people-parents": 1,
        "migration-race": 1,
    },
    "migrants-and-refugees": {
        "migration-race": 5,
        "housing": 2,
        "work-wages-cost-of-living": 2,
        "mental-health-isolation": 1,
        "children-young-people-parents": 1,
    },
    "people-with-english-as-a-second-language": {
        "migration-race": 5,
        "work-wages-cost-of-living": 2,
        "children-young-people-parents": 2,
        "housing": 1,
        "mental-health-isolation": 1,
    },
    "young-people": {
        "children-young-people-parents": 5,
        "mental-health-isolation": 2,
        "work-wages-cost-of-living": 1,
        "migration-race": 1,
        "housing": 1,
    },
    "people-with-disabilities": {
        "mental-health-isolation": 4,
        "housing": 3,
        "work-wages-cost-of-living": 2,
        "children-young-people-parents": 1,
    },
    "lgbtq-community": {
        "mental-health-isolation": 5,
        "housing": 2,
        "children-young-people-parents": 1,
        "migration-race": 1,
        "work-wages-cost-of-living": 1,
    },
    "health-and-care-staff": {
        "work-wages-cost-of-living": 5,
        "mental-health-isolation": 3,
        "migration-race": 2,
        "housing": 1,
    },
    "carers-and-lone-parents": {
        "children-young-people-parents": 4,
        "work-wages-cost-of-living": 3,
        "mental-health-isolation": 2,
        "housing": 1,
    },
    "black-asian-and-minority-ethnic-communities": {
        "migration-race": 4,
        "housing": 2,
        "children-young-people-parents": 2,
        "work-wages-cost-of-living": 2,
        "mental-health-isolation": 1,
    },
    "people-directly-experiencing-injustice": {
        "housing": 3,
        "migration-race": 3,
        "work-wages-cost-of-living": 2,
        "mental-health-isolation": 1,
        "children-young-people-parents": 1,
    },
}

# Which groups an organisation of each type mostly listens to.
TYPE_GROUPS = {
    "community-centre": (
        "people-in-low-paid-and-precarious-work",
        "carers-and-lone-parents",
        "black-asian-and-minority-ethnic-communities",
        "people-directly-experiencing-injustice",
    ),
    "faith": (
        "black-asian-and-minority-ethnic-communities",
        "migrants-and-refugees",
        "carers-and-lone-parents",
    ),
    "school": ("young-people", "carers-and-lone-parents"),
    "university": ("young-people", "people-in-low-paid-and-precarious-work", "lgbtq-community"),
    "youth": ("young-people", "black-asian-and-minority-ethnic-communities"),
    "refugee-migrant": (
        "migrants-and-refugees",
        "people-with-english-as-a-second-language",
        "people-directly-experiencing-injustice",
    ),
    "mental-health": ("people-with-disabilities", "lgbtq-community", "carers-and-lone-parents"),
    "older-people": ("people-with-disabilities", "carers-and-lone-parents"),
    "patient-group": ("people-with-disabilities", "carers-and-lone-parents"),
    "nhs": ("health-and-care-staff",),
    "council": ("people-directly-experiencing-injustice", "people-in-low-paid-and-precarious-work"),
    "other": tuple(slug for slug, _name in GROUPS),
}
