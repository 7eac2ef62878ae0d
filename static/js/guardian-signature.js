// A minor's parent or guardian signs with a finger in their own box (the PNG goes in a hidden
// field), or ticks that their typed name is their signature. Drawing unticks the box and
// ticking clears the drawing, so only one guardian signature is sent. Without this script only
// the tick is offered.
(function () {
  "use strict";
  var canvas = document.getElementById("guardian-signature-pad");
  if (!canvas) { return; }
  var field = document.getElementById("guardian-signature");
  var panel = document.getElementById("guardian-drawn");
  var typed = document.getElementById("guardian-signature-typed-confirm");
  var error = document.getElementById("guardian-signature-error");
  var ctx = canvas.getContext("2d");
  var drawing = false;
  var inked = false;
  panel.hidden = false;
  ctx.lineWidth = 3;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.strokeStyle = "#10213f";

  function clear() {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    field.value = "";
    inked = false;
  }
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
    if (inked) {
      field.value = canvas.toDataURL("image/png");
      typed.checked = false;
      if (error) { error.textContent = ""; }
    }
  }
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  document.getElementById("guardian-signature-clear").addEventListener("click", clear);
  // A message from the last submit goes once the field it is about has been seen to.
  function clearOnEdit(input, errorId, eventName) {
    if (!input) { return; }
    input.addEventListener(eventName, function () {
      var message = document.getElementById(errorId);
      if (message) { message.textContent = ""; }
      input.removeAttribute("aria-invalid");
      input.classList.remove("is-invalid");
    });
  }
  clearOnEdit(document.getElementById("guardian-name"), "guardian-name-error", "input");
  clearOnEdit(document.getElementById("guardian-relationship"), "guardian-relationship-error", "change");
  typed.addEventListener("change", function () {
    if (typed.checked) { clear(); if (error) { error.textContent = ""; } }
  });
})();
