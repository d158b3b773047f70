"""API keys for our OCR API: created by command or admin, secret shown once, encrypted at rest."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ocr.models import ApiKey

pytestmark = pytest.mark.django_db


def create(name, *extra):
    out, err = io.StringIO(), io.StringIO()
    call_command("ocr_api_key", "create", "--name", name, *extra, stdout=out, stderr=err)
    secret_id = re.search(r"SecretId:\s+(\S+)", out.getvalue())[1]
    secret_key = re.search(r"SecretKey:\s+(\S+)", out.getvalue())[1]
    return secret_id, secret_key


def database_dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", "ocr", stdout=out)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM ocr_apikey")
        rows = cursor.fetchall()
    return out.getvalue() + repr(rows)


def test_create_prints_the_pair_once_and_stores_the_secret_encrypted():
    secret_id, secret_key = create("acme", "--rate-mlid", "2")
    key = ApiKey.objects.get(name="acme")
    assert key.secret_id == secret_id and secret_id.startswith("AKID") and len(secret_key) == 32
    assert key.secret_key == secret_key and key.rate_limit_mlid == 2 and key.is_active
    dump = database_dump()
    assert secret_id in dump and secret_key not in dump


def test_a_dump_without_the_field_encryption_key_yields_no_secret(settings):
    _, secret_key = create("acme")
    settings.FIELD_ENCRYPTION_KEY = "another-installation"
    with pytest.raises(ValueError):
        ApiKey.objects.get(name="acme").secret_key


def test_two_keys_differ_and_names_are_unique():
    first, second = create("a"), create("b")
    assert first[0] != second[0] and first[1] != second[1]
    with pytest.raises(CommandError):
        create("a")


def test_disable_enable_and_list():
    secret_id, _ = create("acme")
    out = io.StringIO()
    call_command("ocr_api_key", "disable", secret_id, stdout=out)
    key = ApiKey.objects.get(secret_id=secret_id)
    assert not key.is_active and key.disabled_at
    call_command("ocr_api_key", "enable", "acme", stdout=out)
    key.refresh_from_db()
    assert key.is_active and key.disabled_at is None
    listing = io.StringIO()
    call_command("ocr_api_key", "list", stdout=listing)
    assert secret_id in listing.getvalue() and "never" in listing.getvalue()
    with pytest.raises(CommandError):
        call_command("ocr_api_key", "disable", "nobody", stdout=out)


def test_admin_creates_a_key_and_shows_the_secret_only_once(client, admin_user):
    client.force_login(admin_user)
    page = client.post("/admin/ocr/apikey/add/", {"name": "from-admin", "rate_limit_mlid": "", "rate_limit_sg": "3"})
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    key = ApiKey.objects.get(name="from-admin")
    assert key.rate_limit_sg == 3
    html = page.content.decode()
    assert key.secret_id in html and key.secret_key in html
    assert key.secret_key not in database_dump()
    change = client.get(f"/admin/ocr/apikey/{key.pk}/change/").content.decode()
    listing = client.get("/admin/ocr/apikey/").content.decode()
    assert key.secret_id in listing
    assert key.secret_key not in change and key.secret_key not in listing


def test_admin_disable_action(client, admin_user):
    key, _ = ApiKey.objects.create_key("acme")
    client.force_login(admin_user)
    client.post("/admin/ocr/apikey/", {"action": "disable_keys", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert not key.is_active and key.disabled_at
