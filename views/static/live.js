// The phone of a live competition: it renders the state the server streams
// (Server-Sent Events) and posts answers, stakes, buzzes and judge scores.
// Every event carries the whole state, so a reload or a new phone simply
// shows where the round is, with the answer already given.
//
// What the phone sends goes through an outbox kept in localStorage: a send
// that fails for the network (or a busy server) stays queued and is retried
// (after 1, 2, 4, then every 5 s, at once when the network or the stream comes
// back) until the server answers it. The server is idempotent, so a retry of
// something it stored is answered as stored; one that arrives after its
// question closed is refused, and the phone says it was too late. The phone
// shows only what the server said: sending, queued, received, too late.
(function () {
  'use strict';
  var root = document.getElementById('live');
  if (!root) return;
  var L = document.getElementById('labels').dataset, P = document.getElementById('p-labels').dataset;
  var id = root.dataset.contest, csrf = root.dataset.csrf;
  var main = document.getElementById('p-main'), statusEl = document.getElementById('p-status'), meEl = document.getElementById('p-me');
  var captainEl = document.getElementById('p-captain');
  var state = null, me = null, offset = 0, pinged = false, sound = null;
  var openKey = '', openEcho = 0, openRecv = 0, picked = [], note = '', noteState = '';
  var store = 'gridskill.live.' + id, outbox = load(), inFlight = false, retryTimer = 0, tries = 0, lost = false, verdict = null, ready = false;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  // post sends one request. It resolves with the server's JSON, or rejects
  // with {retry: true} when the network or a busy server failed (try again)
  // or {status, message} when the server refused (a final answer).
  function post(path, body) {
    return fetch('/api/v1/live/' + id + '/' + path, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (r.status >= 500 || r.status === 408 || r.status === 429) throw { retry: true };
      return r.json().then(function (j) {
        if (!r.ok) throw { status: r.status, message: (j.error && j.error.message) || String(r.status) };
        return j;
      }, function () { throw r.ok ? { retry: true } : { status: r.status, message: String(r.status) }; });
    }, function () { throw { retry: true }; });
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(store) || '[]') || []; } catch (e) { return []; }
  }
  function save() {
    try { localStorage.setItem(store, JSON.stringify(outbox)); } catch (e) { /* private mode: memory only */ }
  }
  function say(st, text) {
    noteState = st; note = text;
  }

  // send queues what the phone sends and starts the outbox.
  function send(path, body) {
    outbox.push({ path: path, body: body, round: state && state.round ? state.round.id : '', who: me ? me.id : '', queued: false });
    save();
    say('sending', L.sending);
    render();
    pump();
  }
  function pending(path) {
    for (var i = 0; i < outbox.length; i++) if (outbox[i].path === path) return outbox[i];
    return null;
  }

  // pump sends the oldest queued request, one at a time, in order.
  function pump() {
    if (!ready || inFlight || !outbox.length) return;
    clearTimeout(retryTimer);
    var m = outbox[0];
    inFlight = true;
    post(m.path, m.body).then(function (r) {
      inFlight = false; tries = 0;
      outbox.shift(); save();
      received(m, r);
      render();
      pump();
    }, function (err) {
      inFlight = false;
      if (err.retry) {
        if (!m.queued && m.path === 'answer') { m.body.echo = 0; m.body.held = 0; } // an outage is no network delay
        m.queued = true; save();
        say('queued', P.queued);
        render();
        retryTimer = setTimeout(pump, [1000, 2000, 4000][tries++] || 5000);
        return;
      }
      tries = 0;
      outbox.shift(); save();
      if (lost) verdict = { m: m, err: err }; // decided on the fresh state the stream brings back
      else refused(m, err);
      render();
      pump();
    });
  }

  // refused says why the server refused a request: too late when its
  // question is over, else the server's own words.
  function refused(m, err) {
    if (err.status === 409 && closed(m)) say('late', P.late);
    else say('refused', err.message);
  }

  // closed reports whether the question a request was for is over, by the
  // latest state the stream sent.
  function closed(m) {
    var s = state;
    if (!s || !s.round || s.round.id !== m.round || s.item !== m.body.item) return true;
    return s.phase !== 'open' && s.phase !== 'buzzing' && s.phase !== 'reading' && s.phase !== 'answering' && s.phase !== 'staking' && s.phase !== 'judging';
  }

  function received(m, r) {
    var sameItem = state && state.round && state.round.id === m.round && state.item === m.body.item;
    if (m.path === 'answer') {
      if (me && sameItem) me.answer = r.answer;
      say('received', L.sent + ': ' + r.answer.join(''));
    } else if (m.path === 'buzz') {
      if (me && sameItem) me.buzzed = true;
      say('received', L.buzzed);
    } else if (m.path === 'stake') {
      if (me && sameItem) { me.staked = true; me.stake = m.body.stake; }
      say('received', L.stake + ' ' + m.body.stake);
    } else if (m.path === 'score') {
      var sc = m.body.marks ? m.body.marks.reduce(function (a, b) { return a + b; }, 0) : m.body.score;
      if (me && sameItem) me.scored = sc;
      say('received', L.scored + ': ' + sc);
    }
  }

  // resumeOutbox sends, once the stream says who is signed in, what an
  // earlier page of the same person left unsent; another person's is dropped.
  function resumeOutbox() {
    ready = true;
    outbox = outbox.filter(function (m) { return me && m.who === me.id; });
    save();
    if (outbox.length) { say('queued', P.queued); pump(); }
  }

  window.addEventListener('online', function () { tries = 0; pump(); });

  function connect() {
    var es = new EventSource(root.dataset.events);
    es.onmessage = function (ev) {
      var d = JSON.parse(ev.data), recv = performance.now();
      offset = d.now - Date.now();
      statusEl.textContent = '';
      state = d.s; me = d.me || null;
      if (state && state.phase === 'open') {
        var k = state.round.id + ':' + state.item + ':' + state.shownAt;
        if (k !== openKey) { openKey = k; openEcho = d.now; openRecv = recv; picked = []; if (!outbox.length) say('', ''); }
      }
      if (!ready) resumeOutbox();
      if (verdict) { refused(verdict.m, verdict.err); verdict = null; }
      if (lost) { lost = false; tries = 0; pump(); } // the stream is back, so is the network
      if (!pinged && me && me.plays) {
        pinged = true;
        post('ping', { echo: d.now, held: Math.round(performance.now() - recv) }).catch(function () {});
      }
      render();
    };
    es.onerror = function () { lost = true; statusEl.textContent = L.offline; };
  }

  // game: during a question the phone is a game screen, without the site's
  // header, filling the viewport.
  var GAME = { reading: 1, open: 1, buzzing: 1, answering: 1, staking: 1, results: 1, judging: 1 };
  function render() {
    var s = state;
    main.textContent = '';
    if (!s) return;
    var phase = s.phase;
    root.dataset.phase = phase;
    root.dataset.item = s.item;
    document.documentElement.classList.toggle('live-game', !!(GAME[phase] && me && (me.plays || me.judge || byCaptain())));
    var bar = el('div', 'live-bar');
    bar.appendChild(el('p', 'live-phase', (L[phase] || phase) + (s.items && s.item >= 0 ? ' · ' + (s.item + 1) + '/' + s.items : '')));
    var clock = el('p', 'live-clock');
    clock.id = 'p-clock';
    clock.setAttribute('aria-live', 'off');
    bar.appendChild(clock);
    main.appendChild(bar);
    if (!GAME[phase] && s.round && s.round.title) main.appendChild(el('p', 'muted', s.round.title));
    var follows = byCaptain();
    captainEl.hidden = !follows;
    if (follows) captainEl.textContent = L.captain + ': ' + me.captain;
    if (me && !me.plays && !me.judge && !follows && s.round && s.round.id) main.appendChild(el('p', 'muted', L.notplaying));
    if (s.q) main.appendChild(el('p', 'live-stem', s.q.stem));
    if (s.task) main.appendChild(el('p', 'live-stem', s.task.title + ' · ' + L.performer + ': ' + s.task.performer));
    if (s.round && s.round.kind === 'buzzer' && me && me.plays && (phase === 'reading' || phase === 'open' || phase === 'buzzing' || (phase === 'answering' && !me.mayAnswer))) buzzer(s);
    if (phase === 'staking' && me && me.plays) stakes(s);
    if (s.q && s.q.options && (phase === 'open' || phase === 'buzzing' || phase === 'answering' || phase === 'results')) options(s);
    if (phase === 'judging' && me && me.judge) judge(s);
    var foot = el('div', 'live-foot');
    foot.id = 'p-foot';
    main.appendChild(foot);
    if (phase === 'answering' && me && me.mayAnswer) foot.appendChild(el('p', 'live-note', L.youanswer));
    if (s.judgeScore != null) foot.appendChild(el('p', 'live-big', L.panel + ': ' + s.judgeScore));
    if (s.panel && s.panel.length) foot.appendChild(panel(s));
    if (phase === 'results' || phase === 'podium') result(s, foot);
    var text = note, st = noteState;
    if (!text && me && me.answer.length && phase !== 'results' && phase !== 'podium') { text = L.sent + ': ' + me.answer.join(''); st = 'received'; }
    if (text) {
      var n = el('p', 'live-note', text);
      n.id = 'p-send';
      n.dataset.state = st;
      n.setAttribute('role', 'status');
      foot.appendChild(n);
    }
    if (sound) sound(phase, s);
    renderMe();
    tick();
  }

  // byCaptain: in a captain round, a member's phone follows while the
  // captain answers for the team.
  function byCaptain() {
    return !!(me && me.captains && !me.plays && me.captain);
  }

  function mayAnswer(s) {
    if (!me || !me.plays || pending('answer')) return false;
    if (s.round.kind === 'buzzer') return s.phase === 'answering' && me.mayAnswer && me.answer.length === 0;
    return s.phase === 'open' && me.answer.length === 0;
  }

  var SHAPES = ['\u25B2', '\u25C6', '\u25CF', '\u25A0', '\u2605', '\u25BC', '\u2665', '\u271A'];
  // whyNot says why a tile cannot take an answer now, or '' when it can.
  function whyNot(s) {
    if (!me || !me.plays) return L.notplaying;
    if (me.answer.length || pending('answer')) return L.whyanswered;
    if (s.phase === 'results') return L.whyclosed;
    if (s.round.kind === 'buzzer' && !(s.phase === 'answering' && me.mayAnswer)) return me.buzzed ? L.whywait : L.whybuzz;
    return s.phase === 'open' ? '' : L.whynotyet;
  }

  function options(s) {
    var box = el('div', 'live-options'), can = mayAnswer(s), multi = s.q.type === 'multiple', why = whyNot(s);
    var waiting = pending('answer');
    if ((me && me.answer.length) || waiting || s.phase === 'results' || (s.round.kind === 'buzzer' && !can)) box.classList.add('decided');
    s.q.options.forEach(function (o, i) {
      var b = el('button', 'opt c' + (i % SHAPES.length));
      b.type = 'button';
      b.dataset.key = o.key;
      b.appendChild(el('span', 'shape', SHAPES[i % SHAPES.length])).setAttribute('aria-hidden', 'true');
      b.appendChild(el('span', 'key', o.key));
      b.appendChild(el('span', 'text', o.text));
      var mine = (me && me.answer.indexOf(o.key) >= 0) || (waiting && waiting.body.item === s.item && waiting.body.answer.indexOf(o.key) >= 0);
      if (me && me.answer.indexOf(o.key) >= 0) b.classList.add('chosen');
      if (picked.indexOf(o.key) >= 0 || (waiting && waiting.body.item === s.item && waiting.body.answer.indexOf(o.key) >= 0)) b.classList.add('picked');
      if (s.correct && s.correct.indexOf(o.key) >= 0) { b.classList.add('right'); b.appendChild(el('span', 'mark', L.correct)); }
      else if (mine || picked.indexOf(o.key) >= 0) b.appendChild(el('span', 'mark', L.yourpick));
      if (s.dist && s.phase === 'results') b.appendChild(el('span', 'count', String(s.dist[o.key] || 0)));
      b.disabled = !can && (!me || !me.plays || !!(me.answer.length || waiting));
      if (!can) b.setAttribute('aria-disabled', 'true');
      b.addEventListener('click', function () {
        if (!mayAnswer(state)) { say('refused', whyNot(state)); render(); return; }
        if (!multi) return answer([o.key]);
        var k = picked.indexOf(o.key);
        if (k >= 0) picked.splice(k, 1); else picked.push(o.key);
        render();
      });
      box.appendChild(b);
    });
    main.appendChild(box);
    if (multi && can) {
      var send = el('button', 'live-send', picked.length ? L.submit + ' ' + picked.slice().sort().join('') : L.pickfirst);
      send.type = 'button';
      send.id = 'p-submit';
      send.addEventListener('click', function () {
        if (!picked.length) { say('refused', L.pickfirst); render(); return; }
        answer(picked.slice());
      });
      main.appendChild(send);
    }
  }

  function answer(keys) {
    send('answer', { round: state.round.id, item: state.item, answer: keys, echo: openEcho, held: Math.round(performance.now() - openRecv) });
  }

  // buzzer: the buzz button says what a press does now: too early (or a
  // false start), buzz, or nothing more once buzzed.
  function buzzer(s) {
    var label, can = false;
    if (me.falseStart) label = L.falsestarted;
    else if (me.buzzed || pending('buzz')) label = L.buzzed;
    else if (s.phase === 'reading') { label = s.falseStart === 'penalty' ? L.buzzearlypen : L.buzzearly; can = true; }
    else { label = L.buzz; can = true; }
    var b = el('button', 'live-buzz', label);
    b.type = 'button';
    b.id = 'p-buzz';
    if (!can) b.setAttribute('aria-disabled', 'true');
    b.addEventListener('click', function () {
      if (!can) { say('refused', me.falseStart ? L.falsestarted : L.buzzed); render(); return; }
      can = false;
      b.setAttribute('aria-disabled', 'true');
      send('buzz', { item: s.item, echo: openEcho, held: openEcho ? Math.round(performance.now() - openRecv) : 0 });
    });
    main.appendChild(b);
  }

  function stakes(s) {
    var box = el('div', 'live-options');
    if (me.staked || pending('stake')) box.classList.add('decided');
    (s.stakes || []).forEach(function (v) {
      var b = el('button', 'opt stake', L.stake + ' ' + v);
      b.type = 'button';
      b.dataset.stake = v;
      if (me.staked && me.stake === v) { b.classList.add('chosen'); b.appendChild(el('span', 'mark', L.yourpick)); }
      b.disabled = me.staked || !!pending('stake');
      b.addEventListener('click', function () { send('stake', { item: s.item, stake: v }); });
      box.appendChild(b);
    });
    main.appendChild(box);
  }

  // judge is the judge's form: one score, or with a score sheet one mark
  // per criterion (its name and full mark), whose sum the server keeps.
  function judge(s) {
    if (me.scored != null) { main.appendChild(el('p', 'live-note', L.scored + ': ' + me.scored)); return; }
    var f = el('form', 'live-judge'), cs = (s.round && s.round.criteria) || [], inputs = [];
    function field(id, label, max) {
      var lab = el('label', null, label), inp = el('input');
      inp.type = 'number'; inp.min = '0'; inp.max = String(max); inp.step = '0.5'; inp.required = true; inp.id = id;
      inp.inputMode = 'decimal';
      lab.htmlFor = id;
      f.appendChild(lab); f.appendChild(inp);
      inputs.push(inp);
    }
    if (cs.length) cs.forEach(function (c, i) { field('p-mark-' + i, c.name + ' (' + L.fullmark + ' ' + c.points + ')', c.points); });
    else field('p-score', L.score, 100);
    var b = el('button', null, L.submit);
    b.type = 'submit';
    f.appendChild(b);
    f.addEventListener('submit', function (ev) {
      ev.preventDefault();
      if (pending('score')) return;
      var vals = inputs.map(function (inp) { return parseFloat(inp.value); });
      if (cs.length) send('score', { item: s.item, marks: vals });
      else send('score', { item: s.item, score: vals[0] });
    });
    main.appendChild(f);
  }

  // panel lists each judge's score of the task just closed, the dropped
  // highest and lowest marked, and says why they were dropped.
  function panel(s) {
    var box = el('div', 'live-panel'), ul = el('ul'), dropped = false;
    box.id = 'p-panel';
    s.panel.forEach(function (p) {
      var why = p.dropped === 'highest' ? L.drophigh : p.dropped === 'lowest' ? L.droplow : '';
      dropped = dropped || !!why;
      ul.appendChild(el('li', why ? 'muted' : null, p.judge + ': ' + p.score + (why ? ' (' + why + ')' : '')));
    });
    box.appendChild(ul);
    if (dropped) box.appendChild(el('p', 'muted', L.panelwhy));
    return box;
  }

  function result(s, main) {
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
    var end = state.phase === 'reading' ? state.readUntil : (state.phase === 'open' || state.phase === 'answering' || state.phase === 'staking') ? state.deadline : 0;
    if (!end) { c.textContent = ''; return; }
    var left = Math.max(0, Math.ceil((end - (Date.now() + offset)) / 1000));
    c.textContent = left + 's';
  }
  setInterval(tick, 250);
  connect();
})();
