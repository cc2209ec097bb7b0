"""The "needs a human" queue: expected-gain order, one card per same answer, group decisions."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select

from listening.audit import AuditEvent
from listening.extensions import db
from listening.themes import embedding, operations, queries, queue, workspace
from listening.themes.models import Assignment, AssignmentSource, RunStatus, SubTheme, ThemeRun
from listening.timeutil import utcnow


@pytest.fixture
def campaign(make_campaign):
    campaign = make_campaign("queue-test", boroughs=("Southwark", "Lambeth"))
    operations.ensure_themes(campaign)
    return campaign


@pytest.fixture
def run(campaign, embedder):
    row = ThemeRun(
        campaign_id=campaign.id,
        status=RunStatus.SUCCEEDED,
        finished_at=utcnow(),
        model_id=embedder.model_id,
    )
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def answer(campaign, run, make_conversation):
    """One submitted answer with the model's scores for it (housing first)."""

    def make(text, people=1, housing=0.4, migration=0.3, embed=False):
        response = make_conversation(campaign, [text], people=people).responses[0]
        theme = queries.get_theme(campaign.id, "housing")
        scores = {"housing": housing, "migration-race": migration}
        db.session.add(
            Assignment(
                response_id=response.id,
                theme_id=theme.id,
                score=housing,
                scores=scores,
                source=AssignmentSource.MODEL,
                run_id=run.id,
            )
        )
        if embed:
            embedding.make_embedder().encode([text])  # stores the vector, as a run does
        db.session.flush()
        return response

    return make


def test_uncertainty_is_one_minus_the_margin_of_the_two_best():
    assert queue.uncertainty({"a": 0.45, "b": 0.44, "c": 0.11}, 0.45) == pytest.approx(0.99)
    assert queue.uncertainty({"a": 0.45, "b": 0.05}, 0.45) == pytest.approx(0.6)
    assert queue.uncertainty(None, 0.3) == pytest.approx(0.7)


def test_same_answer_key_ignores_case_punctuation_and_spacing():
    key = queue.same_answer_key
    assert key("  Rent is TOO high!!\n") == key("rent, is too high")
    assert queue.same_answer_key("Straße") == queue.same_answer_key("STRASSE")
    assert queue.same_answer_key("rent is high") != queue.same_answer_key("rent is higher")
    assert queue.same_answer_key("👍") != queue.same_answer_key("🙂")  # no words: the text itself


def test_queue_is_ordered_by_uncertainty_times_people(campaign, answer):
    sure_few = answer("Bins are not collected", people=1, housing=0.45, migration=0.44)
    clear_many = answer("Landlord will not fix the boiler", people=10, housing=0.45, migration=0.05)
    close_some = answer("Nowhere for the kids to play", people=3, housing=0.40, migration=0.38)
    answer("Rent takes all my wages", people=50, housing=0.9, migration=0.05)  # not unsure
    cards = queue.groups(campaign.id)
    assert [c.lead.response.id for c in cards] == [clear_many.id, close_some.id, sure_few.id]
    assert [round(c.gain, 2) for c in cards] == [6.0, 2.94, 0.99]
    page = workspace.needs_review(campaign)
    assert (page.total_cards, page.total) == (3, 3) and page.cards[0].lead.people == 10


def test_identical_and_near_identical_answers_are_one_card(campaign, answer):
    a = answer("Damp and mould in my flat and the council never comes to fix it", embed=True)
    b = answer("damp and mould in my flat - and the council NEVER comes to fix it!", embed=True)
    c = answer("Damp and mould in my flat and the council never come to fix it", embed=True)
    different = answer("Damp in my flat, the council never fixes it", embed=True)
    cards = queue.groups(campaign.id)
    grouped = [sorted(i.response.id for i in card.items) for card in cards]
    assert sorted(grouped) == sorted([sorted([a.id, b.id, c.id]), [different.id]])
    big = next(card for card in cards if len(card.items) == 3)
    assert big.people == 3 and len(big.variants) == 2
    assert queue.same_answers(a, [b.id, c.id, different.id]) == [b, c]


def test_no_vector_means_only_exact_grouping(campaign, answer):
    a = answer("Damp and mould in my flat and the council never comes to fix it")
    c = answer("Damp and mould in my flat and the council never come to fix it")
    assert queue.same_answers(a, [c.id]) == []
    assert len(queue.groups(campaign.id)) == 2


def test_cosine_threshold_is_applied_to_stored_vectors(campaign, run, answer):
    a, b = answer("first wording"), answer("second wording")
    vectors = {a.id: np.array([1.0, 0.0]), b.id: np.array([0.96, 0.28])}  # cosine 0.96
    items = queue.items(campaign.id)
    assert len(queue._group(items, vectors, 0.95)) == 1
    assert len(queue._group(items, vectors, 0.97)) == 2


def _events(response_ids, action):
    return list(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == action,
                AuditEvent.entity == "intake_response",
                AuditEvent.entity_id.in_([str(i) for i in response_ids]),
            )
        )
    )


def test_group_move_applies_to_every_same_answer_with_one_event_each(
    client, login, make_user, campaign, answer, make_campaign, make_conversation
):
    login(make_user("reviewer"))
    lead = answer("Rent is too high", people=5)
    same = [answer("rent is too high!"), answer("RENT  is too high.")]
    other = answer("The buses are late")
    foreign = make_conversation(make_campaign("elsewhere"), ["Rent is too high"]).responses[0]
    target = queries.get_theme(campaign.id, "work-wages-cost-of-living")
    page = client.get("/themes/review?campaign=queue-test").get_data(as_text=True)
    assert "Apply to 3 identical answers" in page and page.count('name="same"') == 2
    posted = client.post(
        f"/themes/review/{lead.id}/decide",
        data={
            "action": "move",
            "theme": str(target.id),
            "apply_all": "y",
            "same": [str(r.id) for r in [*same, other, foreign]],  # forged extras are ignored
        },
    )
    assert posted.status_code == 303
    assert "Moved for 3 answers." in client.get(posted.headers["Location"]).get_data(as_text=True)
    decided = [lead, *same]
    assert all(queries.reviewer_row(r.id).theme_id == target.id for r in decided)
    assert queries.reviewer_row(other.id) is None and queries.reviewer_row(foreign.id) is None
    events = _events([r.id for r in decided], "themes.move_response")
    assert sorted(int(e.entity_id) for e in events) == sorted(r.id for r in decided)
    assert sorted(e.after.get("same_as") or 0 for e in events) == [0, lead.id, lead.id]


def test_group_confirm_and_the_box_unticked(client, login, make_user, campaign, answer):
    login(make_user("reviewer"))
    lead, twin = answer("No repairs for months"), answer("no repairs for months")
    alone, alone_twin = answer("Too few GP appointments"), answer("too few GP appointments")
    client.post(
        f"/themes/review/{lead.id}/decide",
        data={"action": "confirm", "theme": "none", "apply_all": "y", "same": [str(twin.id)]},
    )
    assert len(_events([lead.id, twin.id], "themes.confirm_assignment")) == 2
    housing = queries.get_theme(campaign.id, "housing")
    assert queries.reviewer_row(twin.id).theme_id == housing.id
    client.post(
        f"/themes/review/{alone.id}/decide",
        data={"action": "confirm", "theme": "none", "same": [str(alone_twin.id)]},
    )
    assert queries.reviewer_row(alone.id) is not None
    assert queries.reviewer_row(alone_twin.id) is None
    assert [c.lead.response.id for c in queue.groups(campaign.id)] == [alone_twin.id]


def test_bad_decisions_are_refused_without_500(client, login, make_user, campaign, answer):
    login(make_user("reviewer"))
    lead = answer("Rent is too high")
    for data in (
        {"action": "move", "theme": "999999"},
        {"action": "move", "theme": "abc"},
        {"action": "move"},
        {"action": "move", "theme": "none", "same": ["x", "-1", "9" * 30]},
    ):
        assert client.post(f"/themes/review/{lead.id}/decide", data=data).status_code == 303
    assert client.post("/themes/review/999999/decide", data={}).status_code == 404


def test_sub_theme_examples_are_distinct(campaign, run, answer):
    housing = queries.get_theme(campaign.id, "housing")
    texts = ["Rent is too high", "rent is too high!", "RENT is too high", "Damp in the flat"]
    responses = [answer(t, housing=0.9) for t in texts + ["Landlord ignores us"]]
    sub = SubTheme(
        run_id=run.id,
        theme_id=housing.id,
        key="rent",
        label="Rent",
        representative_ids=[r.id for r in responses[:3]],
    )
    db.session.add(sub)
    db.session.flush()
    for r in responses:
        queries.model_row(r.id, run.id).sub_theme_id = sub.id
    db.session.flush()
    view = next(v for v in workspace.theme_page(housing).sub_themes if v.sub_theme.id == sub.id)
    keys = [queue.same_answer_key(r.redacted_text) for r in view.representatives]
    assert len(keys) == 3 and len(set(keys)) == 3
    assert view.representatives[0].id == responses[0].id


def test_the_review_page_shows_twenty_cards_a_page_in_queue_order(
    campaign, answer, client, login, make_user
):
    for i in range(45):
        answer(f"Answer number {i} about the estate", people=1 + i % 7, migration=0.3 - i / 500)
    order = [c.lead.response.id for c in queue.groups(campaign.id)]
    seen = []
    for number in (1, 2, 3):
        result = workspace.needs_review(campaign, number)
        assert (result.page, result.pages, result.total_cards, result.total) == (number, 3, 45, 45)
        seen += [c.lead.response.id for c in result.cards]
    assert seen == order and len(workspace.needs_review(campaign, 3).cards) == 5
    login(make_user("reviewer"))
    base = "/themes/review?campaign=queue-test"
    html = client.get(base + "&page=2").get_data(as_text=True)
    assert "showing cards 21 to 40 of 45 (page 2 of 3)" in html
    assert html.count('class="app-queue__card"') == 20
    assert f'id="response-{order[20]}"' in html and f'id="response-{order[19]}"' not in html
    assert 'href="/themes/review?campaign=queue-test&amp;page=3"' in html  # next / page 3
    assert client.get(f"{base}&page=99").status_code == 200  # past the end: the last page
    for bad in ("0", "-1", "abc", "1e9", "9" * 40, "²"):
        assert client.get(f"{base}&page={bad}").status_code == 400, bad
    last = client.get(base + "&page=99").get_data(as_text=True)
    assert "(page 3 of 3)" in last and last.count('class="app-queue__card"') == 5
    # a decision on page 2 comes back to page 2
    here = "/themes/review?campaign=queue-test&page=2"
    assert f'name="next" value="{here.replace("&", "&amp;")}"' in html
    decided = client.post(
        f"/themes/review/{order[20]}/decide",
        data={"action": "confirm", "theme": "none", "next": here},
    )
    assert decided.status_code == 303 and decided.headers["Location"].endswith(here)
    assert workspace.needs_review(campaign).total_cards == 44
