// Pre-use check: note when the officer starts typing the device's time, measured from
// page load with the browser's monotonic clock (never the phone's own clock), so the server
// compares the device clock with true time at the moment it was read, not at submission.
(function () {
  "use strict";
  const started = performance.now();
  const clock = document.getElementById("id_device_clock");
  const readAfter = document.getElementById("id_read_after_ms");
  if (!clock || !readAfter) {
    return;
  }
  function note() {
    if (!readAfter.value) {
      readAfter.value = String(Math.round(performance.now() - started));
    }
  }
  clock.addEventListener("input", note);
  clock.addEventListener("change", note);
})();
