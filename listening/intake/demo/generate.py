"""Plan the synthetic SEL 2023 conversations: pure and deterministic for a given seed.

People counts add up exactly to the campaign's published figures by borough.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from listening.intake.demo import answers as bank
from listening.intake.demo import languages, round2024
from listening.intake.demo import organisations as orgs
from listening.intake.demo import reference as ref

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://listening.invalid/demo")

FORMAT_WEIGHTS = {
    "default": {"one-to-one": 40, "small-group": 47, "event": 13},
    "large": {"one-to-one": 35, "small-group": 48, "event": 17},
    "under-reached": {"one-to-one": 45, "small-group": 50, "event": 5},
    "unspecified": {"online": 40, "small-group": 45, "event": 15},
}
SIZES = {"small-group": (3, 12), "event": (20, 60)}
ANSWERS_PER_FORMAT = {
    "one-to-one": (1, 3),
    "online": (1, 2),
    "small-group": (2, 4),
    "event": (3, 4),
}
CONSENT_RATE = 0.7
MAX_ANSWERS = 4


@dataclass(frozen=True)
class Round:
    """What differs between listening rounds of the demo."""

    slug: str
    reference_prefix: str  # import references are "<prefix>-<seed>-<borough>-<n>"
    people_by_borough: dict[str, int]
    starts_on: date
    late_start: date  # the extra outreach in under-reached boroughs started later
    listening_ends: date
    theme_shift: dict[str, float] = field(default_factory=dict)
    new_answers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    with_pii_answers: bool = True
    with_other_languages: bool = True


SEL_2023 = Round(
    slug=ref.SEL_SLUG,
    reference_prefix="demo",
    people_by_borough=ref.PEOPLE_BY_BOROUGH,
    starts_on=ref.SEL_CAMPAIGN["starts_on"],
    late_start=date(2023, 7, 10),
    listening_ends=ref.LISTENING_ENDS,
)
SEL_2024 = Round(
    slug=round2024.SLUG,
    reference_prefix="demo-2024",
    people_by_borough=round2024.PEOPLE_BY_BOROUGH,
    starts_on=round2024.CAMPAIGN["starts_on"],
    late_start=date(2024, 5, 1),
    listening_ends=round2024.LISTENING_ENDS,
    theme_shift=round2024.THEME_SHIFT,
    new_answers=round2024.NEW_ANSWERS,
    with_pii_answers=False,
    with_other_languages=False,
)
# A new answer is drawn this many times as often as one heard before (it is what is new).
NEW_ANSWER_WEIGHT = 3


@dataclass(frozen=True)
class PlannedConversation:
    uuid: str
    reference: str
    borough: str
    organisation: str
    held_on: date
    format: str
    people_count: int
    groups: tuple[str, ...]
    consent_to_quote: bool
    responses: tuple[str, ...]


def conversation_uuid(seed: int, borough: str, index: int, slug: str = ref.SEL_SLUG) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{slug}/seed-{seed}/{borough}/{index}"))


def _weights_for(borough: str, people: int) -> dict[str, int]:
    if borough == "unspecified":
        return FORMAT_WEIGHTS["unspecified"]
    if borough in ref.UNDER_REACHED:
        return FORMAT_WEIGHTS["under-reached"]
    if people > 500:
        return FORMAT_WEIGHTS["large"]
    return FORMAT_WEIGHTS["default"]


def split_people(total: int, weights: dict[str, int], rng: random.Random):
    """(format, people) pairs whose people add up to exactly `total`."""
    single = "online" if "online" in weights else "one-to-one"
    formats, chances = list(weights), list(weights.values())
    remaining, parts = total, []
    while remaining:
        fmt = rng.choices(formats, chances)[0]
        if fmt == "event" and remaining < SIZES["event"][0]:
            fmt = "small-group"
        if fmt == "small-group" and remaining < SIZES["small-group"][0]:
            fmt = single
        count = 1 if fmt not in SIZES else min(rng.randint(*SIZES[fmt]), remaining)
        parts.append((fmt, count))
        remaining -= count
    return parts


class _AnswerPools:
    """Answers by main theme, each pool shuffled and used round-robin so reuse is even."""

    def __init__(self, rng: random.Random, new_answers: dict[str, tuple[str, ...]]):
        self.rng = rng
        self.pools: dict[str, list[str]] = {theme: [] for theme in ref.THEMES}
        for answer in bank.bank():
            self.pools[answer.themes[0]].append(answer.text)
        for theme, texts in new_answers.items():
            self.pools[theme].extend(list(texts) * NEW_ANSWER_WEIGHT)
        self.iterators = {theme: self._cycle(theme) for theme in ref.THEMES}

    def _cycle(self, theme: str) -> Iterator[str]:
        while True:
            pool = list(self.pools[theme])
            self.rng.shuffle(pool)
            yield from pool

    def draw(self, weights: dict[str, int], count: int) -> tuple[str, ...]:
        themes, chances = list(weights), list(weights.values())
        drawn: list[str] = []
        for position in range(count * 3):  # a few spare tries to avoid repeats
            if len(drawn) == count:
                break
            if position and self.rng.random() < 0.35:
                theme = self.rng.choice(ref.THEMES)
            else:
                theme = self.rng.choices(themes, chances)[0]
            text = next(self.iterators[theme])
            if text not in drawn:
                drawn.append(text)
        return tuple(drawn)


def _facilitators() -> dict[str, list[tuple[str, str]]]:
    by_borough: dict[str, list[tuple[str, str]]] = {}
    for name, kind, borough, status in orgs.ORGANISATIONS:
        if status == "facilitating":
            by_borough.setdefault(borough, []).append((name, kind))
    return by_borough


def _pick_organisation(candidates, fmt: str, rng: random.Random) -> tuple[str, str]:
    online = [c for c in candidates if c[0] == orgs.ONLINE_ORGANISATION]
    if fmt == "online" and online:
        return online[0]
    offline = [c for c in candidates if c[0] != orgs.ONLINE_ORGANISATION]
    partners = (orgs.PARTNER_ORGANISATION, orgs.PARTNER2_ORGANISATION)
    weights = [3 if name in partners else 1 for name, _kind in offline]
    return rng.choices(offline, weights)[0]


def _pick_groups(kind: str, fmt: str, rng: random.Random) -> tuple[str, ...]:
    groups = [rng.choice(ref.TYPE_GROUPS[kind])]
    extra = {"one-to-one": (0, 1), "online": (0, 1), "small-group": (0, 2), "event": (1, 3)}
    all_slugs = [slug for slug, _name in ref.GROUPS]
    for _ in range(rng.randint(*extra[fmt])):
        slug = rng.choice(all_slugs)
        if slug not in groups:
            groups.append(slug)
    return tuple(groups)


def _theme_weights(groups: tuple[str, ...], shift: dict[str, float]) -> dict[str, float]:
    weights = dict.fromkeys(ref.THEMES, 0.0)
    for position, group in enumerate(groups):
        for theme, weight in ref.GROUP_THEMES[group].items():
            weights[theme] += weight * (2 if position == 0 else 1) * shift.get(theme, 1.0)
    return {theme: w for theme, w in weights.items() if w}


def _held_on(borough: str, rng: random.Random, spec: Round) -> date:
    start = spec.late_start if borough in ref.UNDER_REACHED else spec.starts_on
    return start + timedelta(days=rng.randint(0, (spec.listening_ends - start).days))


def plan_conversations(seed: int = 2023, spec: Round = SEL_2023) -> list[PlannedConversation]:
    """Every demo conversation of one round, the same list for the same seed."""
    rng = random.Random(seed)
    pools = _AnswerPools(rng, spec.new_answers)
    facilitators = _facilitators()
    plans: list[PlannedConversation] = []
    for borough, total in spec.people_by_borough.items():
        split = split_people(total, _weights_for(borough, total), rng)
        for index, (fmt, people) in enumerate(split):
            name, kind = _pick_organisation(facilitators[borough], fmt, rng)
            groups = _pick_groups(kind, fmt, rng)
            plans.append(
                PlannedConversation(
                    uuid=conversation_uuid(seed, borough, index, spec.slug),
                    reference=f"{spec.reference_prefix}-{seed}-{borough}-{index + 1:03d}",
                    borough=borough,
                    organisation=name,
                    held_on=_held_on(borough, rng, spec),
                    format=fmt,
                    people_count=people,
                    groups=groups,
                    consent_to_quote=rng.random() < CONSENT_RATE,
                    responses=pools.draw(
                        _theme_weights(groups, spec.theme_shift),
                        rng.randint(*ANSWERS_PER_FORMAT[fmt]),
                    ),
                )
            )
    plans = _with_pii_answers(plans, rng) if spec.with_pii_answers else plans
    return _with_other_languages(plans, rng) if spec.with_other_languages else plans


def _with_pii_answers(plans: list[PlannedConversation], rng: random.Random):
    """Put each answer with personal data into one conversation (in its borough if it has one)."""
    used: set[int] = set()
    for pii in bank.PII_ANSWERS:
        choices = [
            i
            for i, plan in enumerate(plans)
            if i not in used and (pii.borough is None or plan.borough == pii.borough)
        ]
        index = rng.choice(choices)
        used.add(index)
        plan = plans[index]
        kept = plan.responses[: MAX_ANSWERS - 1]
        plans[index] = PlannedConversation(**{**plan.__dict__, "responses": (*kept, pii.text)})
    return plans


def _with_other_languages(plans: list[PlannedConversation], rng: random.Random):
    """Give one-to-one conversations in Lambeth and Southwark the answers in other languages,
    one language per conversation, as many answers as it had (so every count stays)."""
    personal = {pii.text for pii in bank.PII_ANSWERS}
    free = [
        i
        for i, plan in enumerate(plans)
        if plan.borough in languages.BOROUGHS
        and plan.format == "one-to-one"
        and not personal & set(plan.responses)
    ]
    rng.shuffle(free)
    by_language: dict[str, list[str]] = {}
    for answer in languages.answers():
        by_language.setdefault(answer.language, []).append(answer.text)
    for texts in by_language.values():
        while texts:
            index = next((i for i in free if len(plans[i].responses) <= len(texts)), free[0])
            free.remove(index)
            plan = plans[index]
            n = min(len(plan.responses), len(texts))
            taken, texts = texts[:n], texts[n:]
            responses = (*taken, *plan.responses[n:])
            plans[index] = PlannedConversation(**{**plan.__dict__, "responses": responses})
    return plans
