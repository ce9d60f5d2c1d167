// Exam page: reads the open attempt (it never starts one), saves every answer
// at once, keeps unsent answers in localStorage and retries them until the
// server answers, shows "saved" only for an answer the server holds, asks the
// worker to sign in again on this page when the session ends, and counts down
// from the server's clock.
//
// Ordering across devices (docs/api.md): each page load names itself with a
// random device id and counts its own seqs; the server orders saves by arrival
// and assigns the stored seq. Each save carries "base", the stored seq of the
// question this page knew, so an answer given before another device's newer
// one is refused and the page shows the answer the server holds.
(function () {
  'use strict';
  var root = document.getElementById('exam');
  if (!root) { leftovers(document.getElementById('unsent')); return; }
  var d = root.dataset;
  var $ = function (id) { return document.getElementById(id); };
  var paper = $('paper'), clock = $('clock'), net = $('net'), over = $('over');
  var attempt = null, offset = 0, deadline = 0;
  var finished = false, submitting = false, signedOut = false, lastFailed = false, holdUntil = 0;
  var device = 'w' + Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
  var queue = {}, known = {}, seq = 0, sending = {}, byID = {};
  var key = 'gs-exam-' + d.attempt;
  // Flags for review are kept on this phone only (per device), like a
  // pencil mark on a paper; the server never sees them.
  var flagKey = 'gs-flag-' + d.attempt, flags = {};
  var typeNames = { single: d.tSingle, multiple: d.tMultiple, truefalse: d.tTruefalse, blank: d.tBlank };

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js').catch(function () { /* pages still work without it */ });
  }

  // api resolves with {status, body, retry} for any answer of the server and
  // rejects when the network fails.
  function api(method, path, body) {
    var opts = { method: method, credentials: 'same-origin', headers: { 'X-CSRF-Token': d.csrf }, cache: 'no-store' };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    return fetch(path, opts).then(function (r) {
      var wait = parseInt(r.headers.get('Retry-After') || '', 10);
      return r.json().catch(function () { return {}; }).then(function (j) {
        return { status: r.status, body: j || {}, retry: (isNaN(wait) ? 3 : Math.min(Math.max(wait, 1), 60)) * 1000 };
      });
    });
  }
  function message(r, fallback) { return (r.body && r.body.error && r.body.error.message) || fallback; }
  function fill(t, n) { return t.replace('%d', n); }

  function persist() {
    try { localStorage.setItem(key, JSON.stringify({ q: queue })); } catch (e) { /* private mode: memory only */ }
  }
  function restore() {
    try { return (JSON.parse(localStorage.getItem(key) || '{}') || {}).q || {}; } catch (e) { return {}; }
  }
  function pending() { return Object.keys(queue).length; }

  function loadFlags() {
    try { flags = JSON.parse(localStorage.getItem(flagKey) || '{}') || {}; } catch (e) { flags = {}; }
  }
  function saveFlags() {
    try { localStorage.setItem(flagKey, JSON.stringify(flags)); } catch (e) { /* private mode: memory only */ }
  }

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
    s.textContent = { saved: d.tSaved, sending: d.tSending, other: d.tOther }[state] || d.tUnsent;
  }

  function say(text) {
    over.textContent = text;
    over.hidden = !text;
  }

  function updateNet() {
    var n = pending();
    if (lastFailed || !navigator.onLine) net.textContent = d.tOffline + (n ? ' ' + fill(d.tPending, n) : '');
    else net.textContent = n ? fill(d.tPending, n) : '';
    net.className = lastFailed ? 'offline' : '';
  }

  function render(a) {
    paper.textContent = '';
    a.questions.forEach(function (q, i) {
      byID[q.id] = q;
      var fs = el('fieldset', 'q');
      fs.id = 'q-' + q.id;
      fs.dataset.q = q.id;
      fs.dataset.type = q.type;
      var lg = el('legend');
      lg.appendChild(el('span', 'qno', (i + 1) + '.'));
      lg.appendChild(document.createTextNode(' '));
      lg.appendChild(el('span', 'tag qtype', typeNames[q.type] || ''));
      lg.appendChild(document.createTextNode(' ' + q.stem));
      fs.appendChild(lg);
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
      var fl = el('button', 'secondary flag', d.tFlag);
      fl.type = 'button';
      fl.id = 'flag-' + q.id;
      fl.addEventListener('click', toggleFlag.bind(null, q.id));
      fs.appendChild(fl);
      paper.appendChild(fs);
    });
    renderNav(a);
  }

  // renderNav draws one numbered link per question; nav() keeps their marks.
  function renderNav(a) {
    var box = $('qnav-items');
    box.textContent = '';
    a.questions.forEach(function (q, i) {
      var n = el('a', 'qn', String(i + 1));
      n.href = '#q-' + q.id;
      n.id = 'qn-' + q.id;
      box.appendChild(n);
    });
    $('qnav').hidden = false;
  }

  function isAnswered(q) {
    var a = read(q);
    return Array.isArray(a) ? a.some(function (x) { return x !== ''; }) : a !== '';
  }

  function nav() {
    if (!attempt) return;
    var open = 0, flagged = 0;
    attempt.questions.forEach(function (q, i) {
      var n = $('qn-' + q.id), done = isAnswered(q), f = !!flags[q.id];
      if (!done) open++;
      if (f) flagged++;
      if (n) {
        n.className = 'qn ' + (done ? 'answered' : 'unanswered') + (f ? ' flagged' : '');
        n.setAttribute('aria-label', fill(d.tNo, i + 1) + ' ' + (done ? d.tAnswered : d.tUnansweredOne) + (f ? ' ' + d.tFlagged : ''));
      }
      var b = $('flag-' + q.id);
      if (b) {
        b.textContent = f ? d.tUnflag : d.tFlag;
        b.setAttribute('aria-pressed', f ? 'true' : 'false');
        $('q-' + q.id).classList.toggle('flagged', f);
      }
    });
    $('qnav-summary').textContent = fill(fill(d.tNavSummary, attempt.questions.length - open), flagged);
  }

  function toggleFlag(qid) {
    if (flags[qid]) delete flags[qid];
    else flags[qid] = 1;
    saveFlags();
    nav();
  }

  function show(q, ans) {
    var fs = $('q-' + q.id);
    if (!fs) return;
    if (ans === undefined || ans === null) ans = q.type === 'single' || q.type === 'truefalse' ? '' : [];
    var inputs = fs.querySelectorAll('input');
    if (q.type === 'blank') {
      for (var i = 0; i < inputs.length; i++) inputs[i].value = ans[i] || '';
      nav();
      return;
    }
    var set = Array.isArray(ans) ? ans : [ans];
    for (var j = 0; j < inputs.length; j++) inputs[j].checked = set.indexOf(inputs[j].value) >= 0;
    nav();
  }

  function read(q) {
    var inputs = $('q-' + q.id).querySelectorAll('input:not(.flag)');
    var out = [];
    for (var i = 0; i < inputs.length; i++) {
      if (q.type === 'blank') out.push(inputs[i].value);
      else if (inputs[i].checked) out.push(inputs[i].value);
    }
    if (q.type === 'single' || q.type === 'truefalse') return out[0] || '';
    return out;
  }

  // unanswered lists the numbers and ids of the questions with no answer.
  function unanswered() {
    var out = [];
    attempt.questions.forEach(function (q, i) {
      if (!isAnswered(q)) out.push({ n: i + 1, id: q.id });
    });
    return out;
  }

  // jumpList writes links to the questions given, for the submit dialog.
  function jumpList(box, items) {
    box.textContent = '';
    items.forEach(function (it) {
      var a = el('a', 'qn', String(it.n));
      a.href = '#q-' + it.id;
      a.addEventListener('click', cancelSubmit);
      box.appendChild(a);
    });
  }

  function debounce(fn, ms) {
    var t;
    return function () { clearTimeout(t); t = setTimeout(fn, ms); };
  }

  function lock(on) {
    var inputs = paper.querySelectorAll('input');
    for (var i = 0; i < inputs.length; i++) inputs[i].disabled = on;
  }

  function changed(q) {
    if (finished || submitting) return;
    seq++;
    nav();
    queue[q.id] = { a: read(q), s: seq, dev: device, b: known[q.id] || 0 };
    persist();
    setStatus(q.id, 'sending');
    updateNet();
    send(q.id);
  }

  function same(a, b) { return a.s === b.s && a.dev === b.dev; }

  function send(qid) {
    var item = queue[qid];
    if (!item || sending[qid] || finished || signedOut || Date.now() < holdUntil) return;
    sending[qid] = true;
    var body = { answer: item.a, seq: item.s, device: item.dev || device, base: item.b || 0 };
    api('PUT', '/api/v1/attempts/' + attempt.id + '/answers/' + qid, body).then(function (r) {
      sending[qid] = false;
      lastFailed = false;
      var still = queue[qid] && same(queue[qid], item);
      if (r.status === 200) {
        known[qid] = r.body.seq;
        if (still) {
          delete queue[qid];
          persist();
          if (!r.body.saved) show(byID[qid], r.body.answer);
          setStatus(qid, r.body.saved ? 'saved' : 'other');
        } else if (queue[qid]) {
          send(qid);
        }
      } else if (r.status === 401) {
        signOut();
      } else if (r.status === 409) {
        refresh(); // over: time is up, or submitted on another device
      } else if (r.status === 503 || r.status === 429 || r.status >= 500) {
        hold(r.retry);
        setStatus(qid, 'unsent');
      } else if (still) {
        // The server will never take this answer (e.g. the question left the paper).
        delete queue[qid];
        persist();
        setStatus(qid, 'unsent');
        say(message(r, d.tError));
      }
      updateNet();
    }).catch(function () {
      sending[qid] = false;
      lastFailed = true;
      setStatus(qid, 'unsent');
      updateNet();
    });
  }

  // hold pauses sending for as long as the server asked.
  function hold(ms) {
    holdUntil = Date.now() + ms;
    setTimeout(flush, ms + 50);
  }

  function flush() {
    Object.keys(queue).forEach(send);
  }

  function tick() {
    if (!attempt || finished) return;
    var left = Math.max(0, Math.floor((deadline - (Date.now() + offset)) / 1000));
    var m = Math.floor(left / 60), s = left % 60;
    clock.textContent = d.tLeft + ' ' + m + ':' + (s < 10 ? '0' : '') + s;
    if (left <= 0) timeUp();
  }

  function toResult(now) {
    $('to-result').hidden = false;
    if (now) setTimeout(function () { location.href = '/attempts/' + attempt.id; }, 1200);
  }

  function done(keepQueue) {
    finished = true;
    lock(true);
    $('submit-bar').hidden = true;
    $('confirm').hidden = true;
    try { localStorage.removeItem(flagKey); } catch (e) { /* ignore */ }
    if (!keepQueue) {
      try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
    }
  }

  // timeUp ends the sitting at the deadline (or when the server says it is
  // over). The server submits what it received; the page says so honestly and
  // keeps what did not reach it.
  function timeUp() {
    if (finished) return;
    finished = true;
    lock(true);
    $('submit-bar').hidden = true;
    $('confirm').hidden = true;
    say(d.tSubmitting);
    var waited = 0;
    (function settle() {
      // Let saves already on their way get their answer first.
      if (Object.keys(sending).some(function (q) { return sending[q]; }) && waited < 5000) {
        waited += 250;
        setTimeout(settle, 250);
        return;
      }
      finalize();
    })();
  }

  function finalize() {
    if (signedOut) return;
    api('POST', '/api/v1/attempts/' + attempt.id + '/submit').then(function (r) {
      if (r.status === 200) {
        var n = pending();
        done(n > 0);
        say(n ? fill(d.tTimeupUnsent, n) : d.tTimeup);
        toResult(n === 0);
      } else if (r.status === 401) {
        signOut();
      } else if (r.status >= 500 || r.status === 429) {
        say(r.status === 503 ? d.tBusy : d.tSubmitting);
        setTimeout(finalize, r.retry);
      } else {
        say(message(r, d.tError));
        toResult(false);
      }
    }).catch(function () {
      lastFailed = true;
      updateNet();
      say(fill(d.tTimeupOffline, pending()));
      setTimeout(finalize, 5000);
    });
  }

  function askSubmit() {
    if (finished || submitting) return;
    var open = unanswered(), flagged = attempt.questions.filter(function (q) { return flags[q.id]; }).length;
    $('confirm-unanswered').textContent = open.length ? fill(d.tUnanswered, open.length) : d.tAllAnswered;
    jumpList($('confirm-open'), open);
    $('confirm-flagged').textContent = flagged ? fill(d.tFlaggedCount, flagged) : '';
    $('confirm-flagged').hidden = !flagged;
    $('confirm').hidden = false;
    $('submit-bar').hidden = true;
    $('confirm-yes').focus();
  }

  function cancelSubmit() {
    $('confirm').hidden = true;
    $('submit-bar').hidden = false;
  }

  function startSubmit() {
    if (finished || submitting) return;
    submitting = true;
    $('confirm').hidden = true;
    lock(true);
    say(d.tSubmitting);
    trySubmit();
  }

  // trySubmit sends every queued answer first, then submits; until the server
  // confirms, the page says "submitting" and keeps trying.
  function trySubmit() {
    if (finished || signedOut) return;
    if (pending()) {
      flush();
      say(lastFailed ? d.tSubmitOffline : d.tSubmitting);
      setTimeout(trySubmit, 1000);
      return;
    }
    api('POST', '/api/v1/attempts/' + attempt.id + '/submit').then(function (r) {
      if (r.status === 200) {
        done(false);
        location.href = '/attempts/' + attempt.id;
      } else if (r.status === 401) {
        signOut();
      } else if (r.status >= 500 || r.status === 429) {
        say(r.status === 503 ? d.tBusy : d.tSubmitting);
        setTimeout(trySubmit, r.retry);
      } else {
        submitting = false;
        lock(false);
        $('submit-bar').hidden = false;
        say(message(r, d.tError));
      }
    }).catch(function () {
      lastFailed = true;
      updateNet();
      say(d.tSubmitOffline);
      setTimeout(trySubmit, 3000);
    });
  }

  // signOut keeps every unsent answer and asks for the password on this page.
  function signOut() {
    if (signedOut) return;
    signedOut = true;
    $('signin').hidden = false;
    var phone = $('signin-phone');
    if (!phone.value) phone.value = d.phone || '';
    $('signin-password').focus();
    updateNet();
  }

  function csrfOf(html) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    var ex = doc.getElementById('exam');
    var inp = doc.querySelector('input[name=_csrf]');
    return { token: (ex && ex.dataset.csrf) || (inp && inp.value) || '', problem: doc.querySelector('.error p') };
  }

  function signIn(ev) {
    ev.preventDefault();
    var err = $('signin-error'), btn = $('signin-submit');
    err.hidden = true;
    btn.disabled = true;
    var fail = function (text) { btn.disabled = false; err.textContent = text || d.tSigninFail; err.hidden = false; };
    // The sign-in form's own page gives the token that signing in needs now.
    fetch('/login?next=' + encodeURIComponent(location.pathname), { credentials: 'same-origin', cache: 'no-store' }).then(function (r) {
      return r.text();
    }).then(function (html) {
      var form = new URLSearchParams();
      form.set('_csrf', csrfOf(html).token);
      form.set('phone', $('signin-phone').value);
      form.set('password', $('signin-password').value);
      form.set('next', location.pathname);
      return fetch('/login', { method: 'POST', body: form, credentials: 'same-origin', cache: 'no-store' });
    }).then(function (r) {
      var path = new URL(r.url).pathname;
      return r.text().then(function (html) {
        var got = csrfOf(html);
        if (path === '/login') {
          fail(got.problem && got.problem.textContent);
          return;
        }
        if (path === '/account/password') {
          location.href = r.url; // the unsent answers wait in localStorage
          return;
        }
        if (got.token) d.csrf = got.token;
        btn.disabled = false;
        $('signin-password').value = '';
        $('signin').hidden = true;
        signedOut = false;
        refresh();
      });
    }).catch(function () { fail(d.tOffline); });
  }

  // refresh reads the attempt again: answers stored from other devices are
  // shown (those this page still has to send stay as given), and an attempt
  // that ended elsewhere ends here too.
  function refresh() {
    api('GET', '/api/v1/attempts/' + attempt.id).then(function (r) {
      if (r.status === 401) { signOut(); return; }
      if (r.status !== 200) return;
      if (r.body.state !== 'open') { ended(r.body); return; }
      adopt(r.body);
      flush();
      if (submitting) trySubmit();
      if (finished) finalize();
    }).catch(function () { lastFailed = true; updateNet(); });
  }

  function adopt(a) {
    var seqs = a.seqs || {}, answers = a.answers || {};
    a.questions.forEach(function (q) {
      if (seqs[q.id] !== undefined && seqs[q.id] > (known[q.id] || 0)) {
        known[q.id] = seqs[q.id];
        if (!queue[q.id]) { show(q, answers[q.id]); setStatus(q.id, 'saved'); }
      }
    });
  }

  // ended shows an attempt that is over: being submitted, or finished.
  function ended(a) {
    var unsent = 0, answers = a.answers || {};
    Object.keys(queue).forEach(function (q) {
      if (JSON.stringify(queue[q].a) !== JSON.stringify(answers[q])) unsent++;
    });
    if (!attempt) attempt = a;
    if (a.state === 'finishing') {
      finished = true;
      lock(true);
      $('submit-bar').hidden = true;
      say(d.tSubmitting);
      setTimeout(load, 2000);
      return;
    }
    done(unsent > 0);
    say(unsent ? fill(d.tFinishedUnsent, unsent) : '');
    toResult(unsent === 0);
  }

  function load() {
    api('GET', '/api/v1/attempts/' + d.attempt).then(function (r) {
      if (r.status === 401) { signOut(); return; }
      if (r.status !== 200) { $('loading').textContent = message(r, d.tError); return; }
      if (r.body.state !== 'open') { $('loading').hidden = true; queue = restore(); ended(r.body); return; }
      begin(r.body);
    }).catch(function () {
      $('loading').textContent = d.tError;
      setTimeout(load, 3000);
    });
  }

  function begin(a) {
    attempt = a;
    offset = Date.parse(a.now) - Date.now();
    deadline = Date.parse(a.deadline);
    var seqs = a.seqs || {};
    loadFlags();
    render(a);
    // Answers kept from an earlier visit go out with their own device and
    // seq, so that a save the server already holds is recognised.
    var saved = restore();
    queue = {};
    Object.keys(saved).forEach(function (q) {
      if (!byID[q]) return;
      queue[q] = saved[q];
      // Kept by an older page that named no device: its seqs are its own.
      if (!queue[q].dev) queue[q].dev = device + '-old';
    });
    a.questions.forEach(function (q) {
      if (seqs[q.id] !== undefined) known[q.id] = seqs[q.id];
      if (queue[q.id]) { show(q, queue[q.id].a); setStatus(q.id, 'unsent'); }
      else if (a.answers && a.answers[q.id] !== undefined) { show(q, a.answers[q.id]); setStatus(q.id, 'saved'); }
    });
    $('loading').hidden = true;
    nav();
    paper.hidden = false;
    $('submit-bar').hidden = false;
    persist();
    updateNet();
    flush();
    tick();
    setInterval(tick, 1000);
    setInterval(function () { if (pending()) flush(); }, 3000);
  }

  $('submit').addEventListener('click', askSubmit);
  $('confirm-yes').addEventListener('click', startSubmit);
  $('confirm-no').addEventListener('click', cancelSubmit);
  $('signin-form').addEventListener('submit', signIn);
  window.addEventListener('online', function () {
    lastFailed = false;
    updateNet();
    if (attempt) refresh();
  });
  window.addEventListener('offline', updateNet);
  document.addEventListener('visibilitychange', function () {
    if (!attempt || finished || signedOut) return;
    api('POST', '/api/v1/attempts/' + attempt.id + '/events', { type: document.hidden ? 'hidden' : 'visible' }).then(function (r) {
      if (r.body && r.body.submitted) { done(pending() > 0); toResult(true); return; }
      warnSwitches(r.body && r.body.switches);
    }).catch(function () { /* recorded when possible */ });
    if (!document.hidden) refresh();
  });
  load();

  // warnSwitches tells, once the page has been left, how often it was and
  // what happens past the exam's limit.
  function warnSwitches(n) {
    var max = parseInt(d.maxSwitches || '0', 10), box = $('switch-warning');
    if (!max || !n) return;
    box.textContent = fill(fill(d.tSwitched, n), max);
    box.hidden = false;
  }

  // leftovers says, on the rules page after an attempt ended, how many
  // answers kept on this phone never reached the server.
  function leftovers(box) {
    var id = box && box.dataset.attempt, q;
    if (!id) return;
    try { q = (JSON.parse(localStorage.getItem('gs-exam-' + id) || '{}') || {}).q || {}; } catch (e) { return; }
    if (!Object.keys(q).length) return;
    fetch('/api/v1/attempts/' + id, { credentials: 'same-origin', cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (a) {
      if (a.state !== 'finished') return;
      var n = Object.keys(q).filter(function (k) { return JSON.stringify(q[k].a) !== JSON.stringify((a.answers || {})[k]); }).length;
      if (!n) return;
      box.textContent = box.dataset.t.replace('%d', n);
      box.hidden = false;
    }).catch(function () { /* shown when the network allows */ });
  }
})();
