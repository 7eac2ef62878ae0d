// Front / Back on a body map too narrow to show both views at full size
// (static/css/body-map.css): one picture shows at a time and these buttons choose which.
// The kiosk's map (intake.js) and the staff pages' (templates/review/_body_map.html) share it.
(function () {
  "use strict";
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
})();
