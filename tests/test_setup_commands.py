"""What `make run` and `make test` rely on: the admin bootstrap, the demo seed, the supervisor of web and
worker, and settings that refuse bad configuration before anything starts."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

from kyc import roles
from kyc.celery import app as celery_app
from kyc.management.commands import seed_demo
from kyc.models import AuditEvent, OcrAttempt, Status, Submission

BASE_DIR = Path(__file__).resolve().parent.parent
# Variables a CI run sets that would change what a subprocess under test sees.
_CONFIG_VARIABLES = {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "S3_BUCKET", "OCR_BACKEND", "KYC_DATA_DIR"}


def _clean_env(tmp_path, **overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _CONFIG_VARIABLES and not k.endswith("_FILE")}
    env.update(KYC_DATA_DIR=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="kyc.settings", **overrides)
    return env


def _run(command, **kwargs) -> str:
    out = StringIO()
    call_command(command, stdout=out, **kwargs)
    return out.getvalue()


class TestBootstrapAdmin:
    def test_it_creates_one_superuser_in_the_admin_group(self, db):
        output = _run("bootstrap_admin")
        password = re.search(r"password: (\S+)", output).group(1)
        user = get_user_model().objects.get()
        assert user.is_superuser and user.is_staff
        assert list(user.groups.values_list("name", flat=True)) == [roles.ADMIN]
        assert authenticate(username="admin", password=password) == user
        assert AuditEvent.objects.filter(event="user.created", subject_id=str(user.pk)).exists()

    def test_it_prints_the_password_only_the_first_time(self, db):
        first = _run("bootstrap_admin")
        second = _run("bootstrap_admin")
        password = re.search(r"password: (\S+)", first).group(1)
        assert password not in second and "password" not in second
        assert get_user_model().objects.count() == 1

    def test_it_leaves_an_existing_admin_alone(self, admin_user):
        assert "password" not in _run("bootstrap_admin")
        assert get_user_model().objects.get() == admin_user

    def test_it_refuses_to_promote_an_existing_non_admin(self, db):
        get_user_model().objects.create_user("admin", password="irrelevant-password")
        with pytest.raises(CommandError, match="not an admin"):
            _run("bootstrap_admin")


@pytest.fixture
def eager_celery():
    """Tasks run in this process the moment they are queued: the real pipeline without a worker."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


class TestSeedDemo:
    def test_it_carries_demo_cards_through_ocr(self, db, eager_celery, django_capture_on_commit_callbacks, monkeypatch):
        # The OCR pipeline is built on its own branch; until it is merged there is nothing to carry
        # the demo cards through.
        pytest.importorskip("kyc.services.pipeline")
        # One card per country keeps the test to a few seconds of OCR; the whole set is the same code.
        monkeypatch.setattr(seed_demo, "DEMO_CARDS", [seed_demo.DEMO_CARDS[0], seed_demo.DEMO_CARDS[-1]])
        with django_capture_on_commit_callbacks(execute=True):
            output = _run("seed_demo")
        submissions = list(Submission.objects.all())
        assert f"Loaded {len(submissions)}" in output
        assert {s.country for s in submissions} == {"MY", "SG"}
        for submission in submissions:
            assert submission.images.exists()
            assert OcrAttempt.objects.filter(submission=submission).exists(), submission
            # A demo may well show a card the engine could not read; it may not show one stuck.
            assert submission.status in (Status.NEEDS_REVIEW, Status.OCR_FAILED), submission.status
        in_review = {s.country for s in submissions if s.status == Status.NEEDS_REVIEW}
        assert in_review == {"MY", "SG"}

    def test_it_loads_nothing_when_submissions_exist(self, db):
        Submission.objects.create(country="MY")
        assert "no demo data" in _run("seed_demo")
        assert Submission.objects.count() == 1


class TestSettings:
    @pytest.mark.parametrize(
        "variable, value, message",
        [
            ("DATABASE_URL", "mysql://db/kyc", "DATABASE_URL must be a postgres:// or sqlite:// URL"),
            ("CELERY_BROKER_URL", "sqs://queue", "CELERY_BROKER_URL must be"),
            ("OCR_BACKEND", "azure", "OCR_BACKEND must be one of local, tencent"),
            ("DEBUG", "maybe", "DEBUG must be a boolean"),
            ("OCR_MAX_RETRIES", "-1", "OCR_MAX_RETRIES must be at least 0"),
            ("TENCENT_OCR_URL", "ftp://example.com/", "TENCENT_OCR_URL must be an http(s) URL"),
        ],
    )
    def test_it_fails_loudly_on_a_bad_value(self, tmp_path, variable, value, message):
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()"],
            env=_clean_env(tmp_path, **{variable: value}),
            cwd=BASE_DIR, capture_output=True, text=True, timeout=60,
        )
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr and message in result.stderr, result.stderr

    def test_tencent_needs_its_credentials(self, tmp_path):
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()"],
            env=_clean_env(tmp_path, OCR_BACKEND="tencent"),
            cwd=BASE_DIR, capture_output=True, text=True, timeout=60,
        )
        assert "OCR_BACKEND=tencent needs TENCENT_SECRET_ID and TENCENT_SECRET_KEY" in result.stderr

    def test_it_reads_secrets_from_name_file(self, tmp_path):
        (tmp_path / "secret_key").write_text("from-a-docker-secret\n")
        (tmp_path / "database_url").write_text(f"sqlite:///{tmp_path / 'other.sqlite3'}\n")
        result = subprocess.run(
            [sys.executable, "-c", "from django.conf import settings; print(settings.SECRET_KEY); print(settings.DATABASES['default']['NAME'])"],
            env=_clean_env(tmp_path, SECRET_KEY_FILE=str(tmp_path / "secret_key"), DATABASE_URL_FILE=str(tmp_path / "database_url")),
            cwd=BASE_DIR, capture_output=True, text=True, timeout=60,
        )
        assert result.stdout.split() == ["from-a-docker-secret", str(tmp_path / "other.sqlite3")], result.stderr

    def test_an_unreadable_name_file_stops_start_up(self, tmp_path):
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()"],
            env=_clean_env(tmp_path, SECRET_KEY_FILE=str(tmp_path / "absent")),
            cwd=BASE_DIR, capture_output=True, text=True, timeout=60,
        )
        assert "SECRET_KEY_FILE: cannot read" in result.stderr

    def test_the_filesystem_broker_keeps_all_its_folders_in_the_data_dir(self, tmp_path):
        # kombu's control folder once defaulted to ./control, in the source tree.
        result = subprocess.run(
            [sys.executable, "-c", "import json; from django.conf import settings; print(json.dumps(settings.CELERY_BROKER_TRANSPORT_OPTIONS))"],
            env=_clean_env(tmp_path), cwd=BASE_DIR, capture_output=True, text=True, timeout=60,
        )
        options = json.loads(result.stdout)
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            assert Path(options[key]).is_relative_to(tmp_path / "data"), (key, options[key])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
def test_serve_runs_web_and_worker_and_ctrl_c_stops_both(tmp_path):
    port = _free_port()
    serve = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--addr", f"127.0.0.1:{port}", "--concurrency", "1"],
        env=_clean_env(tmp_path, PYTHONUNBUFFERED="1"), cwd=BASE_DIR,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        banner = serve.stdout.readline()
        pids = [int(p) for p in re.findall(r"pid (\d+)", banner)]
        assert len(pids) == 2, banner
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the web server never listened"
                assert serve.poll() is None, serve.stdout.read()
                time.sleep(0.2)
        assert all(_alive(pid) for pid in pids)

        serve.send_signal(signal.SIGINT)
        output, _ = serve.communicate(timeout=60)
        assert serve.returncode == 0, output
        assert "Stopped." in output
        assert not any(_alive(pid) for pid in pids)
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()


def test_readme_documents_every_setting():
    settings_source = (BASE_DIR / "kyc" / "settings.py").read_text()
    variables = set(re.findall(r"\benv(?:_bool|_number|_list|_choice)?\(\s*\"([A-Z0-9_]+)\"", settings_source))
    readme = (BASE_DIR / "README.md").read_text()
    assert len(variables) > 30
    assert sorted(v for v in variables if f"| `{v}` |" not in readme) == []
