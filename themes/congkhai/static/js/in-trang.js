// "In trang này": the print buttons are hidden until this script runs (no JavaScript,
// no button); a click opens the browser's print dialog.
document.querySelectorAll("button[data-print]").forEach(function (b) {
  b.hidden = false;
  b.addEventListener("click", function () {
    window.print();
  });
});
