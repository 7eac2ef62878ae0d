// Every kiosk page: end the session when the tablet sits idle, move focus to the error
// summary, and remove locally kept answers once the intake is sent or the session ended.
(function () {
  "use strict";
  var IDLE_MS = (parseInt((document.querySelector("[data-idle-seconds]") || document.body).getAttribute("data-idle-seconds") || "600", 10) + 2) * 1000;
  var timer;
  function restart() {
    clearTimeout(timer);
    timer = setTimeout(function () { window.location.assign("/kiosk/"); }, IDLE_MS);
  }
  ["pointerdown", "keydown", "input", "scroll"].forEach(function (name) {
    document.addEventListener(name, restart, { passive: true });
  });
  restart();

  if (document.querySelector("[data-clear-drafts]")) {
    try {
      Object.keys(window.localStorage).forEach(function (key) {
        if (key.indexOf("intake:") === 0) { window.localStorage.removeItem(key); }
      });
    } catch (e) { /* storage unavailable: nothing was kept */ }
  }

  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
