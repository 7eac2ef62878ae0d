// The finger-drawing pad shared by the client's signature (signature.js) and a minor's parent or
// guardian's (guardian-signature.js): strokes on a canvas, kept as a PNG data URL in a hidden
// field once something has been drawn, and its clear button. Loaded before both.
(function () {
  "use strict";

  // Draws on `canvas` and keeps the PNG in `field`; `onInk` (optional) runs when a stroke that
  // left ink ends. Returns clear(), which wipes the canvas and the field.
  function attach(canvas, field, onInk) {
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
      if (inked) {
        field.value = canvas.toDataURL("image/png");
        if (onInk) { onInk(); }
      }
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);

    return {
      clear: function () {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        field.value = "";
        inked = false;
      }
    };
  }

  // A message from the last submit goes once the client has done what it asked for, so a
  // ticked box is not still marked as unticked.
  function clearError(input, errorId) {
    var message = document.getElementById(errorId);
    if (message) { message.textContent = ""; }
    input.removeAttribute("aria-invalid");
    input.classList.remove("is-invalid");
  }

  // A signer's pad on this page, found by the ids that start with `prefix`: `<prefix>-pad` the
  // canvas, `<prefix>` the hidden field, `<prefix>-clear` its button. Returns the pad with its
  // field, or null when the page has no such signer (then nothing is set up).
  function setUp(prefix, onInk) {
    var canvas = document.getElementById(prefix + "-pad");
    if (!canvas) { return null; }
    var field = document.getElementById(prefix);
    var pad = attach(canvas, field, onInk);
    document.getElementById(prefix + "-clear").addEventListener("click", pad.clear);
    return { clear: pad.clear, field: field };
  }

  // Takes the message of `errorId` away once `input` sends `eventName` (a missing input: nothing).
  function clearOnEdit(input, errorId, eventName) {
    if (!input) { return; }
    input.addEventListener(eventName, function () { clearError(input, errorId); });
  }

  window.SignaturePad = { setUp: setUp, clearError: clearError, clearOnEdit: clearOnEdit };
})();
