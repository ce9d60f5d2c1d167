// Exam page: starts or resumes the attempt, saves every answer at once with a
// sequence number, keeps unsent answers in localStorage and retries them when
// the network returns, shows "saved" only after the server acknowledged, and
// counts down from the server's clock.
(function () {
  'use strict';
  var root = document.getElementById('exam');
  if (!root) return;
  var d = root.dataset;
  var $ = function (id) { return document.getElementById(id); };
  var paper = $('paper'), clock = $('clock'), net = $('net'), over = $('over');
  var attempt = null, offset = 0, deadline = 0, finished = false, lastFailed = false;
  var queue = {}, seq = 0, sending = {}, armed = 0;

  function api(method, path, body) {
    var opts = { method: method, credentials: 'same-origin', headers: { 'X-CSRF-Token': d.csrf } };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    return fetch(path, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) { return { status: r.status, body: j }; });
    });
  }

  function key() { return 'gs-exam-' + attempt.id; }
  function persist() {
    try { localStorage.setItem(key(), JSON.stringify({ s: seq, q: queue })); } catch (e) { /* private mode: memory only */ }
  }
  function restore() {
    try { return JSON.parse(localStorage.getItem(key()) || '{}') || {}; } catch (e) { return {}; }
  }
  function pending() { return Object.keys(queue).length; }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function setStatus(qid, state) {
    var s = $('st-' + qid);
    if (!s) return;
    s.className = 'qstatus ' + state;
    s.textContent = state === 'saved' ? d.tSaved : state === 'sending' ? d.tSending : d.tUnsent;
  }

  function updateNet() {
    var n = pending();
    if (lastFailed || !navigator.onLine) net.textContent = d.tOffline + (n ? ' ' + d.tPending.replace('%d', n) : '');
    else net.textContent = n ? d.tPending.replace('%d', n) : '';
    net.className = lastFailed ? 'offline' : '';
  }

  function render(a) {
    paper.textContent = '';
    a.questions.forEach(function (q, i) {
      var fs = el('fieldset', 'q');
      fs.id = 'q-' + q.id;
      fs.dataset.q = q.id;
      fs.dataset.type = q.type;
      fs.appendChild(el('legend', '', (i + 1) + '. ' + q.stem));
      if (q.type === 'blank') {
        for (var b = 0; b < (q.blanks || 1); b++) {
          var inp = el('input');
          inp.type = 'text';
          inp.maxLength = 200;
          inp.autocomplete = 'off';
          inp.setAttribute('aria-label', (i + 1) + '-' + (b + 1));
          inp.addEventListener('input', debounce(changed.bind(null, q), 700));
          inp.addEventListener('change', changed.bind(null, q));
          fs.appendChild(inp);
        }
      } else {
        q.options.forEach(function (o) {
          var lab = el('label', 'choice');
          var inp = el('input');
          inp.type = q.type === 'multiple' ? 'checkbox' : 'radio';
          inp.name = 'q-' + q.id;
          inp.value = o.key;
          inp.addEventListener('change', changed.bind(null, q));
          lab.appendChild(inp);
          lab.appendChild(document.createTextNode(' ' + (q.type === 'truefalse' ? '' : o.key + '. ') + o.text));
          fs.appendChild(lab);
        });
      }
      var st = el('p', 'qstatus');
      st.id = 'st-' + q.id;
      st.setAttribute('aria-live', 'polite');
      fs.appendChild(st);
      paper.appendChild(fs);
    });
  }

  function show(q, ans) {
    var fs = $('q-' + q.id);
    if (!fs || ans === undefined || ans === null) return;
    var inputs = fs.querySelectorAll('input');
    if (q.type === 'blank') {
      for (var i = 0; i < inputs.length; i++) inputs[i].value = ans[i] || '';
      return;
    }
    var set = Array.isArray(ans) ? ans : [ans];
    for (var j = 0; j < inputs.length; j++) inputs[j].checked = set.indexOf(inputs[j].value) >= 0;
  }

  function read(q) {
    var inputs = $('q-' + q.id).querySelectorAll('input');
    var out = [];
    for (var i = 0; i < inputs.length; i++) {
      if (q.type === 'blank') out.push(inputs[i].value);
      else if (inputs[i].checked) out.push(inputs[i].value);
    }
    if (q.type === 'single' || q.type === 'truefalse') return out[0] || '';
    return out;
  }

  function debounce(fn, ms) {
    var t;
    return function () { clearTimeout(t); t = setTimeout(fn, ms); };
  }

  function changed(q) {
    if (finished) return;
    seq++;
    queue[q.id] = { a: read(q), s: seq };
    persist();
    setStatus(q.id, 'sending');
    updateNet();
    send(q.id);
  }

  function send(qid) {
    var item = queue[qid];
    if (!item || sending[qid] || finished) return;
    sending[qid] = true;
    api('PUT', '/api/v1/attempts/' + attempt.id + '/answers/' + qid, { answer: item.a, seq: item.s }).then(function (r) {
      sending[qid] = false;
      lastFailed = false;
      if (r.status === 200 && r.body.saved) {
        if (queue[qid] && queue[qid].s <= r.body.seq) {
          delete queue[qid];
          persist();
          setStatus(qid, 'saved');
        } else if (queue[qid]) {
          send(qid);
        }
      } else if (r.status === 409) {
        timeUp();
      } else if (r.status >= 400 && r.status < 500) {
        delete queue[qid];
        persist();
        setStatus(qid, 'unsent');
      } else {
        lastFailed = true;
        setStatus(qid, 'unsent');
      }
      updateNet();
    }).catch(function () {
      sending[qid] = false;
      lastFailed = true;
      setStatus(qid, 'unsent');
      updateNet();
    });
  }

  function flush() {
    Object.keys(queue).forEach(send);
  }

  function tick() {
    if (!attempt) return;
    var left = Math.max(0, Math.floor((deadline - (Date.now() + offset)) / 1000));
    var m = Math.floor(left / 60), s = left % 60;
    clock.textContent = d.tLeft + ' ' + m + ':' + (s < 10 ? '0' : '') + s;
    if (left <= 0) timeUp();
  }

  function toResult() {
    setTimeout(function () { location.href = '/attempts/' + attempt.id; }, 1200);
  }

  function timeUp() {
    if (finished) return;
    finished = true;
    var inputs = paper.querySelectorAll('input');
    for (var i = 0; i < inputs.length; i++) inputs[i].disabled = true;
    $('submit-bar').hidden = true;
    over.textContent = d.tTimeup;
    over.hidden = false;
    api('POST', '/api/v1/attempts/' + attempt.id + '/submit').then(toResult, toResult);
  }

  function submit() {
    if (finished) return;
    var btn = $('submit');
    if (pending()) {
      flush();
      over.textContent = d.tWait;
      over.hidden = false;
      return;
    }
    if (Date.now() - armed > 5000) {
      armed = Date.now();
      btn.dataset.label = btn.dataset.label || btn.textContent;
      btn.textContent = d.tConfirm;
      return;
    }
    btn.disabled = true;
    api('POST', '/api/v1/attempts/' + attempt.id + '/submit').then(function (r) {
      if (r.status === 200) {
        finished = true;
        try { localStorage.removeItem(key()); } catch (e) { /* ignore */ }
        location.href = '/attempts/' + attempt.id;
        return;
      }
      btn.disabled = false;
      over.textContent = (r.body.error && r.body.error.message) || d.tError;
      over.hidden = false;
    }).catch(function () {
      btn.disabled = false;
      lastFailed = true;
      updateNet();
    });
  }

  function start() {
    api('POST', '/api/v1/exams/' + d.exam + '/attempts').then(function (r) {
      if (r.status !== 200 && r.status !== 201) {
        $('loading').textContent = (r.body.error && r.body.error.message) || d.tError;
        return;
      }
      attempt = r.body;
      offset = Date.parse(attempt.now) - Date.now();
      deadline = Date.parse(attempt.deadline);
      var saved = restore();
      var seqs = attempt.seqs || {};
      seq = saved.s || 0;
      Object.keys(seqs).forEach(function (q) { seq = Math.max(seq, seqs[q]); });
      queue = {};
      Object.keys(saved.q || {}).forEach(function (q) {
        if (saved.q[q].s > (seqs[q] || 0)) queue[q] = saved.q[q];
      });
      render(attempt);
      attempt.questions.forEach(function (q) {
        if (queue[q.id]) { show(q, queue[q.id].a); setStatus(q.id, 'unsent'); }
        else if (attempt.answers && attempt.answers[q.id] !== undefined) { show(q, attempt.answers[q.id]); setStatus(q.id, 'saved'); }
      });
      $('loading').hidden = true;
      paper.hidden = false;
      $('submit-bar').hidden = false;
      persist();
      updateNet();
      flush();
      tick();
      setInterval(tick, 1000);
      setInterval(function () { if (pending()) flush(); }, 3000);
    }).catch(function () {
      $('loading').textContent = d.tError;
      setTimeout(start, 3000);
    });
  }

  $('submit').addEventListener('click', submit);
  window.addEventListener('online', function () { lastFailed = false; updateNet(); flush(); });
  window.addEventListener('offline', updateNet);
  document.addEventListener('visibilitychange', function () {
    if (!attempt || finished) return;
    api('POST', '/api/v1/attempts/' + attempt.id + '/events', { type: document.hidden ? 'hidden' : 'visible' }).then(function (r) {
      if (r.body && r.body.submitted) { finished = true; toResult(); }
    }).catch(function () { /* recorded when possible */ });
  });
  start();
})();
