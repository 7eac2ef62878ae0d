// Finger signature on a canvas, kept as a PNG data URL in a hidden field.
(function () {
  "use strict";
  var canvas = document.getElementById("signature-pad");
  if (!canvas) { return; }
  var field = document.getElementById("signature");
  var ctx = canvas.getContext("2d");
  var drawing = false;
  var inked = false;
  ctx.lineWidth = 3;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.strokeStyle = "#10213f";

  function point(event) {
    var rect = canvas.getBoundingClientRect();
    return {
      x: (event.clientX - rect.left) * (canvas.width / rect.width),
      y: (event.clientY - rect.top) * (canvas.height / rect.height)
    };
  }
  canvas.addEventListener("pointerdown", function (event) {
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    var p = point(event);
    ctx.beginPath();
    ctx.moveTo(p.x, p.y);
    ctx.lineTo(p.x + 0.1, p.y + 0.1);
    ctx.stroke();
    event.preventDefault();
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) { return; }
    var p = point(event);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    inked = true;
  });
  function end() {
    if (!drawing) { return; }
    drawing = false;
    if (inked) { field.value = canvas.toDataURL("image/png"); }
  }
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  document.getElementById("signature-clear").addEventListener("click", function () {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    field.value = "";
    inked = false;
  });
})();
