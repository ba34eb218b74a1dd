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
  // <input type=file data-max-bytes>: refuse an oversize file before it is sent (the server
  // refuses it too, but only after the upload; a phone on a slow line should not wait for that).
  var sizeText = function (bytes) {
    var mb = bytes / 1048576;
    return mb >= 1 ? mb.toFixed(mb >= 10 ? 0 : 1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " KB";
  };
  var checkFiles = function (input) {
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    var totalMax = parseInt(input.getAttribute("data-total-bytes") || "0", 10);
    var problem = "";
    var total = 0;
    Array.prototype.forEach.call(input.files || [], function (file) {
      total += file.size;
      if (!problem && max && file.size > max) {
        problem = "ไฟล์ “" + file.name + "” มีขนาด " + sizeText(file.size) + " เกินกำหนด " +
          input.getAttribute("data-max-label") + " ต่อไฟล์ กรุณาลดขนาดไฟล์ก่อนแนบ";
      }
    });
    if (!problem && totalMax && total > totalMax) {
      problem = "ไฟล์ที่เลือกรวม " + sizeText(total) + " เกินกำหนด " +
        input.getAttribute("data-total-label") + " ต่อครั้ง กรุณาแบ่งแนบเป็นหลายครั้ง";
    }
    var note = input.parentNode.querySelector(".upload-problem");
    if (problem) {
      if (!note) {
        note = document.createElement("div");
        note.className = "upload-problem invalid-feedback d-block";
        note.setAttribute("role", "alert");
        input.parentNode.insertBefore(note, input.nextSibling);
      }
      note.textContent = problem;
      input.classList.add("is-invalid");
      input.value = "";  // nothing oversize is sent; the note says why the choice was cleared
    } else if (note) {
      note.remove();
      input.classList.remove("is-invalid");
    }
    return !problem;
  };
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("input[type=file][data-max-bytes]")) { checkFiles(el); }
  });
  // [data-filter-list]: a search box above a long list of checkboxes (the ~50 items of a
  // framework): typing "o12" or a word of the item keeps only the matching rows in view.
  Array.prototype.forEach.call(document.querySelectorAll("[data-filter-list]"), function (box) {
    var input = document.createElement("input");
    input.type = "search";
    input.className = "form-control form-control-sm mb-2";
    input.placeholder = "พิมพ์เพื่อค้นหาข้อ เช่น o12 หรือคำในข้อ";
    input.setAttribute("aria-label", "ค้นหาข้อการประเมิน");
    box.insertBefore(input, box.firstChild);
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(box.querySelectorAll(".form-check"), function (row) {
        row.hidden = Boolean(query) && row.textContent.toLowerCase().indexOf(query) === -1;
      });
    });
  });
  // <button data-print>: print the page (the printable ITAS list).
  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest("[data-print]");
    if (el) { window.print(); }
  });
  // A measure's timeframe: show only the fields of the chosen kind ([data-timeframe]).
  var kinds = document.querySelectorAll("input[name='timeframe_kind']");
  if (kinds.length) {
    var showTimeframe = function () {
      var chosen = document.querySelector("input[name='timeframe_kind']:checked");
      document.querySelectorAll("[data-timeframe]").forEach(function (el) {
        var kinds = el.getAttribute("data-timeframe").split(" ");
        el.hidden = Boolean(chosen) && kinds.indexOf(chosen.value) === -1;
      });
    };
    kinds.forEach(function (input) { input.addEventListener("change", showTimeframe); });
    showTimeframe();
  }
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
  // <textarea|input data-maxlength>: "120 / 500 ตัวอักษร" under the field once the text nears its
  // limit, red past it (the form keeps the text; the server says which field is too long).
  var countLetters = function (field) {
    var limit = parseInt(field.getAttribute("data-maxlength"), 10);
    var length = Array.from(field.value || "").length;
    var note = field.parentNode.querySelector(".length-count");
    if (length < limit * 0.8) {
      if (note) { note.hidden = true; }
      return;
    }
    if (!note) {
      note = document.createElement("div");
      note.className = "form-text length-count";
      note.setAttribute("aria-live", "polite");
      field.parentNode.insertBefore(note, field.nextSibling);
    }
    note.hidden = false;
    var over = length > limit;
    note.classList.toggle("text-danger", over);
    note.textContent = length.toLocaleString("th-TH") + " / " + limit.toLocaleString("th-TH") +
      " ตัวอักษร" + (over ? " เกินกำหนด " + (length - limit).toLocaleString("th-TH") +
      " ตัวอักษร กรุณาตัดให้สั้นลง" : "");
  };
  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-maxlength]")) { countLetters(el); }
  });
  document.querySelectorAll("[data-maxlength]").forEach(countLetters);
})();
