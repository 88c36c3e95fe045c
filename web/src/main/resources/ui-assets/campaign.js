// A campaign's page: staged bytes over time against the tape's bandwidth, and its figures, refreshed every 5 s.
(function () {
  'use strict';
  const S = window.Stevedore;
  const root = document.getElementById('progress-chart');
  const chart = window.StevedoreCharts.timeChart(root, ['staged', 'tape bandwidth'], S.bytes);
  const $ = id => document.getElementById(id);
  S.poll(root.dataset.url, 5, d => {
    const xs = d.at.map(t => t / 1000);
    const first = d.staged.findIndex(v => v !== null);
    const ideal = d.tape_bandwidth === null || first < 0 ? xs.map(() => null)
      : xs.map((x, i) => i < first ? null : d.staged[first] + d.tape_bandwidth * (x - xs[first]));
    chart.update([xs, d.staged, ideal]);
    $('campaign-progress').textContent = (100 * d.progress).toFixed(1) + ' %';
    $('campaign-failed').textContent = S.num(d.failed_files);
    $('campaign-rate').textContent = S.bytes(d.bytes_per_second) + '/s';
    $('campaign-eta').textContent = S.duration(d.eta_seconds);
  });
})();
