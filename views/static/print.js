// Print buttons: CSP forbids inline handlers, so one listener serves them all.
document.addEventListener('click', function (e) {
  var b = e.target.closest && e.target.closest('[data-print]');
  if (b) { window.print(); }
});
