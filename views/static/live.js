// The phone of a live competition: it renders the state the server streams
// (Server-Sent Events) and posts answers, stakes, buzzes and judge scores.
// Every event carries the whole state, so a reload or a new phone simply
// shows where the round is, with the answer already given.
(function () {
  'use strict';
  var root = document.getElementById('live');
  if (!root) return;
  var L = document.getElementById('labels').dataset;
  var id = root.dataset.contest, csrf = root.dataset.csrf;
  var main = document.getElementById('p-main'), statusEl = document.getElementById('p-status'), meEl = document.getElementById('p-me');
  var captainEl = document.getElementById('p-captain');
  var state = null, me = null, offset = 0, pinged = false;
  var openKey = '', openEcho = 0, openRecv = 0, picked = [], sending = false, note = '';

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function post(path, body) {
    return fetch('/api/v1/live/' + id + '/' + path, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) throw new Error((j.error && j.error.message) || String(r.status));
        return j;
      });
    });
  }
  function connect() {
    var es = new EventSource(root.dataset.events);
    es.onmessage = function (ev) {
      var d = JSON.parse(ev.data), recv = performance.now();
      offset = d.now - Date.now();
      statusEl.textContent = '';
      state = d.s; me = d.me || null;
      if (state && state.phase === 'open') {
        var k = state.round.id + ':' + state.item + ':' + state.shownAt;
        if (k !== openKey) { openKey = k; openEcho = d.now; openRecv = recv; picked = []; note = ''; }
      }
      if (!pinged && me && me.plays) {
        pinged = true;
        post('ping', { echo: d.now, held: Math.round(performance.now() - recv) }).catch(function () {});
      }
      render();
    };
    es.onerror = function () { statusEl.textContent = L.offline; };
  }

  function render() {
    var s = state;
    main.textContent = '';
    if (!s) return;
    var phase = s.phase;
    root.dataset.phase = phase;
    root.dataset.item = s.item;
    main.appendChild(el('p', 'live-phase', L[phase] || phase));
    if (s.round && s.round.title) {
      main.appendChild(el('p', 'muted', s.round.title + (s.items && s.item >= 0 ? ' · ' + L.question + ' ' + (s.item + 1) + '/' + s.items : '')));
    }
    var follows = byCaptain();
    captainEl.hidden = !follows;
    if (follows) captainEl.textContent = L.captain + ': ' + me.captain;
    if (me && !me.plays && !me.judge && !follows && s.round && s.round.id) main.appendChild(el('p', 'muted', L.notplaying));
    if (s.q) main.appendChild(el('p', 'live-stem', s.q.stem));
    if (s.task) main.appendChild(el('p', 'live-stem', s.task.title + ' · ' + L.performer + ': ' + s.task.performer));
    var clock = el('p', 'live-clock');
    clock.id = 'p-clock';
    main.appendChild(clock);
    if (phase === 'staking' && me && me.plays) stakes(s);
    if (s.q && s.q.options && (phase === 'open' || phase === 'answering' || phase === 'results')) options(s);
    if (phase === 'open' && s.round.kind === 'buzzer' && me && me.plays) buzzer(s);
    if (phase === 'answering' && me && me.mayAnswer) main.appendChild(el('p', 'live-note', L.youanswer));
    if (phase === 'judging' && me && me.judge) judge(s);
    if (s.judgeScore != null) main.appendChild(el('p', 'live-big', L.panel + ': ' + s.judgeScore));
    if (phase === 'results' || phase === 'podium') result(s);
    if (note) main.appendChild(el('p', 'live-note', note));
    renderMe();
    tick();
  }

  // byCaptain: in a captain round, a member's phone follows while the
  // captain answers for the team.
  function byCaptain() {
    return !!(me && me.captains && !me.plays && me.captain);
  }

  function mayAnswer(s) {
    if (!me || !me.plays || sending) return false;
    if (s.round.kind === 'buzzer') return s.phase === 'answering' && me.mayAnswer && me.answer.length === 0;
    return s.phase === 'open' && me.answer.length === 0;
  }

  function options(s) {
    var box = el('div', 'live-options'), can = mayAnswer(s), multi = s.q.type === 'multiple';
    s.q.options.forEach(function (o) {
      var b = el('button', 'opt', o.key + '. ' + o.text);
      b.type = 'button';
      b.dataset.key = o.key;
      if (me && me.answer.indexOf(o.key) >= 0) b.classList.add('chosen');
      if (picked.indexOf(o.key) >= 0) b.classList.add('picked');
      if (s.correct && s.correct.indexOf(o.key) >= 0) b.classList.add('right');
      if (s.dist && s.phase === 'results') b.textContent += '  (' + (s.dist[o.key] || 0) + ')';
      b.disabled = !can;
      b.addEventListener('click', function () {
        if (!multi) return answer([o.key]);
        var i = picked.indexOf(o.key);
        if (i >= 0) picked.splice(i, 1); else picked.push(o.key);
        render();
      });
      box.appendChild(b);
    });
    main.appendChild(box);
    if (multi && can) {
      var send = el('button', 'live-send', L.submit);
      send.type = 'button';
      send.disabled = picked.length === 0;
      send.addEventListener('click', function () { answer(picked.slice()); });
      main.appendChild(send);
    }
    if (me && me.answer.length && s.phase !== 'results') main.appendChild(el('p', 'live-note', L.sent + ': ' + me.answer.join('')));
  }

  function answer(keys) {
    sending = true; note = L.sending; render();
    var body = { item: state.item, answer: keys, echo: openEcho, held: Math.round(performance.now() - openRecv) };
    post('answer', body).then(function (r) {
      sending = false; note = '';
      if (me) me.answer = r.answer;
      render();
    }, function (err) {
      sending = false; note = err.message; render();
    });
  }

  function buzzer(s) {
    var b = el('button', 'live-buzz', me.buzzed ? L.buzzed : L.buzz);
    b.type = 'button';
    b.id = 'p-buzz';
    b.disabled = me.buzzed;
    b.addEventListener('click', function () {
      b.disabled = true;
      post('buzz', { item: s.item }).then(function () { me.buzzed = true; render(); }, function (err) { note = err.message; render(); });
    });
    main.appendChild(b);
    if (s.buzz) main.appendChild(el('p', 'muted', L.firstbuzz + ': ' + s.buzz.order.join(' · ')));
  }

  function stakes(s) {
    var box = el('div', 'live-options');
    (s.stakes || []).forEach(function (v) {
      var b = el('button', 'opt', L.stake + ' ' + v);
      b.type = 'button';
      b.dataset.stake = v;
      if (me.staked && me.stake === v) b.classList.add('chosen');
      b.disabled = me.staked;
      b.addEventListener('click', function () {
        post('stake', { item: s.item, stake: v }).then(function () { me.staked = true; me.stake = v; render(); }, function (err) { note = err.message; render(); });
      });
      box.appendChild(b);
    });
    main.appendChild(box);
  }

  function judge(s) {
    if (me.scored != null) { main.appendChild(el('p', 'live-note', L.scored + ': ' + me.scored)); return; }
    var f = el('form', 'live-judge'), lab = el('label', null, L.score), inp = el('input');
    inp.type = 'number'; inp.min = '0'; inp.max = '100'; inp.step = '0.5'; inp.required = true; inp.id = 'p-score';
    lab.htmlFor = 'p-score';
    var b = el('button', null, L.submit);
    b.type = 'submit';
    f.appendChild(lab); f.appendChild(inp); f.appendChild(b);
    f.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var v = parseFloat(inp.value);
      post('score', { item: s.item, score: v }).then(function () { me.scored = v; render(); }, function (err) { note = err.message; render(); });
    });
    main.appendChild(f);
  }

  function result(s) {
    if (me && me.captains && me.captain && !me.plays) {
      var team = el('div', 'live-result');
      team.id = 'p-result';
      team.appendChild(el('p', 'live-big', L.yourteam + ' · ' + L.rank + ' ' + me.teamRank + ' · ' + me.teamPoints + ' ' + L.points));
      main.appendChild(team);
      return;
    }
    if (!me || !me.plays) return;
    var box = el('div', 'live-result');
    box.id = 'p-result';
    if (s.phase === 'results' && s.round.kind !== 'judge') {
      var verdict = me.correct == null ? L.noanswer : (me.correct ? L.right : L.wrong);
      box.appendChild(el('p', 'live-verdict ' + (me.correct ? 'right' : 'wrong'), verdict));
    }
    if (me.gained != null && s.phase === 'results') box.appendChild(el('p', null, L.gained + ': ' + (me.gained > 0 ? '+' : '') + me.gained + ' ' + L.points));
    box.appendChild(el('p', 'live-big', L.rank + ' ' + me.rank + ' · ' + me.points + ' ' + L.points));
    main.appendChild(box);
  }

  function renderMe() {
    if (me && me.captains && me.captain && !me.plays) {
      meEl.textContent = me.name + (me.team ? ' · ' + me.team : '') + ' · ' + me.teamPoints + ' ' + L.points + (me.teamRank ? ' · ' + L.rank + ' ' + me.teamRank : '');
      return;
    }
    if (!me || !me.plays) { meEl.textContent = ''; return; }
    meEl.textContent = me.name + (me.team ? ' · ' + me.team : '') + ' · ' + me.points + ' ' + L.points +
      (me.rank ? ' · ' + L.rank + ' ' + me.rank : '') + (me.streak > 1 ? ' · ' + L.streak + ' ' + me.streak : '');
  }

  function tick() {
    var c = document.getElementById('p-clock');
    if (!c || !state) return;
    var end = state.phase === 'reading' ? state.readUntil : (state.phase === 'open' || state.phase === 'answering') ? state.deadline : 0;
    if (!end) { c.textContent = ''; return; }
    var left = Math.max(0, Math.ceil((end - (Date.now() + offset)) / 1000));
    c.textContent = left + ' ' + L.left;
  }
  setInterval(tick, 250);
  connect();
})();
