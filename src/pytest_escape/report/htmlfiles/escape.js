
(function () {
  "use strict";
  function target() {
    var id = location.hash ? decodeURIComponent(location.hash.slice(1)) : "";
    var el = id ? document.getElementById(id) : null;
    return el && el.tagName === "DETAILS" ? el : null;
  }
  function openHash() {
    var el = target();
    if (el) { el.open = true; }
  }
  window.addEventListener("hashchange", openHash);
  // The index's mutant filters: a row shows when its status is one of the
  // pressed status buttons (any, if none is pressed), and likewise its verdict.
  function applyFilters() {
    var table = document.getElementById("mutants");
    if (!table) { return; }
    var pressed = { status: [], verdict: [] };
    var buttons = document.querySelectorAll("button.filter");
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].getAttribute("aria-pressed") === "true") {
        pressed[buttons[i].getAttribute("data-kind")].push(buttons[i].getAttribute("data-value"));
      }
    }
    var rows = table.tBodies[0].rows;
    var shown = 0;
    for (var j = 0; j < rows.length; j++) {
      var row = rows[j];
      var ok = (!pressed.status.length || pressed.status.indexOf(row.getAttribute("data-status")) >= 0) &&
        (!pressed.verdict.length || pressed.verdict.indexOf(row.getAttribute("data-verdict")) >= 0);
      row.hidden = !ok;
      if (ok) { shown++; }
    }
    var counter = document.getElementById("shown");
    if (counter) { counter.textContent = shown + " of " + rows.length + " mutants shown"; }
  }
  document.addEventListener("click", function (event) {
    var filter = event.target.closest ? event.target.closest("button.filter") : null;
    if (filter) {
      var on = filter.getAttribute("aria-pressed") === "true";
      filter.setAttribute("aria-pressed", on ? "false" : "true");
      applyFilters();
      return;
    }
    var marker = event.target.closest ? event.target.closest("a.marker") : null;
    if (marker) {
      var el = document.getElementById(decodeURIComponent(marker.hash.slice(1)));
      if (el && el === target()) {
        el.open = !el.open;
        event.preventDefault();
      }
      return;
    }
    var button = event.target.closest ? event.target.closest("button.copy") : null;
    if (!button) { return; }
    var pre = document.getElementById(button.getAttribute("data-target"));
    if (!pre) { return; }
    function done(text) { button.textContent = text; }
    function select() {
      var range = document.createRange();
      range.selectNodeContents(pre);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      done(copied ? "Copied" : "Selected: press Ctrl+C");
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(pre.textContent).then(function () { done("Copied"); }, select);
    } else {
      select();
    }
  });
  openHash();
  applyFilters();
})();
