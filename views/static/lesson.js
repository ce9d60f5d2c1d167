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
    if (document.visibilityState === 'visible') start(); else { leave(); stop(); }
  });
  // Leaving reports the time read since the last beat; a beacon carries the
  // form token in its body, as a form would.
  function leave() {
    if (!timer || !navigator.sendBeacon) return;
    var body = new FormData();
    body.append('_csrf', csrf);
    navigator.sendBeacon(url, body);
  }
  window.addEventListener('pagehide', leave);
  if (document.visibilityState === 'visible') start();
  // The button waits out the lesson's minimum reading time, counted by the
  // server from the first open; the note says how long is left.
  var note = document.getElementById('ready-note'), button = document.getElementById('complete');
  if (note && button) {
    var left = parseInt(note.getAttribute('data-ready'), 10) || 0, label = button.textContent;
    var tick = function () {
      if (left <= 0) { button.disabled = false; button.textContent = label; note.hidden = true; return; }
      button.disabled = true;
      button.textContent = label + ' (' + left + ')';
      left--;
      setTimeout(tick, 1000);
    };
    tick();
  }
  // A double tap on "complete" sends one request; the server is idempotent anyway.
  var form = document.querySelector('form.complete');
  if (form) form.addEventListener('submit', function (e) {
    if (form.getAttribute('data-sent')) { e.preventDefault(); return; }
    form.setAttribute('data-sent', '1');
  });
})();
