// Every kiosk page: warn before the session ends when the tablet sits idle ("Are you still
// there?", with a countdown and Continue), move focus to the error summary, and remove locally
// kept answers once the intake is sent or the session ended.
(function () {
  "use strict";
  var header = document.querySelector("[data-idle-seconds]") || document.body;
  var idleSeconds = parseInt(header.getAttribute("data-idle-seconds") || "600", 10);
  var expiresIn = parseFloat(header.getAttribute("data-expires-in"));
  var dialog = document.getElementById("kiosk-idle");
  var idleForm = document.getElementById("kiosk-idle-form");
  var countBox = document.getElementById("kiosk-idle-seconds");
  // Warn a minute before the end (less when the whole idle period is short).
  var WARN_MS = Math.min(60, Math.floor(idleSeconds / 2)) * 1000;
  var deadline, warnTimer, endTimer, ticker;
  var asking = false;

  function leave() { window.location.assign("/kiosk/"); }

  function secondsLeft() { return Math.max(0, Math.ceil((deadline - Date.now()) / 1000)); }

  function tick() { if (countBox) { countBox.textContent = String(secondsLeft()); } }

  function hideWarning() {
    clearInterval(ticker);
    if (dialog && dialog.open) { dialog.close(); }
  }

  function showWarning() {
    if (!dialog || dialog.open) { return; }
    tick();
    ticker = setInterval(tick, 1000);
    if (dialog.showModal) { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
    document.getElementById("kiosk-idle-continue").focus();
  }

  function schedule(seconds) {
    deadline = Date.now() + seconds * 1000;
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(showWarning, Math.max(0, seconds * 1000 - WARN_MS));
    // A moment after the server's end, so the server has ended it when the kiosk reloads.
    endTimer = setTimeout(leave, seconds * 1000 + 1500);
  }

  // Tell the server the client is here; the answer is how long the session now has left.
  function stillHere() {
    if (asking || !idleForm) { return; }
    asking = true;
    var csrf = idleForm.querySelector("input[name=csrfmiddlewaretoken]").value;
    fetch(idleForm.getAttribute("action"), {
      method: "POST",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      // Over already (409, or the middleware's redirect to "ended"): the kiosk page says so.
      if (response.status === 409 || response.redirected) { leave(); return null; }
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data) { return; }
      hideWarning();
      schedule(data.expires_in);
    }).catch(function () {
      // No connection: the countdown goes on; the answers are kept on the tablet (intake.js).
    }).then(function () { asking = false; });
  }

  if (!isNaN(expiresIn) && dialog) {
    schedule(expiresIn);
    idleForm.addEventListener("submit", function (event) { event.preventDefault(); stillHere(); });
    // Escape also means "I'm here".
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); stillHere(); });
    // Using the page keeps it open without a warning: past half the idle period a tap or a key
    // tells the server (pages and autosaves tell it too, to the half minute).
    ["pointerdown", "keydown", "input"].forEach(function (name) {
      document.addEventListener(name, function () {
        if (!dialog.open && deadline - Date.now() < idleSeconds * 500) { stillHere(); }
      }, { passive: true });
    });
  } else {
    // Finished or ended pages: back to the kiosk's start once the idle period has passed.
    var timer;
    var restart = function () {
      clearTimeout(timer);
      timer = setTimeout(leave, (idleSeconds + 2) * 1000);
    };
    ["pointerdown", "keydown", "input", "scroll"].forEach(function (name) {
      document.addEventListener(name, restart, { passive: true });
    });
    restart();
  }

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
