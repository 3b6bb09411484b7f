"""The demo's documented token works on the demo county, as `make run` and the README say."""
from app.demo import DEMO_TOKEN
from app.demo.api_tokens import load_api_token
from app.demo.regions import load_regions_and_users
from app.extensions import db
from tests.api.conftest import Api


def test_the_demo_token_pushes_a_case_in_the_demo_county(app):
    with app.app_context():
        load_api_token(*load_regions_and_users())
        db.session.commit()
    api = Api(app.test_client(), DEMO_TOKEN)
    response = api.push()
    assert response.status_code == 201 and response.json["number"].startswith("阳城体诉")
