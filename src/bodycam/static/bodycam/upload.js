// The upload page: every picked file goes up through tus (resumable); after the last byte the
// server ingests it exactly as the records office would, and the page shows that result.
(function () {
  "use strict";
  const root = document.getElementById("uploader");
  const rows = document.getElementById("files");
  const labels = document.getElementById("labels").dataset;
  const extensions = new Set(root.dataset.extensions.split(","));
  const items = [];
  // The server answers in the page's language, not the browser's.
  const language = document.documentElement.lang || "zh-hans";

  function label(key) {
    return labels[key] || key;
  }

  function isMedia(file) {
    const dot = file.name.lastIndexOf(".");
    return dot > 0 && extensions.has(file.name.slice(dot).toLowerCase());
  }

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function duration(seconds) {
    if (!isFinite(seconds) || seconds < 0) return "—";
    const m = Math.floor(seconds / 60), s = Math.round(seconds % 60);
    return m > 0 ? m + ":" + String(s).padStart(2, "0") : s + " s";
  }

  function addRow(file) {
    const row = document.createElement("tr");
    row.dataset.name = file.webkitRelativePath || file.name;
    cell(row, row.dataset.name);
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    cell(row, "").appendChild(bar);
    const item = { file, row, bar, speed: cell(row, "—"), left: cell(row, "—"), result: cell(row, label("queued")),
                   sent: 0, done: false, upload: null, started: 0 };
    rows.appendChild(row);
    return item;
  }

  function showTotal() {
    const total = items.reduce((n, i) => n + i.file.size, 0) || 1;
    const sent = items.reduce((n, i) => n + (i.done ? i.file.size : i.sent), 0);
    const percent = Math.floor((100 * sent) / total);
    document.getElementById("total-bar").value = percent;
    document.getElementById("total").textContent = labels.total
      .replace("%(count)s", items.length).replace("%(done)s", items.filter((i) => i.done).length)
      .replace("%(percent)s%%", percent + "%");
  }

  function finish(item, text, ok) {
    item.done = true;
    item.result.textContent = text;
    item.row.dataset.status = ok;
    showTotal();
    next();
  }

  function poll(item, url) {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json", "Accept-Language": language } })
      .then((r) => r.json())
      .then((body) => {
        if (body.status === "receiving" || body.status === "complete") {
          setTimeout(() => poll(item, url), 500);
          return;
        }
        const status = (body.result && body.result.status) || body.status;
        finish(item, label(status) + (body.error ? "：" + body.error : ""), status);
      })
      .catch(() => setTimeout(() => poll(item, url), 1000));
  }

  function start(item) {
    item.result.textContent = label("uploading");
    item.started = Date.now();
    const upload = new tus.Upload(item.file, {
      endpoint: root.dataset.endpoint,
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      metadata: { filename: item.file.name, filetype: item.file.type || "" },
      headers: { "X-CSRFToken": root.dataset.csrf, "Accept-Language": language },
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress(sent, total) {
        item.sent = sent;
        item.bar.value = Math.floor((100 * sent) / total);
        const seconds = (Date.now() - item.started) / 1000;
        const rate = sent / Math.max(seconds, 0.001);
        item.speed.textContent = (rate / 1048576).toFixed(1) + " MB/s";
        item.left.textContent = duration((total - sent) / rate);
        showTotal();
      },
      onError(error) {
        finish(item, label("failed") + "：" + ((error.originalResponse && error.originalResponse.getBody()) || error.message), "failed");
      },
      onSuccess() {
        item.sent = item.file.size;
        item.result.textContent = label("ingesting");
        poll(item, upload.url);
      },
    });
    item.upload = upload;
    upload.findPreviousUploads().then((previous) => {
      if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    });
  }

  function next() {
    const waiting = items.find((i) => !i.done && !i.upload);
    if (waiting) start(waiting);
    const busy = items.some((i) => !i.done);
    document.getElementById("pause").disabled = !busy;
  }

  function pick(files) {
    for (const file of files) {
      const item = addRow(file);
      items.push(item);
      if (!isMedia(file)) {
        item.done = true;
        item.result.textContent = label("skipped");
        item.row.dataset.status = "skipped";
      }
    }
    showTotal();
    next();
  }

  document.getElementById("pick-files").addEventListener("change", (e) => pick(e.target.files));
  document.getElementById("pick-folder").addEventListener("change", (e) => pick(e.target.files));
  document.getElementById("pause").addEventListener("click", () => {
    items.filter((i) => i.upload && !i.done).forEach((i) => { i.upload.abort(); i.result.textContent = label("paused"); });
    document.getElementById("resume").disabled = false;
  });
  document.getElementById("resume").addEventListener("click", () => {
    items.filter((i) => i.upload && !i.done).forEach((i) => { i.result.textContent = label("uploading"); i.started = Date.now(); i.upload.start(); });
    document.getElementById("resume").disabled = true;
  });
})();
