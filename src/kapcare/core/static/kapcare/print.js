// A button with data-print opens the browser's print dialog. Kept in a file (not an inline
// handler) so the content security policy can forbid inline script.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
