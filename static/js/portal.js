/* Behaviour for the portal's pages, kept out of the HTML so the Content-Security-Policy can
   forbid inline scripts. Everything still works without JavaScript (noscript buttons). */
(function () {
  "use strict";
  // <select data-autosubmit>: submit its form on change.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) { el.form.submit(); }
  });
  // <form data-confirm="...">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }, true);
  // <button data-print>: print the page (the printable ITAS list).
  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest("[data-print]");
    if (el) { window.print(); }
  });
  // Live progress of a score import: [data-progress-url] polls its JSON endpoint.
  var card = document.querySelector("[data-progress-url]");
  if (card && card.getAttribute("data-finished") !== "true") {
    var tick = function () {
      fetch(card.getAttribute("data-progress-url"), {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (p) {
          var bar = document.getElementById("progress-bar");
          bar.style.width = p.percent + "%";
          bar.textContent = p.percent + "%";
          document.getElementById("progress-bar-wrap").setAttribute("aria-valuenow", p.percent);
          document.getElementById("progress-status").textContent = p.status_label;
          document.getElementById("progress-phase").textContent = p.phase_label;
          var rows = p.total ? p.done.toLocaleString("th-TH") + " / " + p.total.toLocaleString("th-TH") + " แถว" : "";
          if (p.rate) { rows += " · " + p.rate.toLocaleString("th-TH") + " แถว/วินาที"; }
          document.getElementById("progress-rows").textContent = rows;
          if (p.finished) { window.location.reload(); } else { setTimeout(tick, 1000); }
        })
        .catch(function () { setTimeout(tick, 3000); });
    };
    setTimeout(tick, 500);
  }
})();
