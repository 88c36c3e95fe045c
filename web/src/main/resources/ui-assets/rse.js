// An RSE's page: its used bytes over the sampled hour, refreshed every 10 s.
(function () {
  'use strict';
  const S = window.Stevedore;
  const root = document.getElementById('usage-history');
  const chart = window.StevedoreCharts.timeChart(root, ['used'], S.bytes);
  S.poll(root.dataset.url, 10, d => chart.update([d.at.map(t => t / 1000), d.used]));
})();
