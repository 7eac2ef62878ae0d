// A minor's parent or guardian signs with a finger in their own box (the PNG goes in a hidden
// field), or ticks that their typed name is their signature. Drawing unticks the box and
// ticking clears the drawing, so only one guardian signature is sent. Without this script only
// the tick is offered. The drawing itself is signature-pad.js.
(function () {
  "use strict";
  var canvas = document.getElementById("guardian-signature-pad");
  if (!canvas) { return; }
  var field = document.getElementById("guardian-signature");
  var panel = document.getElementById("guardian-drawn");
  var typed = document.getElementById("guardian-signature-typed-confirm");
  var error = document.getElementById("guardian-signature-error");
  panel.hidden = false;

  var pad = window.SignaturePad.attach(canvas, field, function () {
    typed.checked = false;
    if (error) { error.textContent = ""; }
  });
  document.getElementById("guardian-signature-clear").addEventListener("click", pad.clear);
  function clearOnEdit(input, errorId, eventName) {
    if (!input) { return; }
    input.addEventListener(eventName, function () { window.SignaturePad.clearError(input, errorId); });
  }
  clearOnEdit(document.getElementById("guardian-name"), "guardian-name-error", "input");
  clearOnEdit(document.getElementById("guardian-relationship"), "guardian-relationship-error", "change");
  typed.addEventListener("change", function () {
    if (typed.checked) { pad.clear(); if (error) { error.textContent = ""; } }
  });
})();
