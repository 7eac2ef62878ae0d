// Finger signature on a canvas, kept as a PNG data URL in a hidden field; or, for a client who
// cannot use the screen, a typed name. One way at a time: the other way's fields are disabled,
// so only one signature is sent. Without this script only the typed name is offered.
(function () {
  "use strict";
  var canvas = document.getElementById("signature-pad");
  if (!canvas) { return; }
  var field = document.getElementById("signature");
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
  // A message from the last submit goes once the client has done what it asked for, so a
  // ticked box is not still marked as unticked.
  function clearError(input, errorId) {
    var message = document.getElementById(errorId);
    if (message) { message.textContent = ""; }
    input.removeAttribute("aria-invalid");
    input.classList.remove("is-invalid");
  }
  var typedName = document.getElementById("signature-typed-name");
  var typedConfirm = document.getElementById("signature-typed-confirm");
  typedName.addEventListener("input", function () { clearError(typedName, "signature-typed-name-error"); });
  typedConfirm.addEventListener("change", function () {
    if (typedConfirm.checked) { clearError(typedConfirm, "signature-typed-confirm-error"); }
  });

  setMode(mode, false);
  switchButton.hidden = false;
  switchButton.addEventListener("click", function () {
    setMode(mode === "drawn" ? "typed" : "drawn", true);
  });

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
