// The host's presenter view and the projected big screen of a live
// competition, filled from the server's event stream. The big screen shows
// no controls and nothing secret; the presenter view adds the controls, the
// big screen's address and who has joined, staked and buzzed. Every control
// says what it will do now; one that cannot act says why instead.
(function () {
  'use strict';
  var root = document.getElementById('stage');
  if (!root) return;
  var L = document.getElementById('labels').dataset;
  var id = root.dataset.contest, csrf = root.dataset.csrf, isHost = root.dataset.host === '1';
  var main = document.getElementById('s-main'), join = document.getElementById('s-join'), names = document.getElementById('s-names');
  var roundEl = document.getElementById('s-round'), clockEl = document.getElementById('s-clock'), joinedEl = document.getElementById('s-joined');
  var state = null, board = null, offset = 0, lastPhase = '';

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function connect() {
    var es = new EventSource(root.dataset.events);
    es.onmessage = function (ev) {
      var d = JSON.parse(ev.data);
      offset = d.now - Date.now();
      state = d.s;
      board = d.board || null;
      render();
    };
    es.onerror = function () { roundEl.textContent = L.offline; };
  }

  function table(id, title, rows, withTeam) {
    var box = el('div', 'stage-board');
    box.appendChild(el('h2', null, title));
    var t = el('table', 'stage-table');
    t.id = id;
    rows.forEach(function (r) {
      var tr = el('tr'), name = el('td', null, r.name);
      if (r.streak) name.appendChild(el('span', 'stage-streak', L.streak + ' ' + r.streak));
      tr.appendChild(el('td', 'rank', String(r.rank)));
      tr.appendChild(name);
      if (withTeam) tr.appendChild(el('td', 'muted', r.team || (r.captain ? L.captainof + ' ' + r.captain : '')));
      if (r.stake != null) tr.appendChild(el('td', 'num', L.stake + ' ' + r.stake + ' → ' + (r.gained > 0 ? '+' : '') + r.gained));
      tr.appendChild(el('td', 'num', String(r.points)));
      t.appendChild(tr);
    });
    box.appendChild(t);
    return box;
  }

  // podium reveals the third, then the second, then the first place.
  function podium(top) {
    var box = el('div', 'podium');
    box.id = 's-podium';
    [[1, 'p2', L.second], [0, 'p1', L.first], [2, 'p3', L.third]].forEach(function (p) {
      var r = top[p[0]];
      if (!r) return;
      var d = el('div', p[1]);
      d.appendChild(el('strong', null, [L.first, L.second, L.third][r.rank - 1] || p[2])); // tied places share a label
      d.appendChild(el('p', null, r.name));
      d.appendChild(el('p', null, r.points + ' ' + L.points));
      box.appendChild(d);
    });
    return box;
  }

  function buzzOrder(s) {
    var parts = s.buzz.order.map(function (n, i) {
      var ms = s.buzz.timesMs ? s.buzz.timesMs[i] : null;
      return (i + 1) + '. ' + n + (ms != null ? ' ' + (ms / 1000).toFixed(2) + L.ms : '');
    });
    return el('p', 'stage-note', L.firstbuzz + ': ' + parts.join(' · ') + (s.buzz.answerer ? ' — ' + L.answering + ': ' + s.buzz.answerer : ''));
  }

  function render() {
    var s = state;
    if (!s) return;
    joinedEl.textContent = s.joined;
    var phase = s.phase;
    root.dataset.phase = phase;
    root.dataset.item = s.item;
    join.hidden = !(phase === 'idle' || phase === 'lobby');
    names.textContent = '';
    ((board && board.joined) || []).forEach(function (n) { names.appendChild(el('li', null, n)); });
    main.textContent = '';
    roundEl.textContent = (s.round ? s.round.title + ' · ' : '') + (L[phase] || phase) +
      (s.items && s.item >= 0 && phase !== 'podium' ? ' · ' + L.question + ' ' + (s.item + 1) + '/' + s.items : '');
    if (phase === 'paused' && isHost) main.appendChild(el('p', 'stage-note', L.resume + (s.paused ? ' (' + Math.round(s.paused.remainingMs / 1000) + ' ' + L.left + ')' : '')));
    if (s.q) main.appendChild(el('p', 'stage-stem', s.q.stem));
    if (s.task) main.appendChild(el('p', 'stage-stem', s.task.title + ' · ' + L.performer + ': ' + s.task.performer + (s.task.team ? ' (' + s.task.team + ')' : '')));
    if (s.q && s.q.options) {
      var ol = el('ol', 'stage-options');
      s.q.options.forEach(function (o) {
        var li = el('li', s.correct && s.correct.indexOf(o.key) >= 0 ? 'right' : null, o.key + '. ' + o.text);
        if (s.dist && phase === 'results') {
          var n = s.dist[o.key] || 0, bar = el('span', 'bar');
          bar.style.width = (s.answered ? Math.round(100 * n / s.answered) : 0) + '%';
          li.appendChild(el('span', 'count', ' ' + n));
          li.appendChild(bar);
        }
        ol.appendChild(li);
      });
      main.appendChild(ol);
    }
    if (phase === 'open' || phase === 'buzzing' || phase === 'answering') main.appendChild(el('p', 'stage-note', s.answered + ' / ' + s.players + ' ' + L.answered));
    if (phase === 'staking') main.appendChild(el('p', 'stage-note', L.staked + ': ' + ((board && board.staked) || []).length + ' / ' + s.players));
    if (phase === 'judging') main.appendChild(el('p', 'stage-note', s.judged + ' / ' + s.judges));
    if (s.buzz) main.appendChild(buzzOrder(s));
    if (s.judgeScore != null) main.appendChild(el('p', 'stage-big', L.panel + ': ' + s.judgeScore));
    if (s.panel && s.panel.length) {
      // Each judge's score, the dropped highest and lowest marked and explained.
      var pl = el('ul', 'stage-panel'), dropped = false;
      pl.id = 's-panel';
      s.panel.forEach(function (p) {
        var why = p.dropped === 'highest' ? L.drophigh : p.dropped === 'lowest' ? L.droplow : '';
        dropped = dropped || !!why;
        pl.appendChild(el('li', why ? 'dropped' : null, p.judge + ': ' + p.score + (why ? ' (' + why + ')' : '')));
      });
      main.appendChild(pl);
      if (dropped) main.appendChild(el('p', 'stage-note', L.panelwhy));
    }
    if (phase === 'podium' && s.final) {
      // The round that ends the contest: the contest's own podium.
      roundEl.textContent = L.contestend;
      main.appendChild(podium(s.final));
      var fb = el('div', 'stage-boards');
      fb.appendChild(table('s-top', L.overall, s.final, true));
      if (s.finalTeams && s.finalTeams.length) fb.appendChild(table('s-teams', L.team, s.finalTeams, false));
      main.appendChild(fb);
    } else if (phase === 'podium' && s.top) main.appendChild(podium(s.top));
    if (!(phase === 'podium' && s.final) && (phase === 'results' || phase === 'podium') && s.top) {
      var boards = el('div', 'stage-boards');
      boards.appendChild(table('s-top', phase === 'podium' ? L.podium : L.top, s.top, true));
      if (s.teams && s.teams.length) boards.appendChild(table('s-teams', L.team, s.teams.slice(0, 10), false));
      main.appendChild(boards);
    }
    if (phase !== lastPhase) { cue(phase); lastPhase = phase; }
    if (isHost) controls(s);
    tick();
  }

  function tick() {
    if (!state) return;
    var p = state.phase;
    var end = p === 'reading' ? state.readUntil : (p === 'open' || p === 'answering' || p === 'staking') ? state.deadline : p === 'buzzing' ? state.buzzUntil : 0;
    clockEl.textContent = end ? Math.max(0, Math.ceil((end - (Date.now() + offset)) / 1000)) + ' ' + L.left : '';
  }
  setInterval(tick, 250);

  // Sound cues: short WebAudio tones, off until someone turns them on.
  var soundBtn = document.getElementById('s-sound'), audio = null, soundOn = false;
  try { soundOn = localStorage.getItem('gridskill.sound') === '1'; } catch (e) { /* private mode */ }
  function showSound() {
    soundBtn.textContent = L.sound + ': ' + (soundOn ? L.on : L.off);
    soundBtn.setAttribute('aria-pressed', soundOn ? 'true' : 'false');
  }
  soundBtn.addEventListener('click', function () {
    soundOn = !soundOn;
    try { localStorage.setItem('gridskill.sound', soundOn ? '1' : '0'); } catch (e) { /* private mode */ }
    showSound();
    if (soundOn) tone(660, 0, 0.12);
  });
  showSound();
  function tone(freq, at, dur) {
    if (!soundOn || !window.AudioContext) return;
    audio = audio || new AudioContext();
    var o = audio.createOscillator(), g = audio.createGain(), t = audio.currentTime + at;
    o.frequency.value = freq;
    g.gain.setValueAtTime(0.2, t);
    g.gain.exponentialRampToValueAtTime(0.001, t + dur);
    o.connect(g); g.connect(audio.destination);
    o.start(t); o.stop(t + dur);
  }
  function cue(phase) {
    if (phase === 'open') tone(880, 0, 0.15);
    else if (phase === 'answering') tone(520, 0, 0.2);
    else if (phase === 'results') { tone(523, 0, 0.15); tone(659, 0.15, 0.25); }
    else if (phase === 'podium') { tone(523, 0, 0.2); tone(659, 2, 0.2); tone(784, 4, 0.5); }
  }

  // controls labels each host button with what it does now, and marks the
  // ones that cannot act; pressing one of those says why.
  function controls(s) {
    var p = s.phase, running = p !== 'idle' && p !== 'podium' && p !== 'done';
    var last = s.items && s.item + 1 >= s.items;
    var can = {
      start: !running,
      next: p === 'lobby' || p === 'results',
      show: p === 'reading' || p === 'staking',
      close: p === 'open' || p === 'buzzing' || p === 'answering' || p === 'judging' || p === 'reading' || p === 'paused',
      resume: p === 'paused',
      finish: p === 'lobby' || p === 'results' || p === 'paused'
    };
    var label = {
      start: L.dostart,
      next: last ? L.dolast : L.donext + (s.items ? ' (' + (s.item + 2) + '/' + s.items + ')' : ''),
      show: p === 'staking' ? L.doendstake : L.doshow,
      close: L.doclose, resume: L.doresume, finish: L.dofinish
    };
    var primary = '';
    ['close', 'show', 'next', 'resume', 'start'].forEach(function (a) { if (!primary && can[a]) primary = a; });
    document.querySelectorAll('#host-controls button[data-act]').forEach(function (b) {
      var a = b.dataset.act;
      b.textContent = label[a];
      b.setAttribute('aria-disabled', can[a] ? 'false' : 'true');
      b.classList.toggle('primary', a === primary);
    });
    var hb = document.getElementById('h-board');
    hb.textContent = '';
    if (board && board.staked && board.staked.length) hb.appendChild(el('p', null, L.staked + ' (' + board.staked.length + '): ' + board.staked.join('、')));
    if (board && board.buzzed && board.buzzed.length) hb.appendChild(el('p', null, L.buzzes + ' (' + board.buzzed.length + '): ' + board.buzzed.join('、')));
    if (board && board.joined && p !== 'idle' && p !== 'lobby') hb.appendChild(el('p', 'muted', L.lobbynames + ' ' + s.joined + ': ' + board.joined.slice(0, 12).join('、')));
  }

  if (isHost) {
    var msg = document.getElementById('h-msg'), roundSel = document.getElementById('h-round');
    document.querySelectorAll('#host-controls button[data-act]').forEach(function (b) {
      b.addEventListener('click', function () {
        var act = b.dataset.act;
        msg.textContent = '';
        if (b.getAttribute('aria-disabled') === 'true') {
          msg.textContent = (state && state.phase === 'idle' && act !== 'start') ? L.whyidle : L['why' + act];
          return;
        }
        if (act === 'finish' && !window.confirm(L.confirmfinish)) return;
        fetch('/api/v1/live/' + id + '/host', {
          method: 'POST', credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
          body: JSON.stringify({ action: act, round: roundSel.value })
        }).then(function (r) {
          if (r.ok) return;
          return r.json().then(function (j) { msg.textContent = (j.error && j.error.message) || String(r.status); });
        }, function () { msg.textContent = L.offline; });
      });
    });
  }
  connect();
})();
