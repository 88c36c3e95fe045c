// Stevedore's web UI: the few helpers its pages share. No framework, no build.
(function () {
  'use strict';
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || '';

  /** GET a /ui/api JSON document (the session cookie goes with it). */
  async function getJson(url) {
    const r = await fetch(url, {headers: {'Accept': 'application/json'}, credentials: 'same-origin'});
    if (r.status === 401) { window.location = '/ui/login'; return null; }
    if (!r.ok) { throw new Error(r.status + ' ' + (r.headers.get('ExceptionMessage') || r.statusText)); }
    return r.json();
  }

  /** POST with the session's CSRF token in the X-CSRF-Token header. */
  async function post(url, body) {
    return fetch(url, {method: 'POST', credentials: 'same-origin',
      headers: {'X-CSRF-Token': csrf(), 'Content-Type': 'application/json', 'Accept': 'application/json'},
      body: body === undefined ? undefined : JSON.stringify(body)});
  }

  /** Calls fn(doc) with url's document now and every `seconds`, while the page is open. */
  function poll(url, seconds, fn) {
    let stopped = false;
    const tick = async () => {
      if (stopped) { return; }
      try { const doc = await getJson(url); if (doc) { fn(doc); } } catch (e) { console.warn(url, e); }
      setTimeout(tick, seconds * 1000);
    };
    tick();
    return () => { stopped = true; };
  }

  /** A number with thousands separators; bytes in B/kB/MB/GB/TB/PB. */
  const num = n => (n === null || n === undefined) ? '–' : Number(n).toLocaleString('en');
  function bytes(n) {
    if (n === null || n === undefined) { return '–'; }
    const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
    let i = 0; let v = Number(n);
    while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
    return (i === 0 ? v : v.toFixed(1)) + ' ' + units[i];
  }
  function duration(seconds) {
    if (seconds === null || seconds === undefined) { return '–'; }
    const s = Math.round(seconds);
    if (s < 90) { return s + ' s'; }
    if (s < 5400) { return Math.round(s / 60) + ' min'; }
    if (s < 172800) { return (s / 3600).toFixed(1) + ' h'; }
    return (s / 86400).toFixed(1) + ' d';
  }
  /** Sets the text of every element matching [data-field=name] under root. */
  function fill(root, values) {
    Object.entries(values).forEach(([k, v]) => root.querySelectorAll('[data-field="' + k + '"]')
      .forEach(el => { el.textContent = v; }));
  }
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === 'class') { e.className = v; } else if (k === 'text') { e.textContent = v; } else { e.setAttribute(k, v); }
    });
    children.forEach(c => e.append(c));
    return e;
  }

  window.Stevedore = {csrf, getJson, post, poll, num, bytes, duration, fill, el};
})();
