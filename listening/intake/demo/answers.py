"""A bank of realistic answers to "What puts pressure on you and your community's ability to
thrive?", by SEL theme. Written for the demo; any resemblance to a real person is chance."""

from __future__ import annotations

from typing import NamedTuple

HOUSING = "housing"
MIGRATION = "migration-race"
WORK = "work-wages-cost-of-living"
MENTAL = "mental-health-isolation"
CHILDREN = "children-young-people-parents"


class Answer(NamedTuple):
    themes: tuple[str, ...]  # the first is the main one
    text: str


class PiiAnswer(NamedTuple):
    """An answer with personal data in it; each is used once, and `pii` must never be shown."""

    themes: tuple[str, ...]
    text: str
    pii: tuple[str, ...]
    borough: str | None = None


_HOUSING = (
    "Mould.",
    "The mould in my sons bedroom keeps coming back no matter how much I bleach it. He has "
    "asthma and the council just tell me to open the windows.",
    "Damp everywhere, the walls are wet to touch in winter",
    "We are five people in a one bedroom flat. My teenage daughter sleeps on the sofa in the "
    "living room.",
    "Overcrowding. Three kids sharing a box room.",
    "I reported the broken boiler in March and nobody came until August. We boiled kettles to "
    "wash the baby.",
    "Repairs take forever and when they finally send someone they do a bodge job and you're "
    "back to square one.",
    "Rent went up £200 a month in one go. My wages didn't.",
    "Private landlords can do what they like. If you complain about the leak you get a section 21.",
    "We have been in temporary accommodation for three years, one room in a hostel, shared "
    "kitchen with strangers.",
    "They moved us to temporary accommodation in Dartford, nearly two hours from the kids "
    "school. The children are exhausted every single day.",
    "Fear of eviction is constant. You can't settle, can't plan anything.",
    "the housing list is a joke. 14 years waiting and still band C",
    "Too expensive to live where you grew up. All my friends have moved out to Kent or further.",
    "Cockroaches and mice in the block, pest control came once and never again.",
    "My flat is on the 9th floor and the lift has been broken for weeks. I have bad knees so "
    "I'm basically stuck indoors.",
    "Nobody answers at the housing office, you wait on hold 90 minutes and then it cuts off.",
    "Black mould on the ceiling, baby keeps getting chest infections, the GP wrote a letter "
    "and still nothing.",
    "We got a letter saying the estate is being regenerated. Nobody can tell us where we will "
    "go or if we can ever come back.",
    "Sofa surfing since I was 19. Apparently I don't count as homeless because I have a roof "
    "some nights.",
    "Condensation runs down the windows every morning. I wipe it with towels before work.",
    "Housing.",
    "Its the housing, always the housing",
    "Shared houses with 8 people and one bathroom, that's what young workers can afford round "
    "here.",
    "I've been bidding for two years and never once got a viewing.",
    "The new flats they are building are not for people like us. 'Affordable' means £1,800 a "
    "month.",
    "The leak from upstairs came through the light fitting. The housing association says it's "
    "the neighbour's problem, the neighbour says it's theirs. Meanwhile my ceiling is falling "
    "in.",
    "Temporary accomodation is not temporary. My daughter has spent most of her life in B&Bs.",
    "When you are in a hostel you cannot cook proper food for your children, we live on "
    "microwave meals.",
    "There's asbestos in the old block and they still haven't told us if it's safe.",
    "My elderly mum lives alone in a house that's falling apart and she won't ask for help.",
    "No security. The landlord can sell up and we're out with two months notice.",
    "Deposit plus first month plus fees, it's impossible to move even if you find somewhere "
    "better.",
    "The estate feels unsafe at night, the lights in the stairwell have been broken for months.",
    "Damp and cold. We all sleep in one room in winter to save on heating.",
    "Housing disrepair is making people ill, full stop.",
    "i have been reporting the damp since 2021 and they keep closing the ticket without coming",
    "We need proper council homes, not more luxury flats.",
    "Being moved from one temporary place to another every few months destroys you.",
    "The walls are paper thin and the neighbours argue all night.",
    "Housing officers change every few months so you explain everything again from the start.",
    "There are people living in sheds in back gardens round here. Nobody talks about it.",
    "Fire doors in our block don't shut. After Grenfell you'd think they'd sort it.",
    "Rent is more than half of what I earn.",
    "Overcrowded, noisy, no space for the kids to do their homework.",
    "The heating in our block is communal and it breaks every winter, always in the coldest week.",
)

_WORK = (
    "Zero-hours contract. Some weeks 40 hours, some weeks 6. How do you budget on that?",
    "I work two jobs, cleaning in the morning and care work in the evening, and I still use "
    "the food bank.",
    "Food bank every Friday now. I never thought I would be one of those people.",
    "Energy bills doubled. We put the heating on only when the kids are home.",
    "Childcare costs more than my rent. It doesn't make sense for me to work.",
    "The universal credit five week wait nearly broke us. We took the advance and now they "
    "take it back every month.",
    "Cost of living.",
    "prices prices prices. everything gone up except wages",
    "I'm on a prepayment meter, when it runs out it runs out. We sat in the dark with candles "
    "last winter.",
    "Agency work in warehouses, they cancel your shift by text the night before.",
    "Care workers are paid less than supermarket staff. We do it because we care but we can't "
    "live on it.",
    "The sanctions. I missed one appointment because my son was in hospital and they stopped "
    "my money.",
    "I skip meals so my children can eat. My sister does the same.",
    "Bus fares eat up most of what I earn on part-time hours.",
    "Low pay, long hours, no sick pay. If I'm ill I don't get paid so I go in ill.",
    "Working full time and still needing universal credit to top up. That says everything.",
    "My husband works nights as a security guard, I work days in a kitchen. We never see each "
    "other.",
    "The debt collectors call every day. I'm scared to open letters.",
    "Gig economy. Delivering on a bike in the rain for £3 an order.",
    "Council tax arrears, then the bailiffs came.",
    "I'm a nurse and I've used the food bank. Let that sink in.",
    "Cleaners at the hospital are on minimum wage, contracted out, no NHS pension, nothing.",
    "Inflation hits people with the least the hardest, we don't have savings to fall back on.",
    "I want to work more hours but the childcare doesn't open early enough.",
    "Employers round here treat the London Living Wage like a favour, not a right.",
    "Tiny wages and big bills.",
    "At 62 nobody wants to hire me. I've applied for 80 jobs.",
    "Loan sharks on the estate because the banks won't touch us.",
    "Food shopping is like a maths test every week, I put things back at the till.",
    "The energy debt from last winter is still on my key.",
    "Warm banks at the library kept me going in January.",
    "Working poor. That's what we are.",
    "Temp contracts rolling over for years, never made permanent, so no rights.",
    "The universal credit journal is impossible if you're not good with computers.",
    "We pay the poverty premium on everything: prepay meters, buying small packs, cards with "
    "high interest.",
    "The job centre just wants you to apply for anything, even if it means travelling two "
    "hours for four hours of work.",
    "The food bank ran out of nappies.",
    "As a carer I get about £76 a week for looking after my son 24/7.",
    "my boss pay cash and sometimes not at all, what can I do",
    "Bills bills bills",
    "Wages haven't moved in years but the rent and the shopping keep going up.",
    "I'm self employed as a hairdresser and customers have stopped coming because they can't "
    "afford it either.",
    "Shift work makes it impossible to see a GP or go to appointments.",
    "Fuel poverty is real. My neighbour is 80 and wears her coat indoors.",
    "You can't get a job without experience and you can't get experience without a job.",
    "Buying a winter coat for my daughter meant not paying the gas that month.",
    "Nobody on a care worker's wage can afford to live in the borough they work in.",
)

_MIGRATION = (
    "My immigration status means I can't work while I wait for a decision. Four years waiting.",
    "No recourse to public funds. I work and pay tax but if I lose my job I get nothing, not "
    "even for my children.",
    "Racism at work. I have been passed over for promotion three times and every time it's a "
    "white colleague with less experience.",
    "Language is the biggest barrier. I don't understand the letters from the council.",
    "At the hospital they don't book an interpreter, they ask my 10 year old to translate "
    "about my health.",
    "The hostile environment makes people scared to go to the GP in case they get reported.",
    "People like me are afraid to ask for help because of our visa.",
    "Stop and search. My son has been stopped five times this year, he's 15.",
    "English classes have a waiting list of a year. How can I integrate if I can't learn?",
    "When I phone and they hear my accent, they change how they speak to me.",
    "Asylum seekers in hotels get £9 a week. You cannot live on that.",
    "Racism is still here, just quieter. In the shops security follows us round.",
    "As a black woman my pain is not taken seriously by doctors.",
    "i dont speak good english, is hard to find work and my children must help me with everything",
    "The Home Office lost my documents and now I can't prove I have the right to rent.",
    "Waiting for a decision on my asylum case for 3 years. I can't plan anything, I can't study.",
    "The Windrush generation still haven't been compensated. My uncle died waiting.",
    "Interpreters on the phone are often the wrong dialect.",
    "In my country I was a teacher. Here I am nobody.",
    "Being the only black person in my team, you have to work twice as hard to be seen.",
    "Islamophobia, especially for women who wear hijab. People shout things at the bus stop.",
    "Eastern European workers get treated like we are only good for building sites.",
    "Forms are only in English, and only online.",
    "No one explains how the system works here, the NHS, schools, benefits. You learn by mistakes.",
    "Because of NRPF we were refused emergency housing with a newborn baby.",
    "Racism in schools is not dealt with, the teachers say it is just banter.",
    "People with status still get asked for papers at every turn: the landlord, the "
    "employer, the bank.",
    "Migration and race",
    "Everywhere you go there are checks. Hostile is the right word.",
    "The GP receptionist told me I couldn't register without proof of address. That's not "
    "even the rule.",
    "Travellers get moved on constantly, nowhere to stop, kids can't stay at one school.",
    "Young black men are treated as suspects from the age of 12.",
    "Language barrier at the pharmacy, I didn't know how to take the medicine.",
    "The community is resilient but we are tired of fighting for basic respect.",
    "My wife can't come here because of the minimum income rules. My kids haven't seen their "
    "mum in two years.",
    "Hate crime goes unreported because the police didn't believe us last time.",
    "Workplace racism is the hidden reason people leave the NHS.",
    "Even at the food bank they treat you different when they hear you don't speak English",
    "Immigration solicitors are too expensive and legal aid has gone.",
    "Visa fees and the NHS surcharge for a family of four is thousands of pounds every renewal.",
    "Discrimination when looking for a flat. The agent stopped answering once he heard my name.",
    "We need more community interpreters who understand the culture, not just the words.",
    "Racism.",
    "We need services that look like us.",
    "My qualifications as a nurse from Nigeria are not recognised here, so I work as a "
    "healthcare assistant.",
    "They talk to my husband and ignore me because they think I don't understand English.",
)

_MENTAL = (
    "Loneliness. Some days I don't speak to anyone.",
    "The waiting list for talking therapy is 18 months. By then you're either better or worse.",
    "Anxiety all the time, about money, about the kids, about everything.",
    "Since my husband died I don't go out much. The grief just sits there.",
    "No one to talk to.",
    "Older people are alone in their flats, nobody knocks on the door anymore.",
    "The lunch club closed and that was the only time my dad saw other people.",
    "The crisis team told me to have a bath and call back if it got worse.",
    "I had to tell my story to five different people before anyone helped.",
    "After covid a lot of us never really came back out.",
    "Depression. I can't get out of bed some days. The GP just gives me tablets.",
    "i feel invisible",
    "Men don't talk. My friend took his own life last year and none of us knew he was struggling.",
    "Being a carer is lonely. My whole life is my mum's appointments.",
    "Stress from work and home, I never switch off.",
    "I'm disabled and housebound, the only people I see are the carers for 15 minutes a visit.",
    "Social prescribing helped me, I go to a gardening group now. More of that please.",
    "Community centres closing means there's nowhere to just be with people.",
    "My anxiety gets worse every time I have to deal with the council or the job centre.",
    "Talking therapy online doesn't work for everyone, some of us need to see a face.",
    "The waiting lists are the problem. For everything. Mental health, hospital, dentist.",
    "There is still stigma in my community about mental health, people say you just need to "
    "pray more.",
    "Lonely in a city of 9 million people.",
    "Mental health.",
    "Panic attacks on the bus, so I stopped going anywhere.",
    "Peer support groups are a lifeline but they run on no money.",
    "As a gay man getting older, I worry about ending up alone in a care home where I have to "
    "go back in the closet.",
    "Trans people wait years for the gender clinic. People are really not ok.",
    "Burnout. I'm a mental health nurse and I'm not coping myself.",
    "The phone line for the crisis service just rang and rang.",
    "They say isolation is as bad for you as smoking. Well round here everyone is smoking.",
    "Since the library hours were cut, older people have nowhere warm to go and chat.",
    "It is hard to ask for help when you have always been the strong one.",
    "My dad has dementia and we don't know where to go for support.",
    "Deaf people are cut off from everything, there's no BSL at the GP.",
    "I haven't been sleeping. Worrying all night about bills.",
    "People just need someone to listen, like this. Honestly this is the first time anyone asked.",
    "Bereavement support has a waiting list, but grief doesn't wait.",
    "Friendship groups for older men, there's nothing.",
    "Social isolation for people with disabilities. Transport isn't accessible so we stay home.",
    "I moved here for work and I don't know anybody. Weekends are the worst.",
    "Stress",
    "feel like nobody cares anymore, everyone just surviving",
    "My mental health is bad because my housing is bad, it's all connected.",
    "Counselling at the GP was six sessions and then you're on your own again.",
    "I'm 74 and my children live abroad. The telly is my company.",
    "After my diagnosis I lost my job, then my friends. You disappear.",
)

_CHILDREN = (
    "There is nothing for teenagers to do round here. They hang around and get into trouble.",
    "The youth club closed in 2019 and nothing replaced it.",
    "My son was excluded from school and now he's in a PRU with kids who are much worse off. "
    "It feels like they've given up on him.",
    "SEND support is a battle. We waited two years for an EHCP assessment.",
    "I'm scared every time my son goes out. Knife crime is real on our estate.",
    "Parents are juggling work, kids and caring for their own parents. Something has to give.",
    "School holidays are the hardest, no free meals and no activities we can afford.",
    "My daughter is autistic and the school can't meet her needs, she's been out of school "
    "since Easter.",
    "Young people need jobs and apprenticeships, not just being told to stay off the streets.",
    "Nowhere safe for kids to play, the park is full of dealers.",
    "Lone parent with three kids and no family here. If I get sick there's nobody.",
    "Teenagers get treated like criminals when they're just standing in a group.",
    "youth clubs. bring back youth clubs",
    "My son is 17 and has no idea what to do next, careers advice at school was one meeting.",
    "Childcare for children with disabilities basically doesn't exist.",
    "Kids spend all day on their phones because there's nothing else. Then we blame them.",
    "Young carers miss school because they are looking after mum.",
    "Children with mental health problems wait too long. My son waited 14 months for CAMHS.",
    "Exclusions hit black boys hardest, everybody knows it.",
    "The school asks for money for everything: trips, uniform, ingredients for cooking class.",
    "We need more male role models and mentors for boys.",
    "Postcode wars mean my son can't go to the college he wanted because it's in the wrong area.",
    "Parenting classes in other languages would help a lot.",
    "Breakfast club saved us, it means I can get to work on time.",
    "Young people.",
    "As a young person I feel like no one listens to us. Decisions get made about us without us.",
    "No affordable after school clubs.",
    "Grooming and county lines. Kids as young as 12 get pulled in.",
    "I'm 16 and I'm stressed about exams, about money at home, and about getting jumped on "
    "the way back from school.",
    "The health visitor only came once after my baby was born.",
    "Kids are hungry at school, the teachers are bringing food in.",
    "Moving up to secondary school is where we lose them.",
    "LGBTQ+ young people get kicked out at home and end up homeless.",
    "Too many young people carry knives because they're scared, not because they're bad.",
    "Sure Start centres were brilliant and they are gone.",
    "The waiting list for the nursery is longer than my maternity leave.",
    "I want my kids to have what I didn't have, but I can't even give them what I did have.",
    "Teenage girls don't feel safe on the buses at night.",
    "Students at uni working 25 hours a week on top of full time study. That's not a student life.",
    "Our children are growing up in one room, no space to do homework.",
    "Parents need support too, not judgement",
    "Free football on the estate on Saturdays, that's the kind of thing that keeps kids out "
    "of trouble.",
    "my son has ADHD and is waiting 3 years for diagnosis, school says no diagnosis no support",
    "Kids",
    "Stop cutting youth services and then asking why there's youth violence.",
    "Single dads get forgotten, all the groups are for mums.",
    "My daughter's school has a counsellor one day a week for 1,200 pupils.",
)

_MIXED = (
    Answer(
        (HOUSING, MENTAL),
        "Living with damp and mould for years has destroyed my mental health. I'm on "
        "antidepressants now and the flat is exactly the same.",
    ),
    Answer(
        (WORK, CHILDREN),
        "I work nights so I can do the school run. I sleep four hours a day. Something's got "
        "to give and it'll be me.",
    ),
    Answer(
        (MIGRATION, WORK),
        "Because of my status I work cash in hand, and the boss knows I can't complain so he "
        "pays what he wants.",
    ),
    Answer(
        (HOUSING, CHILDREN),
        "Two kids with asthma in a mouldy flat, and the school keeps sending letters about "
        "their attendance.",
    ),
    Answer(
        (MIGRATION, MENTAL),
        "I came alone as a refugee, my family is still in Sudan. I don't sleep. There is no "
        "one here who knows me.",
    ),
    Answer(
        (WORK, MENTAL),
        "Money worries keep me awake. My job is insecure, my rent is going up, and I feel "
        "like I'm drowning.",
    ),
    Answer(
        (WORK, CHILDREN, HOUSING),
        "Rent, food, energy, school uniform, it all lands at once in September and there's "
        "nothing left.",
    ),
    Answer(
        (MIGRATION, CHILDREN),
        "My children translate for me at the school meetings. It's not fair on them.",
    ),
    Answer(
        (MENTAL, CHILDREN),
        "As a single mum I'm exhausted and lonely, and there's no one to watch the kids so I "
        "can see my GP.",
    ),
    Answer((HOUSING, MIGRATION), "Landlords won't rent to us without a British guarantor."),
    Answer(
        (WORK, MIGRATION),
        "Health and care staff from overseas are tied to their sponsor. If you complain you "
        "risk your visa.",
    ),
    Answer(
        (MENTAL, WORK),
        "I'm a carer for my husband and had to give up my job. Now we're skint and I'm on my "
        "own with it all day.",
    ),
    Answer(
        (CHILDREN, HOUSING),
        "Young people can't leave home because there's nowhere to go, so three generations "
        "live in a two bed.",
    ),
    Answer(
        (MENTAL, MIGRATION),
        "Older people from our community can't use the services because nothing is in Tamil "
        "or Gujarati.",
    ),
    Answer(
        (MENTAL, HOUSING, WORK, CHILDREN),
        "Everything. The flat, the money, the kids' school, my nerves. It's all too much at the "
        "same time, and every service sends you to another service who sends you back.",
    ),
    Answer(
        (WORK, CHILDREN),
        "The school trip costs more than our food shop for the week.",
    ),
    Answer(
        (MIGRATION, HOUSING, CHILDREN),
        "We came from Eritrea in 2019. First a hotel, then a hostel, now a flat with mould in "
        "Walworth. Every move the children change school, every move there are new people to "
        "explain our story to. We are grateful to be safe but we are so tired.",
    ),
    Answer(
        (HOUSING, WORK),
        "Landlords say 'no DSS' openly. It's meant to be illegal but who checks? So we stay in "
        "a place with rats because nobody else will take us.",
    ),
    Answer(
        (CHILDREN, WORK),
        "SEN transport was cut so I take my son to school, 40 minutes each way, and then I'm "
        "late for work again.",
    ),
    Answer(
        (MENTAL, CHILDREN),
        "Grief after losing my nephew to knife crime. There's no support for the families left "
        "behind, you're just expected to carry on.",
    ),
    Answer(
        (MIGRATION, MENTAL),
        "PTSD from what I went through before I came here, and nobody to help me in my own "
        "language.",
    ),
    Answer(
        (WORK, MIGRATION),
        "I have a degree from my country but here I can only get cleaning work because they "
        "don't recognise it.",
    ),
    Answer(
        (CHILDREN, HOUSING),
        "Kids can't concentrate in class when they're hungry and tired from a cold house.",
    ),
)

# Personal data that redaction must catch: names, phone numbers, emails, addresses.
PII_ANSWERS = (
    PiiAnswer(
        (HOUSING,),
        "My name is Grace Okafor and my number is 07700 900123, please call me, the council "
        "keep ignoring my emails about the damp.",
        ("Grace Okafor", "Okafor", "07700 900123"),
        "southwark",
    ),
    PiiAnswer(
        (WORK,),
        "You can email me at tunde.adeyemi@example.com if you want to hear more about the "
        "agency I work for, they owe me three weeks pay.",
        ("tunde.adeyemi@example.com",),
        "lambeth",
    ),
    PiiAnswer(
        (HOUSING,),
        "I live at 42 Albany Road, SE5 7AB and the leak has been there since January.",
        ("42 Albany Road", "SE5 7AB"),
        "southwark",
    ),
    PiiAnswer(
        (MIGRATION,),
        "My caseworker Mrs Patel never answers, I call 020 7946 0958 every week and nothing.",
        ("Patel", "020 7946 0958"),
        "lewisham",
    ),
    PiiAnswer(
        (CHILDREN,),
        "My son Daniel Mensah was excluded last year and nobody from the school helped us.",
        ("Daniel Mensah", "Mensah"),
        "greenwich",
    ),
    PiiAnswer(
        (MENTAL,),
        "Ask for me, Mohammed Rahman, at the mosque after Friday prayers. I run the older men's "
        "group and they are very lonely.",
        ("Mohammed Rahman", "Rahman"),
        "southwark",
    ),
    PiiAnswer(
        (WORK,),
        "My manager Kevin Brown makes us work through our breaks and docks our pay if we're "
        "five minutes late.",
        ("Kevin Brown", "Kevin"),
        "lambeth",
    ),
    PiiAnswer(
        (CHILDREN, MENTAL),
        "text me on 07911 123456 if a parents group starts, I'm Aisha, I really need it.",
        ("07911 123456", "Aisha"),
        "bexley",
    ),
    PiiAnswer(
        (HOUSING,),
        "Flat 3, 18 Coldharbour Lane, SW9 8LF, that's us. Come and see the mould yourselves.",
        ("18 Coldharbour Lane", "SW9 8LF"),
        "lambeth",
    ),
    PiiAnswer(
        (MIGRATION, WORK),
        "My name is Oksana Kovalenko, I came from Ukraine, I was an accountant, now I clean "
        "offices at night.",
        ("Oksana Kovalenko", "Kovalenko"),
        "bromley",
    ),
)


def bank() -> tuple[Answer, ...]:
    """Every reusable answer (not the PII ones), tagged with its themes."""
    singles = (
        [Answer((HOUSING,), t) for t in _HOUSING]
        + [Answer((WORK,), t) for t in _WORK]
        + [Answer((MIGRATION,), t) for t in _MIGRATION]
        + [Answer((MENTAL,), t) for t in _MENTAL]
        + [Answer((CHILDREN,), t) for t in _CHILDREN]
    )
    return tuple(singles) + _MIXED
