"""Given notifications in a user's inbox, when they open the page, then they see only theirs,
can mark one or all read (htmx), and the nav badge shows the unread count."""

import pytest

from notifications.models import Notification

SIZES = [5, 100]
MAX_LIST = 10


def notify(user, n, **extra):
    return [
        Notification.objects.create(
            recipient=user, title=f"待办提醒{i}", body="请及时处理。", url="/queue/", **extra
        )
        for i in range(n)
    ]


def test_the_inbox_lists_my_notifications_only(users, login):
    notify(users["sales"], 2)
    notify(users["gm"], 1)
    html = login(users["sales"]).get("/notifications/").content.decode()
    assert html.count("notification-item") == 2
    assert "未读 2 条" in html and 'href="/queue/"' in html


def test_the_nav_links_to_the_inbox_with_a_badge(users, login):
    notify(users["sales"], 3)
    client = login(users["sales"])
    assert "/notifications/badge/" in client.get("/").content.decode()
    badge = client.get("/notifications/badge/").content.decode()
    assert 'id="nav-unread-count">3<' in badge
    Notification.objects.update(read_at="2025-01-01T00:00:00+08:00")
    assert "nav-unread-count" not in client.get("/notifications/badge/").content.decode()


def test_mark_one_read_with_htmx(users, login):
    first, second = notify(users["sales"], 2)
    client = login(users["sales"])
    response = client.post(f"/notifications/{first.pk}/read/", HTTP_HX_REQUEST="true")
    assert response["HX-Trigger"] == "notifications-changed"
    assert "notification-unread" not in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_read and not second.is_read


def test_mark_all_read(users, login):
    notify(users["sales"], 3)
    other = notify(users["gm"], 1)[0]
    client = login(users["sales"])
    html = client.post("/notifications/read-all/", HTTP_HX_REQUEST="true").content.decode()
    assert "已将 3 条通知标为已读" in html and "未读 0 条" in html
    assert not Notification.objects.filter(recipient=users["sales"], read_at=None).exists()
    other.refresh_from_db()
    assert not other.is_read


def test_plain_post_redirects_back(users, login):
    (item,) = notify(users["sales"], 1)
    response = login(users["sales"]).post(f"/notifications/{item.pk}/read/")
    assert response.status_code == 302 and response.url == "/notifications/"


def test_someone_elses_notification_is_404(users, login):
    (item,) = notify(users["gm"], 1)
    assert login(users["sales"]).post(f"/notifications/{item.pk}/read/").status_code == 404
    item.refresh_from_db()
    assert not item.is_read


def test_unread_filter(users, login):
    first, _second = notify(users["sales"], 2)
    Notification.objects.filter(pk=first.pk).update(read_at="2025-01-01T00:00:00+08:00")
    html = login(users["sales"]).get("/notifications/?unread=1").content.decode()
    assert html.count("notification-item") == 1


def test_reading_needs_a_login_and_a_post(users, client, login):
    assert client.get("/notifications/").status_code == 302
    (item,) = notify(users["sales"], 1)
    assert login(users["sales"]).get(f"/notifications/{item.pk}/read/").status_code == 405


@pytest.mark.parametrize("n", SIZES)
def test_inbox_query_count_is_flat(users, login, django_assert_max_num_queries, n):
    notify(users["sales"], n)
    client = login(users["sales"])
    with django_assert_max_num_queries(MAX_LIST):
        response = client.get("/notifications/")
    assert response.content.decode().count("notification-item") == min(n, 20)
