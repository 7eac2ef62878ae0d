// The session note's body map: tapping an area ticks or unticks it in the list of areas
// (the checkboxes stay the form's real input, so the page works without JavaScript).
(function () {
  "use strict";
  var form = document.getElementById("note-form");
  if (!form) return;

  function paintMap() {
    form.querySelectorAll(".body-map .region").forEach(function (shape) {
      var box = form.querySelector("input[name=regions][value='" + shape.dataset.region + "']");
      shape.classList.toggle("planned", !!(box && box.checked));
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "regions") paintMap();
  });
  form.querySelectorAll(".body-map .region").forEach(function (shape) {
    shape.addEventListener("click", function () {
      var box = form.querySelector("input[name=regions][value='" + shape.dataset.region + "']");
      if (!box) return;
      box.checked = !box.checked;
      paintMap();
    });
  });
  paintMap();
})();
