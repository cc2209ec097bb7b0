def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"


def test_front_door_leads_to_tracker(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/pledges")
