"""Two people editing the same client never lose an update: the later save is refused with a
coded conflict, and the edit page shows both versions without losing the editor's input."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from audit.models import AuditEvent
from clients.models import Client
from clients.services import ClientEditConflict, update_client

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(target, results, key):
    """Run `target` on its own thread with its own database connection."""

    def run():
        try:
            results[key] = target()
        except Exception as exc:
            results[key] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def edit(client_pk, *, expected_version, user, **fields):
    return update_client(
        client=Client.objects.get(pk=client_pk),
        expected_version=expected_version,
        updated_by=user,
        **fields,
    )


# The new numbers are in another area code than the factories', so neither edit is a no-op.
@pytest.mark.parametrize("attempt", range(5))
def test_two_editors_saving_at_once_exactly_one_wins(a_client, front_desk, therapist, attempt):
    start = threading.Barrier(2)
    results = {}

    def editor(user, phone):
        def go():
            start.wait(timeout=10)
            return edit(a_client.pk, expected_version=1, user=user, phone=phone)

        return go

    threads = [
        in_thread(editor(front_desk, "+12125550111"), results, "fran"),
        in_thread(editor(therapist, "+12125550122"), results, "theo"),
    ]
    for thread in threads:
        thread.join(timeout=30)

    conflicts = [r for r in results.values() if isinstance(r, ClientEditConflict)]
    saved = [r for r in results.values() if isinstance(r, Client)]
    assert (len(saved), len(conflicts)) == (1, 1), results
    assert conflicts[0].code == "edit_conflict"
    assert conflicts[0].current.phone == saved[0].phone
    a_client.refresh_from_db()
    assert (a_client.version, a_client.phone) == (2, saved[0].phone)
    assert AuditEvent.objects.filter(action="update").count() == 1


def test_a_save_that_has_to_wait_for_the_row_lock_is_refused_after_it(
    a_client, front_desk, therapist
):
    first_saved, release = threading.Event(), threading.Event()
    results = {}

    def slow_first_editor():
        from django.db import transaction

        with transaction.atomic():
            client = edit(a_client.pk, expected_version=1, user=front_desk, email="a@example.com")
            first_saved.set()
            release.wait(timeout=10)  # still holding the row lock, not yet committed
        return client

    first = in_thread(slow_first_editor, results, "first")
    assert first_saved.wait(timeout=10)
    second = in_thread(
        lambda: edit(a_client.pk, expected_version=1, user=therapist, email="b@example.com"),
        results,
        "second",
    )
    second.join(timeout=1)
    assert second.is_alive(), "the second save should wait for the first one's row lock"
    release.set()
    first.join(timeout=10)
    second.join(timeout=10)

    assert isinstance(results["first"], Client)
    assert isinstance(results["second"], ClientEditConflict)
    a_client.refresh_from_db()
    assert (a_client.email, a_client.version) == ("a@example.com", 2)


def test_stale_saves_are_refused_one_after_another(a_client, front_desk, therapist):
    edit(a_client.pk, expected_version=1, user=front_desk, phone="+12125550111")
    for phone in ("+12125550122", "+12125550133"):
        with pytest.raises(ClientEditConflict) as conflict:
            edit(a_client.pk, expected_version=1, user=therapist, phone=phone)
        assert conflict.value.code == "edit_conflict"
    a_client.refresh_from_db()
    assert (a_client.phone, a_client.version) == ("+12125550111", 2)
    assert AuditEvent.objects.filter(action="update").count() == 1


def test_saving_without_changes_keeps_the_version(a_client, front_desk):
    edit(a_client.pk, expected_version=1, user=front_desk, phone=a_client.phone)
    a_client.refresh_from_db()
    assert a_client.version == 1
    assert not AuditEvent.objects.filter(action="update").exists()


def form_data(client_record, **changes):
    data = {
        "legal_name": client_record.legal_name,
        "preferred_name": client_record.preferred_name,
        "date_of_birth": client_record.date_of_birth.isoformat(),
        "phone": client_record.phone,
        "email": client_record.email,
        "preferred_language": client_record.preferred_language,
        "physician_name": client_record.physician_name,
        "physician_fax": client_record.physician_fax,
        "version": client_record.version,
    }
    return {**data, **changes}


def test_edit_page_shows_their_version_and_keeps_the_editors_input(
    client, front_desk, therapist, a_client
):
    url = reverse("clients:edit", args=[a_client.public_id])
    stale = form_data(a_client, email="mine@example.com")
    edit(a_client.pk, expected_version=1, user=therapist, email="theirs@example.com")

    client.force_login(front_desk)
    response = client.post(url, stale)
    page = response.content.decode()
    assert response.status_code == 409
    assert (
        "Someone else changed this client while you were editing; here is their version "
        "— your changes are below"
    ) in page
    assert "theirs@example.com" in page  # their version, in the table
    assert 'value="mine@example.com"' in page  # the editor's input, still in the form
    assert 'name="version" value="2"' in page
    a_client.refresh_from_db()
    assert a_client.email == "theirs@example.com"

    # Saving again after seeing their version is a deliberate choice, and it goes through.
    response = client.post(url, {**stale, "version": 2})
    assert response.status_code == 302
    a_client.refresh_from_db()
    assert (a_client.email, a_client.version) == ("mine@example.com", 3)


def test_the_edit_form_carries_the_version_it_was_loaded_from(client, front_desk, a_client):
    client.force_login(front_desk)
    page = client.get(reverse("clients:edit", args=[a_client.public_id])).content.decode()
    assert 'name="version" value="1"' in page
