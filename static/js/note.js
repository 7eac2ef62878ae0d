// The session note's body map shows the areas ticked in the list of areas (tapping an area
// ticks its box: body-map.js).
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
  paintMap();
})();
