// The intake form on the tablet: show and hide follow-up questions as answers change (the
// same conditions the server applies), tap a body map, and never lose an answer: every
// change is kept in localStorage and sent to the server; what could not be sent is re-sent
// when the connection is back or the page is opened again.
(function () {
  "use strict";
  var form = document.getElementById("intake-form");
  if (!form) { return; }
  var storageKey = form.getAttribute("data-key");
  var saveUrl = form.getAttribute("data-save-url");
  var statusBox = document.getElementById("save-status");
  var known = JSON.parse(document.getElementById("intake-answers").textContent || "{}");
  var questions = Array.prototype.slice.call(form.querySelectorAll(".question[data-qid]"));
  var byId = {};
  questions.forEach(function (el) { byId[el.getAttribute("data-qid")] = el; });

  // ---------------------------------------------------------------- reading answers

  function fieldValue(el) {
    var type = el.getAttribute("data-type");
    var inputs = el.querySelectorAll("input, textarea");
    if (type === "multiple_choice" || type === "body_regions") {
      return Array.prototype.filter.call(inputs, function (i) { return i.checked; })
        .map(function (i) { return i.value; });
    }
    if (type === "yes_no" || type === "single_choice") {
      for (var k = 0; k < inputs.length; k++) {
        if ((inputs[k].type === "radio" || inputs[k].type === "checkbox") && inputs[k].checked) {
          return inputs[k].value;
        }
      }
      return null;
    }
    return inputs.length ? inputs[0].value : null;
  }

  function formAnswers() {
    var out = {};
    questions.forEach(function (el) { out[el.getAttribute("data-qid")] = fieldValue(el); });
    return out;
  }

  // Answers in the engine's terms (booleans, numbers, lists) for evaluating show_if.
  function typedAnswers() {
    var out = {};
    Object.keys(known).forEach(function (k) { out[k] = known[k]; });
    questions.forEach(function (el) {
      var qid = el.getAttribute("data-qid");
      var type = el.getAttribute("data-type");
      var v = el.hidden ? null : fieldValue(el);
      if (v === null || v === "" || (Array.isArray(v) && v.length === 0)) { delete out[qid]; return; }
      if (type === "yes_no") { v = v === "yes"; }
      if (type === "number") { v = parseFloat(String(v).replace(",", ".")); if (isNaN(v)) { delete out[qid]; return; } }
      out[qid] = v;
    });
    return out;
  }

  // ---------------------------------------------------------------- conditions

  function norm(s) {
    return String(s).toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  function test(cond, a) {
    if (cond.all) { return cond.all.every(function (c) { return test(c, a); }); }
    if (cond.any) { return cond.any.some(function (c) { return test(c, a); }); }
    if (cond.not) { return !test(cond.not, a); }
    var has = Object.prototype.hasOwnProperty.call(a, cond.q);
    var v = a[cond.q];
    if ("is_answered" in cond) { return has === cond.is_answered; }
    if (!has) { return false; }
    if ("eq" in cond) { return v === cond.eq; }
    if ("ne" in cond) { return v !== cond.ne; }
    if ("in" in cond) { return cond.in.indexOf(v) !== -1; }
    if ("gt" in cond) { return v > cond.gt; }
    if ("gte" in cond) { return v >= cond.gte; }
    if ("lt" in cond) { return v < cond.lt; }
    if ("lte" in cond) { return v <= cond.lte; }
    var list = Array.isArray(v) ? v : [];
    if ("contains" in cond) { return list.indexOf(cond.contains) !== -1; }
    if ("contains_any" in cond) { return cond.contains_any.some(function (x) { return list.indexOf(x) !== -1; }); }
    if ("contains_all" in cond) { return cond.contains_all.every(function (x) { return list.indexOf(x) !== -1; }); }
    if ("text_contains_any" in cond) {
      var text = norm(v);
      return cond.text_contains_any.some(function (x) { return text.indexOf(norm(x)) !== -1; });
    }
    return false;
  }

  function updateVisibility() {
    // In catalogue order, so a question hidden now also hides the ones that depend on it.
    questions.forEach(function (el) {
      var spec = el.getAttribute("data-show-if");
      if (!spec) { return; }
      el.hidden = !test(JSON.parse(spec), typedAnswers());
    });
  }

  // ---------------------------------------------------------------- "none" ticked alone

  function enforceExclusive(target) {
    var el = target.closest(".question[data-exclusive]");
    if (!el || target.type !== "checkbox" || !target.checked) { return; }
    var alone = el.getAttribute("data-exclusive").split(" ");
    var isAlone = alone.indexOf(target.value) !== -1;
    el.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      if (box === target) { return; }
      if (isAlone || alone.indexOf(box.value) !== -1) { box.checked = false; }
    });
  }

  // ---------------------------------------------------------------- saving

  function readStore() {
    try { return JSON.parse(window.localStorage.getItem(storageKey) || "null"); } catch (e) { return null; }
  }
  function writeStore(entry) {
    try { window.localStorage.setItem(storageKey, JSON.stringify(entry)); } catch (e) { /* full or off */ }
  }
  function setStatus(which) {
    if (statusBox) { statusBox.textContent = statusBox.getAttribute("data-" + which) || ""; }
  }

  function showErrors(errors) {
    Object.keys(byId).forEach(function (qid) {
      var box = document.getElementById("err-" + qid);
      if (!box) { return; }
      var message = errors[qid] || "";
      // Only type errors come back from autosave; "please answer" waits for "Next".
      if (message || box.getAttribute("data-live") === "1") {
        box.textContent = message;
        box.setAttribute("data-live", message ? "1" : "0");
        byId[qid].classList.toggle("has-error", !!message);
      }
    });
  }

  var sending = false;
  var again = false;
  function send() {
    var entry = readStore();
    if (!entry || !entry.dirty) { return; }
    if (sending) { again = true; return; }
    sending = true;
    var version = entry.version;
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    fetch(saveUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      credentials: "same-origin",
      body: JSON.stringify({ answers: entry.answers })
    }).then(function (response) {
      if (response.status === 409 || response.redirected) { window.location.assign("/kiosk/"); return null; }
      if (!response.ok) { throw new Error("save failed"); }
      return response.json();
    }).then(function (data) {
      if (!data) { return; }
      var now = readStore();
      if (now && now.version === version) { now.dirty = false; writeStore(now); }
      setStatus("saved");
      showErrors(data.errors || {});
    }).catch(function () {
      setStatus("offline");
    }).then(function () {
      sending = false;
      if (again) { again = false; send(); }
    });
  }

  var pending;
  function remember() {
    var entry = readStore() || { answers: {}, version: 0 };
    var current = formAnswers();
    Object.keys(current).forEach(function (k) { entry.answers[k] = current[k]; });
    entry.dirty = true;
    entry.version = (entry.version || 0) + 1;
    writeStore(entry);
    clearTimeout(pending);
    pending = setTimeout(send, 400);
  }

  function restoreUnsent() {
    var entry = readStore();
    if (!entry || !entry.dirty) { return; }
    Object.keys(entry.answers).forEach(function (qid) {
      var el = byId[qid];
      if (!el) { return; }
      var value = entry.answers[qid];
      var inputs = el.querySelectorAll("input, textarea");
      inputs.forEach(function (input) {
        if (input.type === "radio" || input.type === "checkbox") {
          input.checked = Array.isArray(value) ? value.indexOf(input.value) !== -1 : value === input.value;
        } else {
          input.value = value === null ? "" : value;
        }
      });
    });
    send();
  }

  // ---------------------------------------------------------------- body map

  function paintMaps() {
    form.querySelectorAll(".body-map[data-map-for] svg").forEach(function (svg) {
      var qid = svg.parentNode.getAttribute("data-map-for");
      svg.querySelectorAll("[data-region]").forEach(function (shape) {
        var box = document.getElementById("f-" + qid + "-" + shape.getAttribute("data-region"));
        shape.classList.toggle("selected", !!(box && box.checked));
      });
    });
  }

  function loadMaps() {
    var holders = form.querySelectorAll(".body-map[data-map-for]");
    if (!holders.length) { return; }
    fetch(form.getAttribute("data-map-url"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(); })
      .then(function (text) {
        var svg = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
        holders.forEach(function (holder) {
          var copy = document.importNode(svg, true);
          copy.setAttribute("focusable", "false");
          holder.appendChild(copy);
          copy.addEventListener("click", function (event) {
            var shape = event.target.closest("[data-region]");
            if (!shape) { return; }
            var box = document.getElementById("f-" + holder.getAttribute("data-map-for") + "-" + shape.getAttribute("data-region"));
            if (!box) { return; }
            box.checked = !box.checked;
            box.dispatchEvent(new Event("change", { bubbles: true }));
          });
        });
        paintMaps();
      })
      .catch(function () { /* the checkboxes alone still work */ });
  }

  // ---------------------------------------------------------------- wiring

  form.addEventListener("change", function (event) {
    enforceExclusive(event.target);
    updateVisibility();
    paintMaps();
    remember();
  });
  form.addEventListener("input", function (event) {
    if (event.target.matches("textarea, input[type=text]")) { remember(); }
  });
  var submitted = false;
  form.addEventListener("submit", function (event) {
    // A second tap while the first is on its way is ignored (the server is idempotent too).
    if (submitted) { event.preventDefault(); return; }
    submitted = true;
    var entry = readStore();
    if (entry) { entry.answers = Object.assign(entry.answers, formAnswers()); writeStore(entry); }
  });
  window.addEventListener("pageshow", function () { submitted = false; });
  window.addEventListener("online", send);

  restoreUnsent();
  updateVisibility();
  loadMaps();
})();
