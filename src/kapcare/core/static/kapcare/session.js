// Session timeout warning and form draft keeping.
// The server ends idle sessions; this script warns two minutes before, lets the
// person stay signed in, and keeps what they typed (never passwords) in this tab's
// sessionStorage so that a half-filled form survives signing in again.
(function () {
  "use strict";
  var body = document.body;
  var DRAFT_PREFIX = "kapcare-draft:";

  function draftKey(form) {
    return DRAFT_PREFIX + location.pathname + "#" + (form.id || form.getAttribute("action") || "form");
  }

  // A field still showing what the page was served with (a select's preset choice, a prefilled
  // input) has not been touched on this page yet, so the draft may fill it in.
  function untouched(field) {
    if (field.options) {
      return Array.prototype.every.call(field.options, function (o) { return o.selected === o.defaultSelected; });
    }
    if ("defaultValue" in field) return field.value === field.defaultValue;
    return !field.value;
  }

  function keepDrafts() {
    document.querySelectorAll("form[data-keep-draft]").forEach(function (form) {
      var key = draftKey(form);
      var saved = sessionStorage.getItem(key);
      if (saved) {
        try {
          var values = JSON.parse(saved);
          var restored = false;
          Object.keys(values).forEach(function (name) {
            var field = form.elements.namedItem(name);
            if (field && field.type !== "password" && field.type !== "hidden" && untouched(field) &&
                field.value !== values[name]) {
              field.value = values[name];
              restored = true;
            }
          });
          if (restored) {
            var note = document.createElement("p");
            note.className = "message info";
            note.setAttribute("role", "status");
            note.textContent = "We restored what you had typed before you were signed out. Check it and save.";
            form.prepend(note);
          }
        } catch (e) { sessionStorage.removeItem(key); }
      }
      form.addEventListener("input", function () {
        var values = {};
        Array.prototype.forEach.call(form.elements, function (field) {
          if (field.name && field.type !== "password" && field.type !== "hidden" && field.type !== "submit" && field.value) {
            values[field.name] = field.value;
          }
        });
        sessionStorage.setItem(key, JSON.stringify(values));
      });
      form.addEventListener("submit", function () { sessionStorage.removeItem(key); });
    });
  }

  function clearDraftsOnSignOut() {
    document.querySelectorAll("form[action$='/logout/']").forEach(function (form) {
      form.addEventListener("submit", function () {
        Object.keys(sessionStorage).forEach(function (k) { if (k.indexOf(DRAFT_PREFIX) === 0) sessionStorage.removeItem(k); });
      });
    });
  }

  function idleWarning() {
    var idle = parseInt(body.dataset.idleSeconds || "0", 10);
    var dialog = document.getElementById("idle-warning");
    if (!idle || !dialog) return;
    var warnBefore = Math.min(120, Math.floor(idle / 2));
    var deadline = Date.now() + idle * 1000;
    var countdown = document.getElementById("idle-countdown");

    function reset() { deadline = Date.now() + idle * 1000; if (dialog.open) dialog.close(); }
    function tick() {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      if (left <= 0) {
        location.href = "/login/?expired=idle&next=" + encodeURIComponent(location.pathname + location.search);
        return;
      }
      if (left <= warnBefore) {
        countdown.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
        if (!dialog.open) dialog.showModal();
      }
    }
    document.getElementById("idle-stay").addEventListener("click", function () {
      var token = document.querySelector("input[name=csrfmiddlewaretoken]");
      var headers = { "X-Requested-With": "fetch" };
      var hx = body.getAttribute("hx-headers");
      if (hx) { try { Object.assign(headers, JSON.parse(hx)); } catch (e) { /* ignore */ } }
      if (token) headers["X-CSRFToken"] = token.value;
      fetch(body.dataset.keepaliveUrl, { method: "POST", headers: headers, credentials: "same-origin" })
        .then(function (r) { if (r.ok) reset(); else location.reload(); });
    });
    document.body.addEventListener("htmx:afterRequest", reset);
    setInterval(tick, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    keepDrafts();
    clearDraftsOnSignOut();
    idleWarning();
  });
})();
