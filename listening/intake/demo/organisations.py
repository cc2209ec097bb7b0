"""Demo organisations for the SEL 2023 campaign: fictional, plausible, and by borough."""

from __future__ import annotations

# The partner demo users belong to these (both facilitating).
PARTNER_ORGANISATION = "Peckham Community Centre"
PARTNER2_ORGANISATION = "Brixton Youth Hub"

# (name, type, borough slug, outreach status)
ORGANISATIONS = (
    # Southwark
    (PARTNER_ORGANISATION, "community-centre", "southwark", "facilitating"),
    ("Walworth Refugee and Migrant Network", "refugee-migrant", "southwark", "facilitating"),
    ("Camberwell Youth Project", "youth", "southwark", "facilitating"),
    ("Age UK Southwark Riverside", "older-people", "southwark", "facilitating"),
    ("Peckham Rye Methodist Church", "faith", "southwark", "facilitating"),
    ("Old Kent Road Mosque and Community Centre", "faith", "southwark", "facilitating"),
    ("Nunhead Green Primary School", "school", "southwark", "facilitating"),
    ("Southwark Citizens (Citizens UK)", "other", "southwark", "facilitating"),
    ("Walworth Latin American Women's Project", "refugee-migrant", "southwark", "supporting"),
    ("Southwark Sickle Cell Patients' Group", "patient-group", "southwark", "supporting"),
    ("Southwark Deaf Club", "patient-group", "southwark", "contacted"),
    # Lambeth
    (PARTNER2_ORGANISATION, "youth", "lambeth", "facilitating"),
    ("Lambeth Mind Wellbeing Centre", "mental-health", "lambeth", "facilitating"),
    ("Stockwell Portuguese Families Network", "refugee-migrant", "lambeth", "facilitating"),
    ("Vauxhall Community Kitchen", "community-centre", "lambeth", "facilitating"),
    ("Stockwell Islamic Cultural Centre", "faith", "lambeth", "facilitating"),
    ("Streatham Vale Secondary School", "school", "lambeth", "facilitating"),
    ("Lambeth Carers' Circle", "community-centre", "lambeth", "facilitating"),
    ("Kennington Pride Network", "other", "lambeth", "supporting"),
    ("Norwood Friendship Club (Age UK)", "older-people", "lambeth", "supporting"),
    ("Lambeth Polish Saturday School", "school", "lambeth", "contacted"),
    # Lewisham
    ("Deptford Community Hall", "community-centre", "lewisham", "facilitating"),
    ("Mind in Lewisham and Catford", "mental-health", "lewisham", "facilitating"),
    ("Lewisham Refugee Welcome", "refugee-migrant", "lewisham", "facilitating"),
    ("Catford New Covenant Church", "faith", "lewisham", "facilitating"),
    ("New Cross University Students' Union", "university", "lewisham", "facilitating"),
    ("Sydenham Secondary Academy", "school", "lewisham", "supporting"),
    ("Lewisham Sickle Cell and Thalassaemia Group", "patient-group", "lewisham", "supporting"),
    # Greenwich
    ("Woolwich Community Centre", "community-centre", "greenwich", "facilitating"),
    ("Plumstead Nepalese Community Association", "other", "greenwich", "facilitating"),
    ("Age UK Eltham Friendship Club", "older-people", "greenwich", "facilitating"),
    ("Charlton Youth Boxing Club", "youth", "greenwich", "facilitating"),
    ("Greenwich Hospital Staff Race Equality Network", "nhs", "greenwich", "facilitating"),
    ("Thamesmead Baptist Church", "faith", "greenwich", "supporting"),
    ("Greenwich Chinese Association", "other", "greenwich", "contacted"),
    # Bexley
    ("Mind in Bexley and Erith", "mental-health", "bexley", "facilitating"),
    ("Erith Community Pantry", "community-centre", "bexley", "facilitating"),
    ("Sidcup Youth Project", "youth", "bexley", "facilitating"),
    ("Age UK Bexleyheath Day Centre", "older-people", "bexley", "supporting"),
    # Bromley
    ("Penge Community Centre", "community-centre", "bromley", "facilitating"),
    ("Mind in Bromley Recovery Café", "mental-health", "bromley", "facilitating"),
    ("Cray Valley Youth Club", "youth", "bromley", "facilitating"),
    ("Beckenham Parkinson's Patient Group", "patient-group", "bromley", "supporting"),
    # Across SE London
    ("SEL People's Panel", "other", "unspecified", "facilitating"),
    ("SEL Online Engagement Platform", "other", "unspecified", "facilitating"),
    ("SEL NHS Trusts Staff Networks", "nhs", "unspecified", "facilitating"),
    ("Citizens UK South East London Chapter", "other", "unspecified", "facilitating"),
    ("SEL Patient Voices Forum", "patient-group", "unspecified", "supporting"),
    ("South East London Universities Network", "university", "unspecified", "supporting"),
)

# The only organisation that runs "online" conversations (the engagement platform).
ONLINE_ORGANISATION = "SEL Online Engagement Platform"

# Bexley and Bromley were under-reached: ~25 more organisations were contacted in each.
EXTRA_CONTACTED = {
    "bexley": (
        ("Bexley Tenants' Forum", "community-centre"),
        ("Erith Food Bank", "community-centre"),
        ("Sidcup Baptist Church", "faith"),
        ("Welling Residents' Association", "community-centre"),
        ("Bexleyheath Men's Shed", "community-centre"),
        ("Crayford Carers' Group", "community-centre"),
        ("Belvedere Mosque", "faith"),
        ("Slade Green Community Library", "council"),
        ("Barnehurst Parent and Toddler Group", "community-centre"),
        ("Blackfen Lunch Club", "older-people"),
        ("Foots Cray Allotment Society", "other"),
        ("Northumberland Heath Primary School", "school"),
        ("Thamesmead East Tenants' Association", "community-centre"),
        ("Bexley Deaf Centre", "patient-group"),
        ("Erith Gurdwara Sahib", "faith"),
        ("Abbey Wood Youth Football Club", "youth"),
        ("Bexley Polish Saturday School", "school"),
        ("Bexley LGBTQ+ Social Group", "other"),
        ("Bexley Sixth Form College", "school"),
        ("Welling Job Club", "council"),
        ("Bexley Refugee Befrienders", "refugee-migrant"),
        ("Sidcup Dementia Café", "older-people"),
        ("Bexleyheath Methodist Church", "faith"),
        ("Crayford Boxing Academy", "youth"),
        ("Bexley Disability Forum", "patient-group"),
    ),
    "bromley": (
        ("Bromley Tenants' Forum", "community-centre"),
        ("Orpington Food Bank", "community-centre"),
        ("Penge Baptist Church", "faith"),
        ("Beckenham Residents' Association", "community-centre"),
        ("Biggin Hill Men's Shed", "community-centre"),
        ("Chislehurst Carers' Café", "community-centre"),
        ("Bromley Islamic Centre", "faith"),
        ("Mottingham Community Library", "council"),
        ("Anerley Parent and Toddler Group", "community-centre"),
        ("West Wickham Lunch Club", "older-people"),
        ("St Paul's Cray Community Garden", "other"),
        ("Hayes Lane Primary School", "school"),
        ("Cray Valley Tenants' Association", "community-centre"),
        ("Bromley Deaf Club", "patient-group"),
        ("Bromley Hindu Temple Trust", "faith"),
        ("Crystal Palace Youth Football Club", "youth"),
        ("Bromley Polish Saturday School", "school"),
        ("Bromley LGBTQ+ Network", "other"),
        ("Bromley College Students' Union", "university"),
        ("Orpington Job Club", "council"),
        ("Bromley Refugee Befrienders", "refugee-migrant"),
        ("Petts Wood Dementia Café", "older-people"),
        ("Bromley Common Methodist Church", "faith"),
        ("Penge Boxing Club", "youth"),
        ("Bromley Disability Voice", "patient-group"),
    ),
}


def all_organisations() -> list[tuple[str, str, str, str, str]]:
    """Every demo organisation as (name, type, borough slug, outreach status, contact notes)."""
    rows = [(name, kind, borough, status, "") for name, kind, borough, status in ORGANISATIONS]
    for borough, extras in EXTRA_CONTACTED.items():
        note = (
            f"Contacted in September 2023 to reach more people in {borough.title()}, "
            "which was under-reached; follow-up planned."
        )
        rows += [(name, kind, borough, "contacted", note) for name, kind in extras]
    return rows
