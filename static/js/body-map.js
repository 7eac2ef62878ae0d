// The body maps' shared behaviour (static/css/body-map.css), for the kiosk's map (intake.js)
// and the staff pages' (templates/review/_body_map.html).
(function () {
  "use strict";
  // Front / Back on a map too narrow to show both views at full size: one picture shows at a
  // time and these buttons choose which.
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".body-map [data-show-view]");
    if (!button) { return; }
    var holder = button.closest(".body-map");
    var name = button.getAttribute("data-show-view");
    holder.querySelectorAll("[data-show-view]").forEach(function (b) {
      b.setAttribute("aria-pressed", b === button ? "true" : "false");
    });
    holder.querySelectorAll(".map-figure").forEach(function (figure) {
      figure.classList.toggle("map-figure-inactive", figure.getAttribute("data-view") !== name);
    });
  });
  // The plan and session-note forms: tapping an area ticks or unticks that area's box as a tap
  // on the box itself would, change event included, so each page's own script reacts to the
  // boxes alone (they stay the form's real input: the page works without JavaScript).
  document.querySelectorAll(".body-map-interactive").forEach(function (map) {
    var form = map.closest("form");
    if (!form) { return; }
    map.querySelectorAll(".region").forEach(function (shape) {
      shape.addEventListener("click", function () {
        var box = form.querySelector("input[name=regions][value='" + shape.dataset.region + "']");
        if (box) { box.click(); }
      });
    });
  });
})();
