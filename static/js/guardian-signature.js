// A minor's parent or guardian signs with a finger in their own box (the PNG goes in a hidden
// field), or ticks that their typed name is their signature. Drawing unticks the box and
// ticking clears the drawing, so only one guardian signature is sent. Without this script only
// the tick is offered. The drawing itself is signature-pad.js.
(function () {
  "use strict";
  var typed = document.getElementById("guardian-signature-typed-confirm");
  var error = document.getElementById("guardian-signature-error");
  var pad = window.SignaturePad.setUp("guardian-signature", function () {
    typed.checked = false;
    if (error) { error.textContent = ""; }
  });
  if (!pad) { return; }
  document.getElementById("guardian-drawn").hidden = false;

  var clearOnEdit = window.SignaturePad.clearOnEdit;
  clearOnEdit(document.getElementById("guardian-name"), "guardian-name-error", "input");
  clearOnEdit(document.getElementById("guardian-relationship"), "guardian-relationship-error", "change");
  typed.addEventListener("change", function () {
    if (typed.checked) { pad.clear(); if (error) { error.textContent = ""; } }
  });
})();
