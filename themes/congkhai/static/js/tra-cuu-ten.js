/* congkhai: "Am I on the list?" — a list-wide name lookup on a beneficiary list's page
   (progressive enhancement; without JavaScript the per-group pages do the job).
   Reads tra-cuu-ten.json (names exactly as the list's pages show them) on first use.
   fold() must match crate::text::fold: NFD, drop combining marks, đ/Đ → d, lower case. */
(function () {
  "use strict";
  var MAX = 30;
  function fold(s) {
    return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }
  function words(s) {
    return fold(s).split(/[^0-9a-z\u00aa-\u024f]+/).filter(Boolean);
  }
  // Every query word, in order, starts a word of the name; a name written with initials
  // ("N. V. A.") matches a query word that starts with its letter.
  function matches(nameWords, q) {
    var j = 0;
    for (var i = 0; i < q.length; i++) {
      while (j < nameWords.length && !(nameWords[j].lastIndexOf(q[i], 0) === 0 ||
        (nameWords[j].length === 1 && q[i].lastIndexOf(nameWords[j], 0) === 0))) { j++; }
      if (j === nameWords.length) { return false; }
      j++;
    }
    return q.length > 0;
  }
  var box = document.querySelector(".name-lookup__box[data-lookup]");
  if (!box || !window.fetch) { return; }
  var input = box.querySelector("input");
  var status = box.querySelector(".name-lookup__status");
  var list = box.querySelector(".name-lookup__results");
  var data = null, keys = null, loading = null, timer = null;
  function load() {
    if (!loading) {
      loading = fetch(box.getAttribute("data-lookup")).then(function (r) {
        if (!r.ok) { throw new Error(r.status); }
        return r.json();
      }).then(function (d) {
        data = d;
        keys = d.rows.map(function (r) { return words(r[0]); });
      });
    }
    return loading;
  }
  function show() {
    var q = words(input.value);
    list.textContent = "";
    if (!q.length || input.value.trim().length < 2) { status.textContent = ""; return; }
    var hits = [];
    for (var i = 0; i < data.rows.length; i++) {
      if (matches(keys[i], q)) { hits.push(data.rows[i]); }
    }
    var quoted = "\u201c" + input.value.trim() + "\u201d";
    if (!hits.length) {
      status.textContent = "Không có tên nào khớp với " + quoted + " trong danh sách. Hãy kiểm tra lại họ tên, hoặc xem danh sách từng tổ dân phố.";
      return;
    }
    status.textContent = "Có " + hits.length + " người, hộ có tên khớp với " + quoted +
      (hits.length > MAX ? "; hiện " + MAX + " tên đầu tiên, hãy gõ thêm để thu hẹp." : ":");
    hits.slice(0, MAX).forEach(function (r) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = data.pages[r[3]];
      a.textContent = r[0];
      li.appendChild(a);
      li.appendChild(document.createTextNode(" \u2013 " + data.groups[r[2]] + ", số thứ tự " + r[1]));
      list.appendChild(li);
    });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      load().then(show, function () {
        status.textContent = "Không tải được dữ liệu tra cứu. Vui lòng kiểm tra kết nối mạng rồi thử lại, hoặc xem danh sách từng tổ dân phố.";
      });
    }, 150);
  });
  box.hidden = false;
})();
