"""Proxies play in Debian's Chromium; an HEVC original does not (so its transcode is needed).

The bytes reach the page through Playwright's request interception, never through an app
endpoint (that would bypass the viewing approval the system requires). Chromium's media stack
asks for byte ranges ("bytes=0-"), so the handler answers them with 206 Partial Content.

"Plays" means pictures: given HEVC with AAC, Chromium drops the video track it cannot decode
and plays the sound alone, with the clock running and no error; only `videoWidth` and the
decoded frame count tell.
"""

import re
from contextlib import suppress
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bodycam.recordings.proxies import remux, transcode
from tests import media

ORIGIN = "http://proxy.test"
PLAYING_OR_FAILED = """() => {
    const video = document.querySelector("video");
    return video.error !== null || video.currentTime > 0.5;
}"""
STATE = """() => {
    const video = document.querySelector("video");
    return {
        time: video.currentTime,
        error: video.error && video.error.code,
        width: video.videoWidth,
        frames: video.getVideoPlaybackQuality().totalVideoFrames,
    };
}"""


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("playback")
    h264 = media.make_mp4(root / "h264.mp4", seconds=3)
    hevc = media.make_mp4(root / "hevc.mp4", seconds=3, codec="hevc")
    media.make_mp4(root / "hevc-silent.mp4", seconds=3, codec="hevc", audio=False)
    remux(h264, root / "h264-proxy.mp4")
    transcode(hevc, root / "hevc-proxy.mp4")
    names = ("h264-proxy.mp4", "hevc-proxy.mp4", "hevc.mp4", "hevc-silent.mp4")
    return {name: (root / name).read_bytes() for name in names}


def _serve(page, files: dict[str, bytes]) -> None:
    def fulfill(route) -> None:
        body = files[Path(route.request.url).name]
        headers = {"Content-Type": "video/mp4", "Accept-Ranges": "bytes"}
        wanted = re.fullmatch(r"bytes=(\d+)-(\d*)", route.request.headers.get("range", ""))
        if wanted is None:
            route.fulfill(status=200, body=body, headers=headers)
            return
        start = int(wanted[1])
        end = min(int(wanted[2] or len(body) - 1), len(body) - 1)
        headers["Content-Range"] = f"bytes {start}-{end}/{len(body)}"
        route.fulfill(status=206, body=body[start : end + 1], headers=headers)

    page.route(f"{ORIGIN}/**", fulfill)


def _play(page, files: dict[str, bytes], name: str) -> dict:
    _serve(page, files)
    page.set_content(f'<video src="{ORIGIN}/{name}" muted autoplay playsinline></video>')
    with suppress(PlaywrightTimeout):  # neither playing nor failing: the state says which
        page.wait_for_function(PLAYING_OR_FAILED, timeout=10_000)
    return page.evaluate(STATE)


@pytest.mark.parametrize("name", ["h264-proxy.mp4", "hevc-proxy.mp4"])
def test_proxy_plays_in_chromium(page, files, name):
    state = _play(page, files, name)
    assert state["error"] is None
    assert state["time"] > 0.5
    assert state["width"] == 320 and state["frames"] > 0


def test_hevc_original_with_sound_shows_no_picture(page, files):
    state = _play(page, files, "hevc.mp4")
    assert state["width"] == 0 and state["frames"] == 0


def test_hevc_original_without_sound_fails(page, files):
    state = _play(page, files, "hevc-silent.mp4")
    assert state["error"] == 4  # MEDIA_ERR_SRC_NOT_SUPPORTED
    assert state["time"] == 0 and state["frames"] == 0
