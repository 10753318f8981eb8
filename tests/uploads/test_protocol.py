"""tus 1.0 conformance of /api/v1/uploads/, through Django's test client: discovery, creation,
HEAD, PATCH with its offsets and checksums, termination, and our refusals."""

import os
import stat

import pytest
from django.test import Client

from bodycam.uploads import partial
from bodycam.uploads.models import Status, Upload
from tests.uploads.conftest import CLIP_NAME, Tus, checksum, metadata, refused_in_both

pytestmark = pytest.mark.django_db

DATA = bytes(range(256)) * 40  # 10 KiB; these tests never complete an upload


def _upload(url: str) -> Upload:
    return Upload.objects.get(pk=url.rstrip("/").rsplit("/", 1)[1])


def test_options_announces_version_extensions_size_and_checksums(client, settings):
    response = client.options("/api/v1/uploads/")
    assert response.status_code == 204
    assert response["Tus-Resumable"] == response["Tus-Version"] == "1.0.0"
    assert {"creation", "termination", "checksum"} <= set(response["Tus-Extension"].split(","))
    assert response["Tus-Max-Size"] == str(settings.UPLOAD_MAX_BYTES)
    assert set(response["Tus-Checksum-Algorithm"].split(",")) == {"sha1", "sha256", "md5"}


def test_creation_answers_201_with_an_absolute_location_and_a_private_empty_file(tus):
    response = tus.create(len(DATA), sha256="ab" * 32, filetype="video/mp4")
    assert response.status_code == 201 and response["Tus-Resumable"] == "1.0.0"
    location = response["Location"]
    assert location.startswith("http://testserver/api/v1/uploads/") and location.endswith("/")
    upload = _upload(location)
    assert upload.metadata == {"filename": CLIP_NAME, "sha256": "ab" * 32, "filetype": "video/mp4"}
    assert (upload.status, upload.offset, upload.length) == (Status.RECEIVING, 0, len(DATA))
    part = partial.part_path(upload.pk)
    assert part.stat().st_size == 0 and stat.S_IMODE(part.stat().st_mode) == 0o600


def test_head_gives_offset_length_metadata_and_forbids_caching(tus):
    url = tus.new(len(DATA))
    assert tus.patch(url, 0, DATA[:1000]).status_code == 204
    response = tus.head(url)
    assert response.status_code == 200
    assert (response["Upload-Offset"], response["Upload-Length"]) == ("1000", str(len(DATA)))
    assert response["Cache-Control"] == "no-store"
    assert response["Upload-Metadata"] == metadata(filename=CLIP_NAME)
    assert response["Tus-Resumable"] == "1.0.0" and "Upload-Expires" in response


def test_patch_appends_and_answers_the_new_offset(tus):
    url = tus.new(len(DATA))
    first = tus.patch(url, 0, DATA[:4000], Upload_Checksum=checksum(DATA[:4000], "sha1"))
    second = tus.patch(url, 4000, DATA[4000:5000], Upload_Checksum=checksum(DATA[4000:5000], "md5"))
    assert (first.status_code, first["Upload-Offset"]) == (204, "4000")
    assert (second.status_code, second["Upload-Offset"]) == (204, "5000")
    assert partial.part_path(_upload(url).pk).read_bytes() == DATA[:5000]


def test_a_wrong_offset_is_a_409_and_changes_nothing(tus):
    url = tus.new(len(DATA))
    tus.patch(url, 0, DATA[:100])
    for wrong in (0, 50, 200):
        response = tus.patch(url, wrong, DATA[wrong : wrong + 100])
        assert response.status_code == 409 and "100" in response.content.decode()
    assert tus.offset(url) == 100


def test_a_checksum_mismatch_is_460_and_nothing_is_appended(tus):
    url = tus.new(len(DATA))
    tus.patch(url, 0, DATA[:100])
    wrong = checksum(b"something else")
    refused_in_both(lambda lang: _speaking(tus, lang).patch(url, 100, DATA[100:600],
                                                          Upload_Checksum=wrong), 460)  # fmt: skip
    assert tus.offset(url) == 100
    assert partial.part_path(_upload(url).pk).read_bytes() == DATA[:100]


@pytest.mark.parametrize(
    "value", ["crc32 AAAAAA==", "sha256 not-base64!", "sha256 " + "A" * 8, "sha1"]
)
def test_an_unknown_or_malformed_checksum_is_a_400(tus, value):
    url = tus.new(len(DATA))
    assert tus.patch(url, 0, DATA[:10], Upload_Checksum=value).status_code == 400
    assert tus.offset(url) == 0


def test_patch_needs_the_offset_octet_stream_type_and_an_offset(tus):
    url = tus.new(len(DATA))
    assert tus.patch(url, 0, DATA[:10], Content_Type="application/json").status_code == 415
    no_offset = tus.call("PATCH", url, DATA[:10])
    assert no_offset.status_code == 400
    assert tus.offset(url) == 0


def test_bytes_past_the_upload_length_are_refused_whole(tus):
    url = tus.new(100)
    response = tus.patch(url, 0, DATA[:101])
    assert response.status_code == 413
    assert tus.offset(url) == 0 and partial.part_path(_upload(url).pk).read_bytes() == b""


def test_termination_is_204_then_the_upload_is_gone(tus):
    url = tus.new(len(DATA))
    tus.patch(url, 0, DATA[:100])
    part = partial.part_path(_upload(url).pk)
    response = tus.call("DELETE", url)
    assert response.status_code == 204 and response["Tus-Resumable"] == "1.0.0"
    assert not part.exists() and _upload(url).status == Status.TERMINATED
    assert tus.head(url).status_code == 404
    assert tus.patch(url, 100, DATA[100:200]).status_code == 404
    assert tus.call("DELETE", url).status_code == 404


@pytest.mark.parametrize("version", ["0.2.2", "", None])
def test_another_protocol_version_is_412_with_ours(client, token, version):
    tus = Tus(client, token)
    headers = {"Tus-Resumable": version} if version is not None else {}
    response = client.generic(
        "POST", "/api/v1/uploads/", headers={**tus.auth, "Upload-Length": "10", **headers}
    )
    assert response.status_code == 412 and response["Tus-Version"] == "1.0.0"
    assert not Upload.objects.exists()


def test_an_upload_over_the_limit_is_413_in_the_language_asked_for(tus, settings):
    too_big = settings.UPLOAD_MAX_BYTES + 1
    refused_in_both(lambda lang: _speaking(tus, lang).create(too_big), 413)
    assert not Upload.objects.exists()


@pytest.mark.parametrize("name", ["notes.txt", "TA00716_20261120.DAT", "clip", "../x.mp4.sh"])
def test_only_media_files_may_be_uploaded(tus, name):
    chinese, english = refused_in_both(lambda lang: _speaking(tus, lang).create(10, filename=name),
                                       400)  # fmt: skip
    assert "只能上传音像文件" in chinese and "Only media files" in english


def test_a_filename_is_required_and_metadata_must_be_base64(tus):
    refused_in_both(
        lambda lang: _speaking(tus, lang).call("POST", "/api/v1/uploads/", Upload_Length="10"), 400
    )
    bad = tus.call("POST", "/api/v1/uploads/", Upload_Length="10", Upload_Metadata="filename ***")
    assert bad.status_code == 400
    assert tus.create(10, sha256="not-a-digest").status_code == 400
    assert tus.create(10, filename="a\x00.mp4").status_code == 400
    assert tus.call("POST", "/api/v1/uploads/", Upload_Length="-1").status_code == 400


def test_anonymous_requests_are_401(client):
    tus = Tus(client)
    response = tus.create(10)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert Tus(client, "0" * 40).create(10).status_code == 401


def test_an_officer_without_the_ingest_permission_is_refused_403(client, officer):
    from tests.factories import api_key

    denied = Tus(client, api_key(officer))
    refused_in_both(lambda lang: _speaking(denied, lang).create(10), 403)
    assert not Upload.objects.exists()


def test_someone_elses_upload_is_a_404_for_every_method(client, tus, other_clerk):
    from tests.factories import api_key

    url = tus.new(len(DATA))
    stranger = Tus(client, api_key(other_clerk))
    assert stranger.head(url).status_code == 404
    assert stranger.patch(url, 0, DATA[:10]).status_code == 404
    assert stranger.call("DELETE", url).status_code == 404
    assert client.get(url, headers=stranger.auth).status_code == 404
    assert tus.offset(url) == 0 and _upload(url).status == Status.RECEIVING


def test_too_many_uploads_at_once_are_429(tus, settings):
    settings.UPLOAD_MAX_CONCURRENT = 2
    tus.new(10)
    tus.new(10)
    refused_in_both(lambda lang: _speaking(tus, lang).create(10), 429)
    Upload.objects.filter(status=Status.RECEIVING).update(status=Status.TERMINATED)
    assert tus.create(10).status_code == 201


def test_a_patch_while_another_is_writing_is_refused(tus):
    url = tus.new(len(DATA))
    with partial.locked(_upload(url).pk):
        assert tus.patch(url, 0, DATA[:100]).status_code == 409
    assert tus.patch(url, 0, DATA[:100]).status_code == 204


def test_leftovers_of_a_dead_patch_are_cut_before_the_next(tus):
    url = tus.new(len(DATA))
    tus.patch(url, 0, DATA[:100])
    with partial.part_path(_upload(url).pk).open("ab") as part:
        part.write(b"garbage a crashed request left behind")
    assert tus.patch(url, 100, DATA[100:300]).status_code == 204
    assert partial.part_path(_upload(url).pk).read_bytes() == DATA[:300]


def test_x_http_method_override_is_honoured_on_post(tus):
    url = tus.new(len(DATA))
    response = tus.call("POST", url, DATA[:10], X_HTTP_Method_Override="PATCH", Upload_Offset="0")
    assert (response.status_code, response["Upload-Offset"]) == (204, "10")


def test_a_browser_session_needs_its_csrf_token(records_clerk):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(records_clerk)
    tus = Tus(browser)
    assert tus.create(10).status_code == 403
    browser.get("/recordings/upload/")  # sets the CSRF cookie, as the page does
    token = browser.cookies["csrftoken"].value
    response = tus.call(
        "POST", "/api/v1/uploads/", X_CSRFToken=token, Upload_Length="10",
        Upload_Metadata=metadata(filename=CLIP_NAME),
    )  # fmt: skip
    assert response.status_code == 201
    url = response["Location"]
    assert tus.head(url).status_code == 200  # safe methods need no token
    assert tus.patch(url, 0, b"0123456789").status_code == 403
    overridden = tus.call(
        "POST", url, b"0123456789", X_HTTP_Method_Override="PATCH", Upload_Offset="0"
    )
    assert overridden.status_code == 403 and tus.offset(url) == 0
    assert tus.patch(url, 0, b"01234", X_CSRFToken=token).status_code == 204
    overridden = tus.call(
        "POST", url, b"56789", X_HTTP_Method_Override="PATCH", Upload_Offset="5",
        X_CSRFToken=token,
    )  # fmt: skip
    assert overridden.status_code == 204 and tus.offset(url) == 10


def test_the_json_status_for_the_page(tus):
    url = tus.new(len(DATA))
    tus.patch(url, 0, DATA[:10])
    body = tus.status(url)
    assert body["status"] == "receiving" and (body["offset"], body["length"]) == (10, len(DATA))
    assert body["filename"] == CLIP_NAME and body["result"] is None


def test_unknown_device_or_officer_in_metadata_is_a_clear_400(tus):
    response = tus.create(10, device="NOPE0001")
    assert response.status_code == 400 and "NOPE0001" in response.content.decode()
    assert tus.create(10, officer="XX9999").status_code == 400


def test_other_methods_are_405(tus):
    assert tus.call("PUT", "/api/v1/uploads/").status_code == 405
    assert tus.call("GET", "/api/v1/uploads/").status_code == 405


def test_a_full_disk_is_507_and_keeps_nothing_half_written(tus, monkeypatch):
    import errno
    from collections import namedtuple

    from bodycam.uploads import receive

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(receive.shutil, "disk_usage", lambda path: usage(100, 90, 10))
    refused_in_both(lambda lang: _speaking(tus, lang).create(11), 507)
    url = tus.new(10)

    def full(fd, data):
        os.write(fd, data[:3])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(receive, "_write_all", full)
    assert tus.patch(url, 0, DATA[:10]).status_code == 507
    assert tus.offset(url) == 0 and partial.part_path(_upload(url).pk).read_bytes() == b""


def _speaking(tus, language: str):
    return tus.in_english() if language == "en" else tus
