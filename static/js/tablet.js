// The enrolled tablet's waiting page: ask every few seconds whether an intake was sent to it,
// then open it (the same POST as the "Check for my form" button). A tablet that is no longer
// enrolled is sent to the page that says so.
(function () {
  "use strict";
  var root = document.getElementById("tablet-waiting");
  if (!root) { return; }
  var url = root.getAttribute("data-poll-url");
  var every = parseInt(root.getAttribute("data-poll-seconds") || "3", 10) * 1000;
  var status = document.getElementById("tablet-status");
  var form = document.getElementById("tablet-start");
  var busy = false;

  try {
    Object.keys(window.localStorage).forEach(function (key) {
      if (key.indexOf("intake:") === 0) { window.localStorage.removeItem(key); }
    });
  } catch (e) { /* storage unavailable: nothing was kept */ }

  function poll() {
    if (busy) { return; }
    busy = true;
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        busy = false;
        status.textContent = "";
        if (result.data.state === "ready") {
          form.submit();
        } else if (result.data.state === "not_enrolled") {
          window.location.assign(result.data.url || "/tablet/not-enrolled/");
        }
      })
      .catch(function () {
        busy = false;
        status.textContent = root.getAttribute("data-offline") || "No connection. Trying again…";
      });
  }
  setInterval(poll, every);
  poll();
})();
