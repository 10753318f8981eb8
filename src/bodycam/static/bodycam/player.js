// The player: the picture is drawn on a canvas together with the viewer's watermark
// (name, badge number, time), so the watermark is part of every frame shown, not an overlay
// that can be removed from the page. The session's end is reported as the page is left.
(function () {
  "use strict";
  const box = document.getElementById("player");
  if (!box) {
    return;
  }
  const canvas = document.getElementById("screen");
  const context = canvas.getContext("2d");
  const toggle = document.getElementById("toggle");
  const seek = document.getElementById("seek");
  const clock = document.getElementById("clock");
  const message = document.getElementById("player-message");
  const photo = box.dataset.kind === "photo";
  const media = photo ? new Image() : document.createElement("video");
  media.className = "source";
  media.src = box.dataset.src;
  if (!photo) {
    media.preload = "auto";
    media.playsInline = true;
    box.appendChild(media);
  }

  function stamp() {
    const now = new Date().toLocaleString("zh-CN", { hour12: false, timeZone: box.dataset.timeZone });
    return box.dataset.watermark.split(" · ")[0] + " · " + now;
  }

  function watermark(width, height) {
    const text = stamp();
    context.save();
    context.font = Math.max(14, Math.round(width / 40)) + "px sans-serif";
    context.fillStyle = "rgba(255, 255, 255, 0.30)";
    context.strokeStyle = "rgba(0, 0, 0, 0.25)";
    context.translate(width / 2, height / 2);
    context.rotate(-Math.PI / 9);
    const step = context.measureText(text).width + 80;
    for (let y = -height; y < height; y += 90) {
      for (let x = -width; x < width; x += step) {
        context.strokeText(text, x, y);
        context.fillText(text, x, y);
      }
    }
    context.restore();
    context.fillStyle = "rgba(0, 0, 0, 0.55)";
    context.fillRect(0, height - 28, width, 28);
    context.fillStyle = "#fff";
    context.font = "16px sans-serif";
    context.fillText(text, 10, height - 9);
  }

  function draw() {
    const width = canvas.width;
    const height = canvas.height;
    context.fillStyle = "#111";
    context.fillRect(0, 0, width, height);
    const ready = photo ? media.complete && media.naturalWidth : media.readyState >= 2;
    if (ready && (photo || media.videoWidth)) {
      context.drawImage(media, 0, 0, width, height);
    }
    watermark(width, height);
  }

  function fit() {
    const w = photo ? media.naturalWidth : media.videoWidth;
    const h = photo ? media.naturalHeight : media.videoHeight;
    if (w && h) {
      canvas.width = Math.min(w, 1280);
      canvas.height = Math.round(canvas.width * h / w);
    }
    draw();
  }

  function time(seconds) {
    const s = Math.floor(seconds || 0);
    const m = Math.floor(s / 60);
    return m + ":" + String(s % 60).padStart(2, "0");
  }

  function loop() {
    draw();
    if (!media.paused && !media.ended) {
      seek.value = String(Math.round((media.currentTime / media.duration) * 1000) || 0);
      clock.textContent = time(media.currentTime) + " / " + time(media.duration);
      window.requestAnimationFrame(loop);
    }
  }

  media.addEventListener(photo ? "load" : "loadeddata", fit);
  let retried = 0;
  media.addEventListener("error", function () {
    const now = Date.now();
    if (!photo && now - retried > 10000) { // a short-lived store link ran out: fetch a new one
      retried = now;
      const at = media.currentTime;
      media.src = box.dataset.src;
      media.addEventListener("loadedmetadata", function () { media.currentTime = at; }, { once: true });
      return;
    }
    message.textContent = box.dataset.expired;
    message.hidden = false;
  });
  if (photo) {
    toggle.hidden = seek.hidden = clock.hidden = true;
  } else {
    media.addEventListener("play", function () {
      toggle.textContent = toggle.dataset.pause;
      window.requestAnimationFrame(loop);
    });
    media.addEventListener("pause", function () {
      toggle.textContent = toggle.dataset.play;
      draw();
    });
    media.addEventListener("seeked", draw);
    media.addEventListener("loadedmetadata", function () {
      clock.textContent = time(0) + " / " + time(media.duration);
    });
    const startAt = Number(box.dataset.startAt || 0); // ?at= from a finding: the exact second
    if (startAt > 0) {
      media.addEventListener("loadedmetadata", function () {
        media.currentTime = Math.min(startAt, media.duration || startAt);
        seek.value = String(Math.round((media.currentTime / media.duration) * 1000) || 0);
        clock.textContent = time(media.currentTime) + " / " + time(media.duration);
      }, { once: true });
    }
    toggle.addEventListener("click", function () {
      if (media.paused) {
        media.play();
      } else {
        media.pause();
      }
    });
    seek.addEventListener("input", function () {
      if (media.duration) {
        media.currentTime = (Number(seek.value) / 1000) * media.duration;
      }
    });
  }
  window.setInterval(draw, 1000); // the time in the watermark runs while paused too
  draw();

  // The session (a ledger entry at each end) begins when playing does.
  let endUrl = null;
  function post() {
    const form = new FormData();
    form.append("csrfmiddlewaretoken", box.dataset.csrf);
    return form;
  }
  function begin() {
    if (endUrl !== null) {
      return;
    }
    endUrl = "";
    fetch(box.dataset.startUrl, { method: "POST", body: post(), credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (body) { endUrl = body.end_url || ""; });
  }
  if (photo) {
    media.addEventListener("load", begin);
  } else {
    media.addEventListener("play", begin);
  }
  window.addEventListener("pagehide", function () {
    if (endUrl) {
      navigator.sendBeacon(endUrl, post());
    }
  });
})();

// Marking: the start and end come from the player's clock; the mark is saved without
// leaving the page and drawn on the timeline at once.
(function () {
  "use strict";
  const form = document.getElementById("mark-form");
  const media = document.querySelector("video.source");
  const timeline = document.getElementById("timeline");
  if (!form || !timeline) {
    return;
  }
  function shown(ms) {
    const s = Math.floor(ms / 1000);
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }
  function place(mark) {
    const duration = media && media.duration ? media.duration * 1000 : 0;
    if (!duration) {
      return;
    }
    const start = Number(mark.dataset.start);
    const end = mark.dataset.end ? Number(mark.dataset.end) : start;
    mark.style.left = (100 * start / duration) + "%";
    mark.style.width = Math.max(0.6, 100 * (end - start) / duration) + "%";
  }
  function placeAll() {
    timeline.querySelectorAll(".mark").forEach(place);
  }
  if (media) {
    media.addEventListener("loadedmetadata", placeAll);
  }
  function now() {
    return media ? Math.round(media.currentTime * 1000) : 0;
  }
  document.getElementById("mark-start").addEventListener("click", function () {
    form.start_ms.value = String(now());
    document.getElementById("mark-start-shown").textContent = shown(now());
  });
  document.getElementById("mark-end").addEventListener("click", function () {
    form.end_ms.value = String(now());
    document.getElementById("mark-end-shown").textContent = shown(now());
  });
  document.querySelectorAll("[data-seek]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      if (media) {
        media.currentTime = Number(link.dataset.seek) / 1000;
      }
    });
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const message = document.getElementById("mark-message");
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (answer) {
        if (!answer.ok) {
          message.textContent = answer.body.detail;
          message.className = "bad";
          return;
        }
        const mark = document.createElement("span");
        mark.className = "mark";
        mark.dataset.start = String(answer.body.start_ms);
        mark.dataset.end = answer.body.end_ms === null ? "" : String(answer.body.end_ms);
        mark.title = answer.body.tag + " " + answer.body.note;
        timeline.appendChild(mark);
        place(mark);
        const row = document.querySelector("#marks tbody").insertRow(-1);
        const span = shown(answer.body.start_ms) +
          (answer.body.end_ms === null ? "" : " – " + shown(answer.body.end_ms));
        [span, answer.body.tag, answer.body.note, form.dataset.me || ""].forEach(function (text) {
          row.insertCell(-1).textContent = text;
        });
        message.textContent = form.dataset.saved;
        message.className = "good";
        form.end_ms.value = "";
        document.getElementById("mark-end-shown").textContent = "—";
      });
  });
})();
