/* congkhai: in-page filter for beneficiary lists (progressive enhancement).
   Without JavaScript the per-group pages and the full table still work.
   fold() must match crate::text::fold: NFD, drop combining marks, đ/Đ → d, lower case. */
(function () {
  "use strict";
  function fold(s) {
    return s.normalize("NFD").replace(/\p{M}/gu, "").replace(/[đĐ]/g, "d").toLowerCase();
  }
  var boxes = document.querySelectorAll(".list-filter[data-filter-for]");
  Array.prototype.forEach.call(boxes, function (box) {
    var table = document.getElementById(box.getAttribute("data-filter-for"));
    var input = box.querySelector("input");
    var status = box.querySelector(".list-filter__status");
    if (!table || !input || !table.tBodies.length) { return; }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var keys = rows.map(function (r) { return fold(r.textContent.replace(/\s+/g, " ")); });
    var timer = null;
    function apply() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var ok = words.every(function (w) { return keys[i].indexOf(w) !== -1; });
        rows[i].hidden = !ok;
        if (ok) { shown++; }
      }
      status.textContent = words.length
        ? "Có " + shown + " / " + rows.length + " dòng khớp với \u201c" + input.value.trim() + "\u201d."
        : "";
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(apply, 120);
    });
    box.hidden = false;
  });
})();
