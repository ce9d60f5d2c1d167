// Lesson page: report time spent while the page is visible. The server
// decides how much each report is worth (at most a minute, nothing after a
// long gap, capped per lesson), so this only says "still here".
(function () {
  var el = document.getElementById('lesson');
  if (!el || !window.fetch) return;
  var url = el.getAttribute('data-beat'), csrf = el.getAttribute('data-csrf');
  var timer = null;
  function beat() {
    if (document.visibilityState !== 'visible') return;
    fetch(url, {method: 'POST', credentials: 'same-origin', headers: {'X-CSRF-Token': csrf}}).catch(function () {});
  }
  function start() {
    if (timer) return;
    beat();
    timer = setInterval(beat, 30000);
  }
  function stop() {
    clearInterval(timer);
    timer = null;
  }
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') start(); else stop();
  });
  if (document.visibilityState === 'visible') start();
  // A double tap on "complete" sends one request; the server is idempotent anyway.
  var form = document.querySelector('form.complete');
  if (form) form.addEventListener('submit', function (e) {
    if (form.getAttribute('data-sent')) { e.preventDefault(); return; }
    form.setAttribute('data-sent', '1');
  });
})();
