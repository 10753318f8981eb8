"""Compliance engine benchmark (issue 13). Prints each figure beside a baseline measured in the
same run, since these machines are noisy.

    python bench/compliance.py [--activities 10000] [--per-activity 5] [--backend both]
                               [--speech-seconds 120]

1. The nightly run (`engine.run_all`) over a bureau's month: N activities with 5 one-minute
   recordings each (recorders split files a second apart), 200 officers and recorders with their
   pre-use checks, the speech already measured (as the nightly run finds it); a few per cent of
   activities break a rule (a 4-minute gap, a late hand-over, no recording, a late start).
   Printed: seconds per 1,000 activities (target < 1 s), for the first run (which writes the
   findings and their ledger entries) and for a re-run (nothing changed: the steady state);
   each also as a ratio to one SELECT of every row the run reads (activities, recordings,
   speech, checks, findings).
   On SQLite in a fresh data folder and on PostgreSQL in a fresh database created on
   BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres), dropped after.
2. Speech detection: seconds of audio analysed per second of wall time on one core (target
   >= 50x real time), on an MP4 that starts with espeak-ng's Mandarin notification sentence;
   baseline: decoding and resampling the same audio with PyAV alone.
"""

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAULTY = {"gap": 0.05, "late": 0.03, "missing": 0.02, "late_start": 0.02}  # share of activities


def setup_django() -> None:
    os.environ.setdefault("BODYCAM_DATA_DIR", tempfile.mkdtemp(prefix="bench-compliance-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bodycam.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(activities: int, per_activity: int) -> None:
    """A month of a bureau, written in bulk."""
    from decimal import Decimal

    from django.db import transaction

    from bodycam.accounts.models import Unit, User
    from bodycam.activities.models import EnforcementActivity
    from bodycam.compliance.models import SpeechAnalysis
    from bodycam.devices.models import Device, PreUseCheck
    from bodycam.recordings.models import Recording

    start = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
    days = 30
    with transaction.atomic():
        units = Unit.objects.bulk_create(
            [Unit(code=f"B{n:02d}", name=f"执法{n}大队") for n in range(10)]
        )
        officers = User.objects.bulk_create([
            User(username=f"bench{n}", full_name=f"执法人员{n}", badge_number=f"BX{n:04d}",
                 unit=units[n % 10], password="!")
            for n in range(200)
        ])  # fmt: skip
        devices = Device.objects.bulk_create([
            Device(serial=f"BD{n:05d}", model="DSJ-V9", custodian=officers[n], unit=units[n % 10])
            for n in range(200)
        ])  # fmt: skip
        PreUseCheck.objects.bulk_create([
            PreUseCheck(device=d, checked_by=officers[i], checked_at=start + timedelta(days=day),
                        no_fault=True, battery_percent=95, free_storage_gb=Decimal(30),
                        device_clock=start + timedelta(days=day), clock_offset=timedelta(0))
            for day in range(days) for i, d in enumerate(devices)
        ], batch_size=2000)  # fmt: skip
        rows, recordings, speech = [], [], []
        length = timedelta(seconds=60)
        for n in range(activities):
            who = n % 200
            per_day = -(-activities // days)  # in the order they happened, as pks run
            began = start + timedelta(days=n // per_day, minutes=(n % per_day) % 480)
            rows.append(EnforcementActivity(
                type="routine_inspection", started_at=began, status="closed",
                ended_at=began + per_activity * (length + timedelta(seconds=1)),
                opened_by=officers[who],
            ))  # fmt: skip
        rows = EnforcementActivity.objects.bulk_create(rows, batch_size=2000)
        through_officers = EnforcementActivity.officers.through
        through_devices = EnforcementActivity.devices.through
        through_officers.objects.bulk_create([
            through_officers(enforcementactivity_id=a.pk, user_id=officers[n % 200].pk)
            for n, a in enumerate(rows)
        ], batch_size=5000)  # fmt: skip
        through_devices.objects.bulk_create([
            through_devices(enforcementactivity_id=a.pk, device_id=devices[n % 200].pk)
            for n, a in enumerate(rows)
        ], batch_size=5000)  # fmt: skip
        for n, activity in enumerate(rows):
            fault = _fault(n)
            if fault == "missing":
                continue
            at = activity.started_at + (timedelta(minutes=5) if fault == "late_start" else
                                        timedelta(0))  # fmt: skip
            for k in range(per_activity):
                if fault == "gap" and k == per_activity - 1:
                    at += timedelta(minutes=4)
                number = n * per_activity + k
                deadline = (activity.started_at + timedelta(hours=16)).replace(hour=16, minute=0)
                ingested = deadline + timedelta(hours=5 if fault == "late" else -4)
                recordings.append(Recording(
                    sha256=hashlib.sha256(str(number).encode()).hexdigest(), size=60_000_000,
                    kind="video", original_name=f"BD{n % 200:05d}_{number}.MP4",
                    device=devices[n % 200], officer=officers[n % 200], recorded_at=at,
                    time_source="container", duration=length, container="mov,mp4",
                    video_codec="h264", audio_codec="aac", ingested_at=ingested,
                    upload_deadline=deadline, deadline_met=ingested <= deadline,
                    activity=activity,
                ))  # fmt: skip
                at += length + timedelta(seconds=1)
        recordings = Recording.objects.bulk_create(recordings, batch_size=2000)
        for recording in recordings:
            speech.append(SpeechAnalysis(
                recording=recording, has_audio=True, analysed_seconds=60.0,
                spans=[[0.4, 6.2], [20.0, 31.5]], analysed_at=start,
            ))  # fmt: skip
        SpeechAnalysis.objects.bulk_create(speech, batch_size=2000)


def _fault(n: int) -> str | None:
    spot = (n * 7919) % 1000 / 1000  # spread evenly, the same in every run
    edge = 0.0
    for name, share in FAULTY.items():
        edge += share
        if spot < edge:
            return name
    return None


def select_everything() -> float:
    """One SELECT of every row the nightly run reads, fetched whole: the floor of any run."""
    from django.db import connection

    tables = ["activities_enforcementactivity", "activities_enforcementactivity_officers",
              "activities_enforcementactivity_devices", "recordings_recording",
              "compliance_speechanalysis", "devices_preusecheck", "compliance_finding"]  # fmt: skip
    began = time.perf_counter()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")
            cursor.fetchall()
    return time.perf_counter() - began


def nightly(activities: int, per_activity: int) -> None:
    from bodycam.compliance import engine
    from bodycam.compliance.models import Finding

    began = time.perf_counter()
    fill(activities, per_activity)
    print(f"  filled {activities:,} activities, {activities * per_activity:,} recordings "
          f"in {time.perf_counter() - began:.1f} s")  # fmt: skip
    now = datetime(2026, 12, 3, tzinfo=UTC)
    for label in ("first run", "re-run"):
        select = min(select_everything() for _ in range(3))
        began = time.perf_counter()
        tally = engine.run_all(now=now, analyse=False)
        took = time.perf_counter() - began
        per_thousand = took / (activities / 1000)
        print(
            f"  {label}: {took:.2f} s = {per_thousand:.3f} s per 1,000 activities "
            f"(target < 1 s); one SELECT of the same rows {select:.3f} s; "
            f"ratio {took / select:.1f}; found {tally.found}, unchanged {tally.unchanged}"
        )
    print(f"  findings kept: {Finding.objects.count():,}")


def run_backend(backend: str, args) -> None:
    env = dict(os.environ)
    database = None
    if backend == "postgres":
        import psycopg

        server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        database = f"bench_compliance_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = server.rsplit("/", 1)[0] + f"/{database}"
    else:
        env.pop("DATABASE_URL", None)
    env["BODYCAM_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-compliance-")
    Path(env["BODYCAM_DATA_DIR"]).chmod(0o700)
    print(f"{backend}:", flush=True)
    try:
        subprocess.run([sys.executable, __file__, "--inner", "--activities", str(args.activities),
                        "--per-activity", str(args.per_activity)], env=env, check=True)  # fmt: skip
    finally:
        if database:
            with psycopg.connect(server, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE "{database}" WITH (FORCE)')


def speech_speed(seconds: float) -> None:
    import av

    sys.path.insert(0, str(ROOT))
    from bodycam.compliance import speech
    from tests import media

    folder = Path(tempfile.mkdtemp(prefix="bench-speech-"))
    clip = media.make_speaking_mp4(folder / "notification.mp4", seconds)
    runs = []
    for _ in range(3):
        began = time.perf_counter()
        found = speech.detect(clip)
        runs.append(time.perf_counter() - began)
    took = min(runs)
    began = time.perf_counter()
    with av.open(str(clip)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=speech.RATE)
        for frame in container.decode(audio=0):
            resampler.resample(frame)
    decode = time.perf_counter() - began
    print(f"speech: {found.seconds:.0f} s of audio in {took:.2f} s = {found.seconds / took:.0f}x "
          f"real time (target >= 50x); decoding and resampling alone {decode:.3f} s "
          f"({found.seconds / decode:.0f}x); ratio detect/decode {took / decode:.1f}; "
          f"speech found at {found.spans[:1]}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--per-activity", type=int, default=5)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--speech-seconds", type=float, default=120.0)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        setup_django()
        nightly(args.activities, args.per_activity)
        return
    print(f"nightly run over {args.activities:,} activities x {args.per_activity} recordings")
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        run_backend(backend, args)
    os.environ.setdefault("BODYCAM_DATA_DIR", tempfile.mkdtemp(prefix="bench-compliance-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bodycam.settings")
    import django

    django.setup()
    speech_speed(args.speech_seconds)


if __name__ == "__main__":
    main()
