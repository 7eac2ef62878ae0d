// Finger signature on a canvas, kept as a PNG data URL in a hidden field; or, for a client who
// cannot use the screen, a typed name. One way at a time: the other way's fields are disabled,
// so only one signature is sent. Without this script only the typed name is offered. The
// drawing itself is signature-pad.js.
(function () {
  "use strict";
  var pad = window.SignaturePad.setUp("signature");
  if (!pad) { return; }
  var field = pad.field;
  var box = document.getElementById("signature-box");
  var drawnPanel = document.getElementById("signature-drawn");
  var typedPanel = document.getElementById("signature-typed");
  var modeField = document.getElementById("signature-mode");
  var switchButton = document.getElementById("signature-switch");
  var typedInputs = typedPanel.querySelectorAll("input");
  var mode = box.getAttribute("data-mode") === "typed" ? "typed" : "drawn";

  function setMode(next, moveFocus) {
    mode = next;
    drawnPanel.hidden = next !== "drawn";
    typedPanel.hidden = next !== "typed";
    modeField.value = next;
    field.disabled = next !== "drawn";
    Array.prototype.forEach.call(typedInputs, function (input) { input.disabled = next !== "typed"; });
    switchButton.textContent = switchButton.getAttribute(next === "drawn" ? "data-to-typed" : "data-to-drawn");
    if (moveFocus && next === "typed") { typedName.focus(); }
  }
  var typedName = document.getElementById("signature-typed-name");
  var typedConfirm = document.getElementById("signature-typed-confirm");
  window.SignaturePad.clearOnEdit(typedName, "signature-typed-name-error", "input");
  typedConfirm.addEventListener("change", function () {
    if (typedConfirm.checked) { window.SignaturePad.clearError(typedConfirm, "signature-typed-confirm-error"); }
  });

  setMode(mode, false);
  switchButton.hidden = false;
  switchButton.addEventListener("click", function () {
    setMode(mode === "drawn" ? "typed" : "drawn", true);
  });
})();
