// Practical task page: nothing typed is lost on an unsteady connection.
// Every item's fields are kept as a draft in localStorage as they are typed
// and sent to the server (PUT, the item's whole entry) a moment later; a
// send that fails is retried every few seconds and when the phone is back
// online, and the draft is dropped only once the server holds that text.
// A draft left from an earlier visit is put back into its fields on load
// and sent again. Without the script the forms post as usual.
(function () {
  var root = document.getElementById('task');
  if (!root || !window.fetch) return;
  var task = root.dataset.task, csrf = root.dataset.csrf;
  var key = function (item) { return 'gs-task:' + task + ':' + item; };
  var store = window.localStorage;
  var timers = {};

  function fields(form) {
    var out = {};
    ['note', 'count', 'date', 'place'].forEach(function (n) {
      var el = form.elements[n];
      if (el) out[n] = el.value;
    });
    return out;
  }

  function show(form, text, cls) {
    var s = form.querySelector('.qstatus');
    if (s) { s.textContent = text; s.className = 'qstatus ' + cls; }
  }

  function send(form) {
    var item = form.dataset.item, f = fields(form);
    var body = { note: f.note || '', date: f.date || '', place: f.place || '', count: parseInt(f.count || '0', 10) || 0 };
    clearTimeout(timers[item]);
    return fetch('/api/v1/tasks/' + task + '/items/' + item, {
      method: 'PUT', credentials: 'same-origin', cache: 'no-store',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (r.ok) {
        if (store && JSON.stringify(fields(form)) === JSON.stringify(f)) store.removeItem(key(item));
        show(form, root.dataset.saved || '✓', 'saved');
        return;
      }
      if (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429) {
        // Refused for good (the item was accepted meanwhile, or a field is wrong):
        // the form's own post shows why.
        return r.json().then(function (e) { show(form, e.error && e.error.message || '!', 'unsent'); });
      }
      throw new Error('retry');
    }).catch(function () {
      show(form, '…', 'unsent');
      timers[item] = setTimeout(function () { send(form); }, 5000);
    });
  }

  Array.prototype.forEach.call(root.querySelectorAll('form.entry'), function (form) {
    var item = form.dataset.item;
    var draft = store && store.getItem(key(item));
    if (draft) {
      try {
        var d = JSON.parse(draft);
        Object.keys(d).forEach(function (n) { if (form.elements[n]) form.elements[n].value = d[n]; });
        send(form);
      } catch (e) { store.removeItem(key(item)); }
    }
    form.addEventListener('input', function () {
      if (store) store.setItem(key(item), JSON.stringify(fields(form)));
      show(form, '…', 'unsent');
      clearTimeout(timers[item]);
      timers[item] = setTimeout(function () { send(form); }, 800);
    });
  });
  window.addEventListener('online', function () {
    Array.prototype.forEach.call(root.querySelectorAll('form.entry'), function (form) {
      if (store && store.getItem(key(form.dataset.item))) send(form);
    });
  });
  // Before a photo upload or the submit leaves the page, typed text goes first.
  Array.prototype.forEach.call(document.querySelectorAll('form.photo, #submit'), function (form) {
    form.addEventListener('submit', function (ev) {
      var pending = Array.prototype.filter.call(root.querySelectorAll('form.entry'), function (f) { return store && store.getItem(key(f.dataset.item)); });
      if (!pending.length) return;
      ev.preventDefault();
      Promise.all(pending.map(send)).then(function () { form.submit(); });
    });
  });
})();
