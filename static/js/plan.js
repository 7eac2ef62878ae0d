// Plan editor: check the plan against the screening's constraints as it is edited, show each
// violation with the rules behind it, and apply the nearest compliant plan in one tap.
// No inline script: everything is wired from data attributes (a strict CSP comes later).
(function () {
  "use strict";
  var form = document.getElementById("plan-form");
  if (!form) return;
  var panel = document.getElementById("plan-check");
  var nearestButton = document.getElementById("use-nearest");
  var checkUrl = form.dataset.checkUrl;
  var lastCheck = null;
  var timer = null;
  var LISTS = ["modalities", "regions", "acupoints", "oils"];

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function ticked(name) {
    return Array.prototype.map.call(
      form.querySelectorAll("input[name=" + name + "]:checked"), function (el) { return el.value; });
  }

  function radio(name) {
    var el = form.querySelector("input[name=" + name + "]:checked");
    return el ? el.value : null;
  }

  function readPlan() {
    var plan = {};
    LISTS.forEach(function (name) { plan[name] = ticked(name); });
    plan.pressure = parseInt(radio("pressure") || "3", 10);
    // Only the ticked areas' own levels belong to the plan (the server ignores the others too).
    plan.region_pressure = {};
    form.querySelectorAll("select[data-region]").forEach(function (select) {
      if (select.value && plan.regions.indexOf(select.dataset.region) !== -1) {
        plan.region_pressure[select.dataset.region] = parseInt(select.value, 10);
      }
    });
    plan.position = radio("position");
    var duration = parseInt(form.querySelector("[name=duration_minutes]").value, 10);
    plan.duration_minutes = isNaN(duration) ? 60 : duration;
    plan.notes = form.querySelector("[name=notes]").value;
    return plan;
  }

  function writePlan(plan) {
    LISTS.forEach(function (name) {
      form.querySelectorAll("input[name=" + name + "]").forEach(function (el) {
        el.checked = plan[name].indexOf(el.value) !== -1;
      });
    });
    form.querySelectorAll("input[name=pressure]").forEach(function (el) {
      el.checked = el.value === String(plan.pressure);
    });
    form.querySelectorAll("input[name=position]").forEach(function (el) {
      el.checked = el.value === plan.position;
    });
    var overrides = plan.region_pressure || {};
    form.querySelectorAll("select[data-region]").forEach(function (select) {
      var level = overrides[select.dataset.region];
      select.value = level ? String(level) : "";
    });
    if (Object.keys(overrides).length) document.getElementById("region-pressure").open = true;
    paintMap();
  }

  function paintMap() {
    var planned = ticked("regions");
    form.querySelectorAll(".body-map .region").forEach(function (shape) {
      shape.classList.toggle("planned", planned.indexOf(shape.dataset.region) !== -1);
    });
    // A level can be set only for an area in the plan.
    form.querySelectorAll(".region-pressure-row").forEach(function (row) {
      row.classList.toggle("d-none", planned.indexOf(row.dataset.pressureRow) === -1);
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function render(check) {
    lastCheck = check;
    var body = panel.querySelector(".plan-check-body");
    body.replaceChildren();
    panel.dataset.ok = check.ok ? "true" : "false";
    if (!check.session_possible) {
      body.appendChild(el("p", "alert alert-danger mb-2", "No session today: " + (check.notes[0] || "")));
    }
    if (check.ok) {
      body.appendChild(el("p", "text-success fw-semibold mb-0 plan-ok", "The plan is within the constraints."));
    } else {
      var list = el("ul", "violations list-unstyled mb-2");
      check.violations.forEach(function (v) {
        var item = el("li", "violation mb-2");
        item.dataset.kind = v.kind;
        item.dataset.item = v.item;
        item.appendChild(el("span", "text-danger fw-semibold", v.message));
        if (v.rules.length) {
          var because = v.rules.map(function (r) { return r.title + " (" + r.id + ")"; }).join("; ");
          item.appendChild(el("span", "d-block small text-body-secondary", "Because of: " + because));
        }
        list.appendChild(item);
      });
      body.appendChild(list);
    }
    nearestButton.classList.toggle("d-none", check.ok || !check.nearest_plan);
  }

  function runCheck() {
    fetch(checkUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(readPlan()),
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (check) {
      if (check) render(check);
    }).catch(function () { /* the server check on submit still applies */ });
  }

  function scheduleCheck() {
    window.clearTimeout(timer);
    timer = window.setTimeout(runCheck, 150);
  }

  // A tap on an area of the map comes here too, as a change of its box (body-map.js).
  form.addEventListener("change", function (event) {
    if (event.target.name === "regions") paintMap();
    if (event.target.name !== "override_reason") scheduleCheck();
  });
  // "Full body" ticks every area, "Clear" none; the check then says what the screening allows.
  function setAllRegions(on) {
    form.querySelectorAll("input[name=regions]").forEach(function (box) { box.checked = on; });
    paintMap();
    scheduleCheck();
  }
  var allButton = document.getElementById("regions-all");
  var clearButton = document.getElementById("regions-clear");
  if (allButton) allButton.addEventListener("click", function () { setAllRegions(true); });
  if (clearButton) clearButton.addEventListener("click", function () { setAllRegions(false); });
  nearestButton.addEventListener("click", function (event) {
    if (!lastCheck || !lastCheck.nearest_plan) return; // fall back to the server round trip
    event.preventDefault();
    writePlan(lastCheck.nearest_plan);
    runCheck();
  });
  paintMap();
  runCheck();
})();
