// The intake form on the tablet: show and hide follow-up questions as answers change (the
// same conditions the server applies), tap a body map, and never lose an answer: every
// change is kept in localStorage and sent to the server; what could not be sent is re-sent
// when the connection is back or the page is opened again.
(function () {
  "use strict";
  // ---------------------------------------------------------------- conditions

  // The engine's condition language (contraindications/engine/logic.py), evaluated over answers
  // in the engine's terms. The engine is the authority; fixtures/condition_vectors.json holds the
  // cases both must agree on (tests/engine and tests/browser test_condition_vectors.py).
  var conditions = (function () {
    // Python's str.isspace(), which the engine's strip() uses (JavaScript's \s differs a little).
    var SPACE = "[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
    var TRIM = new RegExp("^" + SPACE + "+|" + SPACE + "+$", "g");
    var WORD = "[\\p{L}\\p{N}_]"; // Python's \w on text
    var ASCII = /^[\x00-\x7f]*$/;
    var MARK = /\p{M}/u;
    // Where Python's casefold() goes further than toLowerCase().
    var FOLD = {
      "\u00df": "ss", "\u03c2": "\u03c3", "\u0345": "\u03b9", "\u1c80": "\u0432", "\u1c81": "\u0434",
      "\u1c82": "\u043e", "\u1c83": "\u0441", "\u1c84": "\u0442", "\u1c85": "\u0442", "\u1c86": "\u044a",
      "\u1c87": "\u0463", "\u1c88": "\ua64b"
    };
    var FOLDABLE = new RegExp("[\\u00df\\u03c2\\u0345\\u1c80-\\u1c88\\u13f8-\\u13fd\\uab70-\\uabbf" +
      "\\u1f80-\\u1f87\\u1f90-\\u1f97\\u1fa0-\\u1fa7\\u1fb2-\\u1fb4\\u1fb7\\u1fc2-\\u1fc4\\u1fc7\\u1ff2-\\u1ff4\\u1ff7]", "g");

    function strip(s) { return s.replace(TRIM, ""); }

    function fold(c) {
      if (FOLD[c]) { return FOLD[c]; }
      var code = c.charCodeAt(0);
      if (code >= 0x1f80 && code <= 0x1fff) { return c.normalize("NFD").replace("\u0345", "\u03b9"); } // iota subscript
      // Cherokee folds to its capitals
      return String.fromCharCode(code >= 0xab70 ? code - 0xab70 + 0x13a0 : code - 8);
    }

    // A combining mark in the engine's sense (canonical combining class not 0): canonical
    // ordering moves it in front of U+0345 (class 240), a class-0 mark stays where it is.
    function combining(c) {
      if (!MARK.test(c)) { return false; }
      var probe = "\u0345" + c;
      return c === "\u0345" || probe.normalize("NFD") !== probe;
    }

    // normalise_text(): case-fold, NFKD, drop combining marks ("Sí" and "SI" match "si").
    function normaliseText(text) {
      var s = String(text);
      if (ASCII.test(s)) { return s.toLowerCase(); }
      s = s.toLowerCase().replace(FOLDABLE, fold).normalize("NFKD");
      return Array.from(s).filter(function (c) { return !combining(c); }).join("");
    }

    // Answered as the engine counts it: blank text, an empty list and null are not answers.
    function answered(v) {
      if (v === undefined || v === null) { return false; }
      if (typeof v === "string") { return strip(v) !== ""; }
      if (Array.isArray(v)) { return v.length > 0; }
      if (typeof v === "number") { return isFinite(v); }
      return true;
    }

    function escape(term) { return term.replace(/[\\^$.*+?()[\]{}|\/]/g, "\\$&"); }

    function textMatches(terms, text) {
      var words = terms.map(function (t) { return escape(normaliseText(strip(t))); });
      // Whole words, as the engine: "asa" does not match "masaje". The engine's (?<!\w) is
      // written as a consumed character, for tablets whose Safari has no lookbehind.
      var pattern = new RegExp("(?:^|(?!" + WORD + ")[^])(?:" + words.join("|") + ")(?!" + WORD + ")", "u");
      return pattern.test(normaliseText(text));
    }

    function compare(op, v, x) {
      // The engine's answers are validated: an answer of another kind than the condition's
      // value ("5" against 5) could not be there, so it counts as no answer.
      if (typeof v !== typeof x) { return false; }
      if (op === "eq") { return v === x; }
      if (op === "ne") { return v !== x; }
      if (op === "gt") { return v > x; }
      if (op === "gte") { return v >= x; }
      if (op === "lt") { return v < x; }
      return v <= x;
    }

    function test(cond, answers) {
      if (cond.all) { return cond.all.every(function (c) { return test(c, answers); }); }
      if (cond.any) { return cond.any.some(function (c) { return test(c, answers); }); }
      if ("not" in cond) { return !test(cond.not, answers); }
      var v = Object.prototype.hasOwnProperty.call(answers, cond.q) ? answers[cond.q] : null;
      var has = answered(v);
      if ("is_answered" in cond) { return has === cond.is_answered; }
      if (!has) { return false; } // unknown is not "different": ne is false too
      var ops = ["eq", "ne", "gt", "gte", "lt", "lte"];
      for (var k = 0; k < ops.length; k++) {
        if (ops[k] in cond) { return compare(ops[k], v, cond[ops[k]]); }
      }
      if ("in" in cond) { return typeof v === "string" && cond.in.indexOf(v) !== -1; }
      var list = Array.isArray(v) ? v : [];
      var inList = function (x) { return list.indexOf(x) !== -1; };
      if ("contains" in cond) { return inList(cond.contains); }
      if ("contains_any" in cond) { return cond.contains_any.some(inList); }
      if ("contains_all" in cond) { return cond.contains_all.every(inList); }
      if ("text_contains_any" in cond) {
        return typeof v === "string" && textMatches(cond.text_contains_any, v);
      }
      return false;
    }

    return { test: test, normaliseText: normaliseText, answered: answered, strip: strip };
  })();
  window.IntakeConditions = conditions;

  var form = document.getElementById("intake-form");
  if (!form) { return; }
  var storageKey = form.getAttribute("data-key");
  var saveUrl = form.getAttribute("data-save-url");
  var statusBox = document.getElementById("save-status");
  var known = JSON.parse(document.getElementById("intake-answers").textContent || "{}");
  var questions = Array.prototype.slice.call(form.querySelectorAll(".question[data-qid]"));
  var byId = {};
  questions.forEach(function (el) { byId[el.getAttribute("data-qid")] = el; });

  // A follow-up's region list, when the page starts with the question hidden, is not sent
  // once per question: one shared list (#region-options) is copied in here, with the saved
  // ticks, before anything reads the form (intake.presenters, "fewer widgets").
  var regionOptions = document.getElementById("region-options");
  form.querySelectorAll(".region-list[data-fill]").forEach(function (list) {
    if (!regionOptions) { return; }
    var qid = list.getAttribute("data-fill");
    var ticked = Array.isArray(known[qid]) ? known[qid] : [];
    var copy = regionOptions.content.cloneNode(true);
    copy.querySelectorAll("input").forEach(function (box) {
      var id = "f-" + qid + "-" + box.value;
      box.name = qid;
      box.id = id;
      box.checked = ticked.indexOf(box.value) !== -1;
      box.nextElementSibling.htmlFor = id;
    });
    list.appendChild(copy);
    list.removeAttribute("data-fill");
  });

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

  // As the server reads a number field (intake/answers.py): "5 kg" is no number, "4,5" is 4.5.
  var NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
  function parseNumber(text) {
    var t = conditions.strip(String(text)).replace(/,/g, ".");
    return NUMBER.test(t) ? Number(t) : null;
  }

  // Answers in the engine's terms (booleans, numbers, lists) for evaluating show_if.
  function typedAnswers() {
    var out = {};
    Object.keys(known).forEach(function (k) { out[k] = known[k]; });
    questions.forEach(function (el) {
      var qid = el.getAttribute("data-qid");
      var type = el.getAttribute("data-type");
      var v = el.hidden ? null : fieldValue(el);
      if (v !== null && type === "yes_no") { v = v === "yes"; }
      if (v !== null && type === "number") { v = parseNumber(v); }
      if (!conditions.answered(v)) { delete out[qid]; return; }
      out[qid] = v;
    });
    return out;
  }

  function updateVisibility() {
    // In catalogue order, so a question hidden now also hides the ones that depend on it.
    questions.forEach(function (el) {
      var spec = el.getAttribute("data-show-if");
      if (!spec) { return; }
      el.hidden = !conditions.test(JSON.parse(spec), typedAnswers());
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
  var submitted = false;  // set when the form is sent (below)
  function send() {
    // Once the form is on its way, an autosave would race the submit: the submit saves every
    // answer anyway, and a "closed" reply to the autosave must not pull the page away from it.
    if (submitted) { return; }
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
      if (response.status === 409 || response.redirected) {
        if (!submitted) { window.location.assign("/kiosk/"); }
        return null;
      }
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
    form.querySelectorAll(".body-map[data-map-for]").forEach(function (holder) {
      var qid = holder.getAttribute("data-map-for");
      holder.querySelectorAll("[data-region]").forEach(function (shape) {
        var box = document.getElementById("f-" + qid + "-" + shape.getAttribute("data-region"));
        shape.classList.toggle("selected", !!(box && box.checked));
      });
    });
  }

  var SVG_NS = "http://www.w3.org/2000/svg";

  // One picture per view (front, back), each drawn at a scale of at least 1 so every area is
  // at least 44 CSS px square (static/img/body-map.svg). On a phone one view shows at a time,
  // chosen with the Front / Back buttons (static/js/body-map.js); on a tablet both show.
  function buildMap(holder, source) {
    var toggle = document.createElement("div");
    toggle.className = "map-toggle btn-group w-100 mb-2";
    holder.appendChild(toggle);
    var figures = document.createElement("div");
    figures.className = "map-figures";
    holder.appendChild(figures);
    source.querySelectorAll("g.view").forEach(function (view, index) {
      var name = view.getAttribute("data-view");
      var figure = document.createElement("figure");
      figure.className = "map-figure";
      figure.setAttribute("data-view", name);
      if (index > 0) { figure.classList.add("map-figure-inactive"); }
      var caption = document.createElement("figcaption");
      caption.className = "map-figure-title";
      caption.textContent = holder.getAttribute("data-" + name) || name;
      figure.appendChild(caption);
      var svg = document.createElementNS(SVG_NS, "svg");
      svg.setAttribute("viewBox", view.getAttribute("data-viewbox"));
      svg.setAttribute("focusable", "false");
      var copy = document.importNode(view, true);
      copy.querySelectorAll(".side-label").forEach(function (label) {
        label.textContent = holder.getAttribute("data-your-" + label.getAttribute("data-side"));
      });
      svg.appendChild(copy);
      figure.appendChild(svg);
      figures.appendChild(figure);
      // Not reachable by keyboard or a screen reader: the list below is the control for them.
      var button = document.createElement("button");
      button.type = "button";
      button.tabIndex = -1;
      button.className = "btn btn-outline-primary";
      button.setAttribute("data-show-view", name);
      button.setAttribute("aria-pressed", index === 0 ? "true" : "false");
      button.textContent = caption.textContent;
      toggle.appendChild(button);
    });
    figures.addEventListener("click", function (event) {
      var shape = event.target.closest("[data-region]");
      if (!shape) { return; }
      var box = document.getElementById("f-" + holder.getAttribute("data-map-for") + "-" + shape.getAttribute("data-region"));
      if (!box) { return; }
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function loadMaps() {
    var holders = form.querySelectorAll(".body-map[data-map-for]");
    if (!holders.length) { return; }
    fetch(form.getAttribute("data-map-url"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(); })
      .then(function (text) {
        var source = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
        holders.forEach(function (holder) { buildMap(holder, source); });
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
  form.addEventListener("submit", function (event) {
    // A second tap while the first is on its way is ignored (the server is idempotent too).
    if (submitted) { event.preventDefault(); return; }
    submitted = true;
    clearTimeout(pending);
    var entry = readStore();
    if (entry) { entry.answers = Object.assign(entry.answers, formAnswers()); writeStore(entry); }
  });
  window.addEventListener("pageshow", function () { submitted = false; });
  window.addEventListener("online", send);

  restoreUnsent();
  updateVisibility();
  loadMaps();
})();
