// Lesson editor: an image chosen with the button, pasted or dropped into the
// text is uploaded and its Markdown inserted where the cursor is, so nobody
// copies an image's id by hand. Without this script the upload form below
// the editor still works. Copy buttons copy the text of their target.
(function () {
  function insert(area, text) {
    var start = area.selectionStart || 0, end = area.selectionEnd || 0, v = area.value;
    var before = v.slice(0, start), after = v.slice(end);
    var pre = before && !/\n$/.test(before) ? '\n\n' : '', post = after && !/^\n/.test(after) ? '\n\n' : '\n';
    area.value = before + pre + text + post + after;
    var at = (before + pre + text + post).length;
    area.setSelectionRange(at, at);
    area.focus();
  }
  function upload(area, status, file) {
    if (!file || !/^image\//.test(file.type)) return false;
    var body = new FormData();
    body.append('file', file);
    status.textContent = status.getAttribute('data-busy');
    fetch(area.getAttribute('data-upload'), {method: 'POST', credentials: 'same-origin', headers: {'X-CSRF-Token': area.getAttribute('data-csrf')}, body: body})
      .then(function (r) { return r.json().then(function (j) { return {ok: r.ok, j: j}; }); })
      .then(function (res) {
        if (!res.ok || !res.j.url) throw new Error(res.j.error && res.j.error.message || '');
        status.textContent = '';
        insert(area, '![](' + res.j.url + ')');
      })
      .catch(function (e) { status.textContent = status.getAttribute('data-failed') + (e.message ? ' ' + e.message : ''); });
    return true;
  }
  var areas = document.querySelectorAll('textarea[data-upload]');
  for (var i = 0; i < areas.length; i++) (function (area) {
    var row = document.querySelector('[data-insert-for="' + area.id + '"]');
    if (!row || !window.fetch || !window.FormData) return;
    var input = row.querySelector('input[type=file]'), status = row.querySelector('[role=status]');
    row.hidden = false;
    input.addEventListener('change', function () { upload(area, status, input.files[0]); input.value = ''; });
    area.addEventListener('paste', function (e) {
      var items = e.clipboardData && e.clipboardData.files;
      if (items && items.length && upload(area, status, items[0])) e.preventDefault();
    });
    area.addEventListener('dragover', function (e) { e.preventDefault(); });
    area.addEventListener('drop', function (e) {
      var files = e.dataTransfer && e.dataTransfer.files;
      if (files && files.length && upload(area, status, files[0])) e.preventDefault();
    });
  })(areas[i]);
  var copies = document.querySelectorAll('button.copy[data-copy]');
  for (var k = 0; k < copies.length; k++) (function (b) {
    b.addEventListener('click', function () {
      var el = document.querySelector(b.getAttribute('data-copy'));
      if (!el) return;
      var text = el.textContent, done = function () { b.textContent = b.getAttribute('data-done') || '✓'; };
      if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text).then(done); return; }
      var t = document.createElement('textarea');
      t.value = text; document.body.appendChild(t); t.select();
      try { document.execCommand('copy'); done(); } catch (e) {}
      document.body.removeChild(t);
    });
  })(copies[k]);
})();
