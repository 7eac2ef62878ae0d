// Idle logout for staff pages: a warning a minute before the session ends, "Stay logged in"
// refreshes it. If time runs out, what was typed in the page's forms is kept in this tab's
// sessionStorage and put back after logging in again on the same page.
(function () {
  "use strict";
  var body = document.body;
  var idleSeconds = parseInt(body.dataset.idleSeconds || "0", 10);
  if (!idleSeconds) { return; }
  var keepAliveUrl = body.dataset.keepAliveUrl;
  var loginUrl = body.dataset.loginUrl;
  var storeKey = "idle-restore:" + window.location.pathname;
  var warnAt = Math.max(idleSeconds - 60, 5) * 1000;
  var modalEl = document.getElementById("idle-warning");
  var modal = modalEl && window.bootstrap ? new window.bootstrap.Modal(modalEl) : null;
  var warnTimer, endTimer;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function saveForms() {
    var saved = [];
    document.querySelectorAll("form").forEach(function (form, formIndex) {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.type === "password" || el.type === "hidden" || el.type === "file") { return; }
        if (el.name === "csrfmiddlewaretoken") { return; }
        var value = (el.type === "checkbox" || el.type === "radio") ? el.checked : el.value;
        saved.push([formIndex, el.name, el.type, el.value, value]);
      });
    });
    try { sessionStorage.setItem(storeKey, JSON.stringify(saved)); } catch (e) { /* private mode */ }
  }

  function restoreForms() {
    var raw;
    try { raw = sessionStorage.getItem(storeKey); } catch (e) { return; }
    if (!raw) { return; }
    sessionStorage.removeItem(storeKey);
    var forms = document.querySelectorAll("form");
    JSON.parse(raw).forEach(function (item) {
      var form = forms[item[0]];
      if (!form) { return; }
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name !== item[1]) { return; }
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.value === item[3]) { el.checked = item[4]; }
        } else if (el.type === item[2]) {
          el.value = item[4];
        }
      });
    });
    var note = document.getElementById("idle-restored");
    if (note) { note.classList.remove("d-none"); }
  }

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(function () { if (modal) { modal.show(); } }, warnAt);
    endTimer = setTimeout(function () {
      saveForms();
      window.location.assign(loginUrl + "?idle=1&next=" + encodeURIComponent(window.location.pathname));
    }, idleSeconds * 1000);
  }

  var stay = document.getElementById("idle-stay");
  if (stay) {
    stay.addEventListener("click", function () {
      fetch(keepAliveUrl, {method: "POST", headers: {"X-CSRFToken": csrfToken()}, credentials: "same-origin"})
        .then(function () { if (modal) { modal.hide(); } schedule(); });
    });
  }
  restoreForms();
  schedule();
})();
