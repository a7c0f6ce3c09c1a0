// The guidance form, enhanced: each slider shows its value, moving a slider marks it
// answered, and unanswered sliders are left out of the submitted address. Without this
// script the form still works: every slider is sent together with its "not answered" box.
(function () {
  "use strict";
  var form = document.getElementById("guide-form");
  if (!form) {
    return;
  }
  var meters = Array.prototype.slice.call(form.querySelectorAll("[data-meter]"));
  meters.forEach(function (box) {
    var range = box.querySelector("input[type=range]");
    var skip = box.querySelector("input[type=checkbox]");
    var out = box.querySelector("output");
    var notAnswered = box.getAttribute("data-not-answered");
    function show() {
      if (skip.checked) {
        out.textContent = "\u2014";
        range.setAttribute("aria-valuetext", notAnswered);
      } else {
        out.textContent = range.value;
        range.removeAttribute("aria-valuetext");
      }
    }
    range.addEventListener("input", function () {
      skip.checked = false;
      show();
    });
    skip.addEventListener("change", show);
    show();
  });
  form.addEventListener("submit", function () {
    meters.forEach(function (box) {
      var range = box.querySelector("input[type=range]");
      var skip = box.querySelector("input[type=checkbox]");
      range.disabled = skip.checked;
      skip.disabled = true;
    });
  });
  // Coming back with the browser's Back button restores the page as it was left.
  window.addEventListener("pageshow", function () {
    meters.forEach(function (box) {
      Array.prototype.forEach.call(box.querySelectorAll("input"), function (input) {
        input.disabled = false;
      });
    });
  });
})();
