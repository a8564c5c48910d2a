/* Service days: hide sessions that ended after the site was built.
   Progressive enhancement only: without this script the page still lists every
   session under "sắp tới" as of the build date, which is shown on the page. */
(function () {
  "use strict";
  var now = Date.now();
  var items = document.querySelectorAll("[data-lich='sap-toi'] [data-end]");
  var hidden = 0;
  for (var i = 0; i < items.length; i++) {
    var end = Date.parse(items[i].getAttribute("data-end"));
    if (!isNaN(end) && end < now) {
      items[i].hidden = true;
      hidden++;
    }
  }
  if (hidden > 0 && items.length > 0) {
    var list = items[0].parentNode;
    var p = document.createElement("p");
    p.className = "small";
    p.textContent = "Đã ẩn " + hidden + " buổi vừa diễn ra (xem ở mục “Các buổi đã qua” sau lần cập nhật tới).";
    list.parentNode.insertBefore(p, list.nextSibling);
  }
})();
