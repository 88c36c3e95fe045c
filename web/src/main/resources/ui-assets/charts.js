// Stevedore's web UI: the charts its pages share, on uPlot (time series) and plain HTML (bars).
(function () {
  'use strict';
  const S = window.Stevedore;

  /** Horizontal bars: rows of [label, value, title, cssClass], scaled to the largest (or to `max`). */
  function hbars(root, rows, format, max) {
    const top = max || Math.max(1, ...rows.map(r => r[1]));
    root.replaceChildren(...rows.map(([label, value, title, cls]) => {
      const bar = S.el('div', {class: 'bar'}, S.el('span', {class: cls || label,
        style: 'width:' + Math.min(100, 100 * value / top).toFixed(1) + '%'}));
      return S.el('div', {class: 'row', title: title || ''}, S.el('span', {text: label}), bar,
        S.el('span', {class: 'num', text: (format || S.num)(value)}));
    }));
  }

  /** A uPlot line chart of series over time, resized with its container; call update(data) to redraw. */
  function timeChart(root, series, format) {
    let plot = null;
    const opts = () => ({
      width: Math.max(200, root.clientWidth), height: 220,
      // At least the last hour wide, ending at the newest sample: with a single sample uPlot would otherwise spread
      // the axis over years.
      scales: {x: {time: true, range: (u, min, max) => min == null ? [min, max] : [Math.min(min, max - 3600), max]}},
      axes: [{}, {values: (u, vals) => vals.map(v => (format || S.num)(v)), size: 70}],
      series: [{}].concat(series.map((label, i) => ({label, stroke: COLOURS[i % COLOURS.length], width: 2,
        dash: label.includes('bandwidth') ? [6, 4] : undefined,
        value: (u, v) => v === null ? '–' : (format || S.num)(v)}))),
    });
    const update = data => {
      if (!plot || plot.series.length !== data.length) {
        if (plot) { plot.destroy(); }
        plot = new uPlot(opts(), data, root);
      } else {
        plot.setData(data);
      }
    };
    new ResizeObserver(() => { if (plot) { plot.setSize({width: Math.max(200, root.clientWidth), height: 220}); } })
      .observe(root);
    return {update, setSeries: labels => { series = labels; if (plot) { plot.destroy(); plot = null; } }};
  }

  const COLOURS = ['#1f5fbf', '#c62828', '#1a7f37', '#b26b00', '#7b1fa2', '#00838f', '#5d4037', '#455a64'];
  window.StevedoreCharts = {hbars, timeChart};
})();
