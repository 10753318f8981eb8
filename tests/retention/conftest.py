"""Fixtures of the retention tests: a real S3 peer (moto) for the lock tests."""

from tests.recordings.conftest import moto_endpoint, s3_store  # noqa: F401  (fixtures)
