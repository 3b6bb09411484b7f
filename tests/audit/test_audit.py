from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db


def _entries(app, record_type, record_id):
    with app.app_context():
        return db.session.execute(
            select(AuditEntry).filter_by(record_type=record_type, record_id=str(record_id)).order_by(AuditEntry.id)
        ).scalars().all()


def test_insert_update_are_recorded_with_user_address_and_old_new(app, admin_client, world):
    admin_client.post(f"/regions/{world.town_a1.id}/rename", data={"name": "凤城街道"},
                      environ_base={"REMOTE_ADDR": "10.1.2.3"})
    entries = _entries(app, "regions", world.town_a1.id)
    assert [e.action for e in entries] == ["insert", "update"]
    update = entries[-1]
    assert update.username == "admin" and update.user_id == world.users["admin"]
    assert update.remote_addr == "10.1.2.3"
    assert update.changes == {"name": ["凤城镇", "凤城街道"]}
    assert update.region_id == world.town_a1.id


def test_password_values_never_reach_the_log(app, admin_client, world):
    admin_client.post(f"/users/{world.users['clerk']}/password", data={"password": "Temp-2026x"})
    update = _entries(app, "users", world.users["clerk"])[-1]
    assert update.changes["password_hash"] == ["******", "******"]


def test_login_bookkeeping_is_not_logged(app, client_as, world):
    before = len(_entries(app, "users", world.users["clerk"]))
    client_as("clerk")
    assert len(_entries(app, "users", world.users["clerk"])) == before


def test_delete_is_recorded(app, world):
    from app.auth.models import User

    with app.app_context():
        db.session.delete(db.session.get(User, world.users["viewer"]))
        db.session.commit()
    # Audit entries keep their text; the user_id link is what a delete would break, so users
    # are deactivated in the product. Here the viewer had no entries pointing at it as actor.
    entries = _entries(app, "users", world.users["viewer"])
    assert entries[-1].action == "delete"
    assert entries[-1].changes["username"] == ["viewer", None]


def test_history_on_record_page(admin_client, world):
    admin_client.post(f"/regions/{world.town_a1.id}/rename", data={"name": "凤城街道"})
    html = admin_client.get(f"/regions/{world.town_a1.id}").get_data(as_text=True)
    assert "修改记录" in html and "凤城镇 → 凤城街道" in html


def test_admin_list_filters_and_is_scoped(app, admin_client, client_as, world):
    admin_client.post(f"/regions/{world.town_a1.id}/rename", data={"name": "凤城街道"})
    html = admin_client.get("/audit?action=update&record_type=regions").get_data(as_text=True)
    assert "凤城街道" in html
    assert "新增" not in html.split("<tbody>")[1]
    fragment = admin_client.get("/audit?q=凤城", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "凤城" in fragment
    # A county administrator sees only its own county's entries.
    from app.auth.models import Role
    from app.auth.services import create_user

    with app.app_context():
        create_user(username="b_admin", display_name="泽州管理员", role=Role.ADMIN, region_id=world.county_b.id,
                    password="Test-2026").must_change_password = False
        db.session.commit()
    html = client_as("b_admin").get("/audit?record_type=regions").get_data(as_text=True)
    assert "南村镇" in html and "凤城" not in html


def test_date_filter(admin_client, world):
    html = admin_client.get("/audit?start=2000-01-01&end=2000-01-02").get_data(as_text=True)
    assert "没有符合条件的记录" in html


def test_history_reads_in_chinese(app, admin_client, world):
    html = admin_client.get(f"/users/{world.users['clerk']}").get_data(as_text=True)
    history = html.split("修改记录")[1]
    assert "角色：乡镇文体干事" in history and "密码：******" in history
    assert "session_token" not in history and "role" not in history


def test_the_audit_page_reads_in_names_and_china_time(app, admin_client, world):
    """Not "inspections #23", "所属区划：4" or a UTC ISO stamp: names, Chinese table names, China time."""
    import re

    from tests.factories import make_inspection, make_org

    with app.app_context():
        org = make_org(world.town_a1, name="凤城镇体育总会")
        make_inspection(org, finalize=True)
        db.session.commit()
        org.region_id = world.town_a2.id  # as if moved; the entry names both townships
        db.session.commit()
    html = admin_client.get("/audit").get_data(as_text=True)
    assert "所属区划：凤城镇 → 北留镇" in html
    assert "检查：" in html and "inspections #" not in html
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", html)  # no raw ISO timestamps
