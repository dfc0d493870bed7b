import pytest

from revmod.registry.models import Adherence, Instrument, Party
from revmod.test import count_queries, make_party

pytestmark = pytest.mark.django_db


def test_list_is_paginated_with_every_party(client, registry):
    body = client.get("/api/v1/parties/").json()
    assert body["count"] == 189
    assert len(body["results"]) == 100
    assert body["previous"] is None and "page=2" in body["next"]
    page2 = client.get(body["next"]).json()
    assert len(page2["results"]) == 89
    codes = [p["code"] for p in body["results"] + page2["results"]]
    assert len(set(codes)) == 189


def test_page_size_up_to_500(client, registry):
    assert len(client.get("/api/v1/parties/?page_size=189").json()["results"]) == 189
    assert len(client.get("/api/v1/parties/?page_size=20").json()["results"]) == 20
    for n in range(400):
        make_party(f"Z{n:02d}" if n < 100 else f"{n}")
    assert len(client.get("/api/v1/parties/?page_size=10000").json()["results"]) == 500


def test_african_parties_in_french(client, registry):
    body = client.get("/api/v1/parties/?regional_group=AFR&lang=fr&page_size=500").json()
    assert body["count"] == Party.objects.filter(regional_group__code="AFR").count()
    assert {p["regional_group"] for p in body["results"]} == {"AFR"}
    by_code = {p["code"]: p for p in body["results"]}
    assert by_code["CIV"]["name"] == Party.objects.get(code="CIV").name_fr
    assert by_code["DZA"]["name"] == "Algérie"
    assert by_code["ZAF"]["kind"] == "state"


def test_language_from_accept_language(client, registry):
    party = client.get("/api/v1/parties/DEU/", headers={"accept-language": "ru"}).json()
    assert party["name"] == "Германия"
    party = client.get("/api/v1/parties/DEU/?lang=es", headers={"accept-language": "ru"}).json()
    assert party["name"] == "Alemania"
    assert client.get("/api/v1/parties/DEU/?lang=xx").json()["name"] == "Germany"


def test_one_party_with_its_instruments(client, registry):
    party = client.get("/api/v1/parties/uga/").json()
    assert party["code"] == "UGA"
    instruments = {i["instrument"]: i for i in party["instruments"]}
    assert instruments["SOM"] == {
        "instrument": "SOM",
        "date": "2024-03-27",
        "action": "ratification",
    }
    eu = client.get("/api/v1/parties/EU/").json()
    assert eu["kind"] == "reio" and eu["regional_group"] is None


def test_filter_by_instrument(client, registry):
    body = client.get("/api/v1/parties/?instrument=FIR&page_size=500").json()
    assert body["count"] == Party.objects.party_to("FIR").count()
    assert all(any(i["instrument"] == "FIR" for i in p["instruments"]) for p in body["results"])


def test_bad_filters_are_a_clear_400(client, registry):
    response = client.get("/api/v1/parties/?regional_group=MARS")
    assert response.status_code == 400
    assert "regional_group" in response.json()
    assert client.get("/api/v1/parties/NOPE/").status_code == 404


def test_read_only(client, registry):
    assert client.post("/api/v1/parties/", {"code": "ABC"}).status_code == 405
    assert client.delete("/api/v1/parties/DEU/").status_code == 405
    assert Party.objects.filter(code="DEU").exists()


def test_query_count_stays_flat(client, registry):
    def fetch():
        assert client.get("/api/v1/parties/?page_size=500").status_code == 200

    untoc = Instrument.objects.get(code="UNTOC")
    few = count_queries(fetch)
    for n in range(50):
        party = make_party(f"Y{n:02d}")
        Adherence.objects.create(
            party=party, instrument=untoc, action="approval", date="2010-01-01"
        )
    assert count_queries(fetch) == few


def test_schema_and_docs(client):
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/parties/" in paths and "/api/v1/parties/{code}/" in paths
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
    assert b"cdn.jsdelivr" not in docs.content  # served from our own static files


def test_the_openapi_schema_is_valid_and_warning_free(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/pairings/" in text and "/api/v1/draws/{id}/" in text


def test_the_list_sorts_on_ordering_and_refuses_an_unknown_one(client, registry):
    def codes(**params):
        return [
            p["code"]
            for p in client.get("/api/v1/parties/", {"page_size": 500, **params}).json()["results"]
        ]

    assert codes() == sorted(codes())
    assert codes(ordering="-code") == codes()[::-1]

    def names(ordering):
        params = {"page_size": 500, "ordering": ordering, "lang": "fr"}
        return [p["name"] for p in client.get("/api/v1/parties/", params).json()["results"]]

    # Sorted on the names in the language asked (the database's collation orders accents).
    by_name = names("party")
    assert len(by_name) == 189 and by_name[:2] == ["Afghanistan", "Afrique du Sud"]
    assert names("-party") == by_name[::-1]
    response = client.get("/api/v1/parties/", {"ordering": "secret"})
    assert response.status_code == 400 and "ordering" in response.json()
