// The body map of the plan and session-note forms: tapping an area ticks or unticks that area's
// box as a tap on the box itself would, change event included, so each page's own script
// reacts to the boxes alone (they stay the form's real input: the page works without
// JavaScript).
(function () {
  "use strict";
  document.querySelectorAll(".body-map-interactive").forEach(function (map) {
    var form = map.closest("form");
    if (!form) return;
    map.querySelectorAll(".region").forEach(function (shape) {
      shape.addEventListener("click", function () {
        var box = form.querySelector("input[name=regions][value='" + shape.dataset.region + "']");
        if (box) box.click();
      });
    });
  });
})();
