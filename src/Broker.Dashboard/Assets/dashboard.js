// Broker dashboard: refreshes the counts and rates on the page every 2 s from the dashboard's own JSON. Progressive
// enhancement only: every page is complete without it. It writes text (textContent), never markup.
(function () {
  "use strict";
  var url = document.body && document.body.getAttribute("data-poll");
  if (!url || !window.fetch) return;
  var fields = ["ready", "delayed", "inFlight", "deadLetters", "subscriptions", "produced", "completed", "oldest", "stuck"];
  function apply(data) {
    var byName = {};
    data.channels.forEach(function (c) { byName[c.name] = c; });
    document.querySelectorAll("[data-channel]").forEach(function (row) {
      var c = byName[row.getAttribute("data-channel")];
      if (!c) return;
      fields.forEach(function (f) {
        row.querySelectorAll('[data-field="' + f + '"]').forEach(function (cell) {
          if (cell.textContent !== c[f]) cell.textContent = c[f];
        });
        if (f === "stuck") row.classList.toggle("stuck", c.stuck !== "");
      });
    });
  }
  function poll() {
    if (document.visibilityState === "hidden") return;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) apply(data); })
      .catch(function () { /* the next poll tries again */ });
  }
  setInterval(poll, 2000);
  poll();
})();
