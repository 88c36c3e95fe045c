// The dashboard: polls /ui/api/dashboard and redraws its figures, tables and charts without reloading the page.
(function () {
  'use strict';
  const S = window.Stevedore;
  const C = window.StevedoreCharts;
  const POLL_SECONDS = 5;
  const $ = id => document.getElementById(id);
  let usageChart = null;
  let usageRses = '';
  const reaperChart = C.timeChart($('reaper-chart'), ['deletions'], S.num);

  function rows(tbody, items, cells, empty) {
    tbody.replaceChildren(...items.map(item => S.el('tr', {}, ...cells(item))));
    empty.hidden = items.length > 0;
  }
  const td = (text, cls) => S.el('td', {class: cls || '', text: String(text)});

  function draw(d) {
    const t = d.transfers;
    $('transfers-done').textContent = S.num(t.done);
    $('transfers-bytes').textContent = S.bytes(t.bytes);
    $('transfers-failed').textContent = S.num(t.failed);
    $('transfers-queued').textContent = S.num(t.queued);
    $('rules-stuck').textContent = S.num(d.rules.STUCK || 0);
    $('reaper-deletions').textContent = S.num(d.reaper.deletions);
    $('updated').textContent = new Date().toLocaleTimeString();

    C.hbars($('rules-chart'), ['OK', 'REPLICATING', 'STUCK', 'SUSPENDED', 'WAITING_APPROVAL', 'INJECT']
      .filter(s => s in d.rules || ['OK', 'REPLICATING', 'STUCK'].includes(s)).map(s => [s, d.rules[s] || 0]));

    rows($('links').tBodies[0], t.links, l => [
      S.el('td', {}, S.el('a', {href: '/ui/transfers/link?source=' + encodeURIComponent(l.source)
        + '&destination=' + encodeURIComponent(l.destination), text: (l.source || '(no source yet)') + ' → '
        + l.destination})),
      td(S.num(l.done), 'num'), td(S.bytes(l.bytesPerSecond) + '/s', 'num'),
      td(S.num(l.failed), 'num' + (l.failed ? ' error' : '')), td(S.num(l.queued), 'num')], $('links-empty'));

    C.hbars($('usage-chart'), d.rses.map(r => [r.rse, r.used, r.total ? S.bytes(r.used) + ' of ' + S.bytes(r.total)
      + ' (' + r.source + ')' : (r.source || 'no report'), 'usage']),
      S.bytes);
    const names = d.rses.map(r => r.rse);
    if (names.join() !== usageRses) {
      usageRses = names.join();
      usageChart = C.timeChart($('usage-history'), names, S.bytes);
    }
    const xs = d.history.map(h => h.at / 1000);
    usageChart.update([xs].concat(names.map(n => d.history.map(h => h.rse_used[n] ?? null))));
    reaperChart.update([xs, d.history.map(h => h.deletions)]);

    rows($('campaigns').tBodies[0], d.campaigns, c => [
      S.el('td', {}, S.el('a', {href: '/ui/campaigns/' + c.id, text: c.id.substring(0, 8)}), ' ' + c.account),
      S.el('td', {title: S.num(c.staged_files) + ' of ' + S.num(c.files) + ' files staged, '
        + S.num(c.failed_files) + ' failed'}, S.el('div', {class: 'bar'}, S.el('span',
        {style: 'width:' + (100 * c.progress).toFixed(1) + '%'}))),
      td(S.bytes(c.bytes_per_second) + '/s', 'num'), td(S.duration(c.eta_seconds), 'num')], $('campaigns-empty'));

    rows($('tasks').tBodies[0], d.tasks, k => [
      S.el('td', {}, S.el('a', {href: '/ui/tasks/' + encodeURIComponent(k.id), text: k.id}), ' ' + k.account),
      td(k.state, 'state-' + k.state), td(S.num(k.released), 'num'), td(S.num(k.held), 'num' + (k.held ? ' error' : '')),
      td(S.num(Object.values(k.jobs).reduce((a, b) => a + b, 0)), 'num')], $('tasks-empty'));
  }

  $('poll-seconds').textContent = POLL_SECONDS;
  S.poll('/ui/api/dashboard', POLL_SECONDS, draw);
})();
