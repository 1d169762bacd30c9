// Countdown to a time shown on the page: an element with data-countdown-to (an ISO time)
// gets its [data-countdown-label] child updated every second ("In 3:12.", then "Due now.").
// The server's clock is sent as data-countdown-now so a tablet with a wrong clock still
// counts right. Without JavaScript the page already shows the time itself.
(function () {
  "use strict";
  document.querySelectorAll("[data-countdown-to]").forEach(function (element) {
    var target = Date.parse(element.getAttribute("data-countdown-to"));
    var serverNow = Date.parse(element.getAttribute("data-countdown-now") || "");
    var skew = isNaN(serverNow) ? 0 : serverNow - Date.now();
    var label = element.querySelector("[data-countdown-label]");
    if (isNaN(target) || !label) return;
    var announce = element.querySelector("[data-countdown-announce]");
    function tick() {
      var left = Math.round((target - (Date.now() + skew)) / 1000);
      if (left <= 0) {
        label.textContent = "Due now.";
        element.classList.remove("warning");
        element.classList.add("success");
        // announced once; the seconds ticking by are not read out
        if (announce) announce.textContent = "The next device is due now.";
        return;
      }
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      label.textContent = "In " + minutes + ":" + (seconds < 10 ? "0" : "") + seconds + ".";
      window.setTimeout(tick, 1000);
    }
    tick();
  });
})();
