
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
  document.addEventListener("click", function (event) {
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
})();
