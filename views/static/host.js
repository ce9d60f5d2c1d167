// The host screen and the big screen of a live competition: large type for
// a projector, filled from the server's event stream. The host screen also
// drives the round through the host API.
(function () {
  'use strict';
  var root = document.getElementById('stage');
  if (!root) return;
  var L = document.getElementById('labels').dataset;
  var id = root.dataset.contest, csrf = root.dataset.csrf, isHost = root.dataset.host === '1';
  var main = document.getElementById('s-main'), join = document.getElementById('s-join');
  var roundEl = document.getElementById('s-round'), clockEl = document.getElementById('s-clock'), joinedEl = document.getElementById('s-joined');
  var state = null, offset = 0;

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
      var tr = el('tr');
      tr.appendChild(el('td', 'rank', String(r.rank)));
      tr.appendChild(el('td', null, r.name));
      if (withTeam) tr.appendChild(el('td', 'muted', r.team || (r.captain ? L.captainof + ' ' + r.captain : '')));
      tr.appendChild(el('td', 'num', String(r.points)));
      t.appendChild(tr);
    });
    box.appendChild(t);
    return box;
  }

  function render() {
    var s = state;
    if (!s) return;
    joinedEl.textContent = s.joined;
    var phase = s.phase;
    root.dataset.phase = phase;
    root.dataset.item = s.item;
    join.hidden = !(phase === 'idle' || phase === 'lobby');
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
    if (phase === 'open' || phase === 'answering' || phase === 'staking') {
      main.appendChild(el('p', 'stage-note', s.answered + ' / ' + s.players + ' ' + L.answered));
    }
    if (phase === 'judging') main.appendChild(el('p', 'stage-note', s.judged + ' / ' + s.judges));
    if (s.buzz) main.appendChild(el('p', 'stage-note', L.firstbuzz + ': ' + s.buzz.order.join(' · ') + (s.buzz.answerer ? ' — ' + L.answering + ': ' + s.buzz.answerer : '')));
    if (s.judgeScore != null) main.appendChild(el('p', 'stage-big', L.panel + ': ' + s.judgeScore));
    if ((phase === 'results' || phase === 'podium') && s.top) {
      var boards = el('div', 'stage-boards');
      boards.appendChild(table('s-top', phase === 'podium' ? L.podium : L.top, s.top, true));
      if (s.teams && s.teams.length) boards.appendChild(table('s-teams', L.team, s.teams, false));
      main.appendChild(boards);
    }
    tick();
  }

  function tick() {
    if (!state) return;
    var end = state.phase === 'reading' ? state.readUntil : (state.phase === 'open' || state.phase === 'answering') ? state.deadline : 0;
    clockEl.textContent = end ? Math.max(0, Math.ceil((end - (Date.now() + offset)) / 1000)) + ' ' + L.left : '';
  }
  setInterval(tick, 250);

  if (isHost) {
    var msg = document.getElementById('h-msg'), roundSel = document.getElementById('h-round');
    document.querySelectorAll('#host-controls button[data-act]').forEach(function (b) {
      b.addEventListener('click', function () {
        msg.textContent = '';
        fetch('/api/v1/live/' + id + '/host', {
          method: 'POST', credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
          body: JSON.stringify({ action: b.dataset.act, round: roundSel.value })
        }).then(function (r) {
          if (r.ok) return;
          return r.json().then(function (j) { msg.textContent = (j.error && j.error.message) || String(r.status); });
        }, function () { msg.textContent = L.offline; });
      });
    });
  }
  connect();
})();
