/**
 * The HTML report's only stylesheet and script, inline, with their SHA-256 hashes for the page's
 * Content-Security-Policy: the browser runs this script and applies this stylesheet and nothing
 * else, so even markup that slipped past escaping could not execute or load anything.
 */
import { createHash } from 'node:crypto';

export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --bg: #fff; --panel: #f6f8fa; --line: #d1d9e0;
  --link: #0969da; --due: #cf222e; --review: #bf8700; --ok: #2f81f7; --exempt: #8250df; --inactive: #afb8c1; }
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.5rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
a { color: var(--link); }
.headline { font-size: 1.1rem; font-weight: 600; margin: 8px 0; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: .85rem; font-weight: 600; border: 1px solid transparent; }
.badge-complete { background: #dafbe1; color: #116329; border-color: #aceebb; }
.badge-incomplete { background: #fff8c5; color: #7d4e00; border-color: #eac54f; }
.badge-mode { background: var(--panel); color: var(--fg); border-color: var(--line); }
.notice { border: 1px solid #eac54f; background: #fff8c5; border-radius: 8px; padding: 8px 12px; margin: 12px 0; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 12px 0; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; overflow-wrap: anywhere; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 8px; margin: 12px 0; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; }
.card .n { display: block; font-size: 1.6rem; font-weight: 700; }
.card .what { color: var(--muted); font-size: .9rem; }
nav.toc { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 12px 0; }
.chart-figure { margin: 0; }
svg.chart { display: block; width: 100%; max-width: 760px; height: auto; font: 13px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
svg.chart .grid { stroke: var(--line); stroke-width: 1; }
svg.chart .axis { stroke: var(--fg); stroke-width: 1; }
svg.chart .separator { stroke: var(--muted); stroke-dasharray: 2 3; }
svg.chart .tick, svg.chart .axis-label, svg.chart .axis-title { fill: var(--muted); }
svg.chart .bar-count { fill: var(--fg); font-weight: 700; }
svg.chart .threshold line { stroke-width: 2; stroke-dasharray: 5 3; }
svg.chart .threshold text { font-size: 12px; font-weight: 600; }
svg.chart .threshold-deactivate line { stroke: var(--due); }
svg.chart .threshold-deactivate text { fill: var(--due); }
svg.chart .threshold-warn line { stroke: var(--review); }
svg.chart .threshold-warn text, svg.chart .threshold-never text { fill: #7d4e00; }
.seg-due { fill: var(--due); background: var(--due); }
.seg-review { fill: var(--review); background: var(--review); }
.seg-ok { fill: var(--ok); background: var(--ok); }
.seg-exempt { fill: var(--exempt); background: var(--exempt); }
.seg-inactive { fill: var(--inactive); background: var(--inactive); }
figcaption { color: var(--muted); font-size: .9rem; margin: 4px 0; }
ul.legend, ul.thresholds { list-style: none; padding: 0; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: .9rem; }
ul.thresholds { flex-direction: column; color: var(--muted); }
.swatch { display: inline-block; width: .9em; height: .9em; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
.mark { display: inline-block; width: 1.2em; margin-right: 6px; border-top: 2px dashed var(--muted); vertical-align: middle; }
.mark-deactivate { border-color: var(--due); }
.mark-warn, .mark-never { border-color: var(--review); }
details { margin: 8px 0; }
article.way-off { border-top: 1px solid var(--line); margin: 12px 0; }
article.way-off pre { overflow-x: auto; background: var(--panel); padding: 8px; font-size: .85rem; }
summary { cursor: pointer; color: var(--link); }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); overflow-wrap: break-word; }
thead th { background: var(--panel); }
.wide { min-width: 15em; }
tbody tr:hover { background: #f0f6fc; }
th[data-type="number"], td[data-label^="Days"], td[data-label^="Age"] { text-align: right; }
button.sort { font: inherit; font-weight: 600; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; }
button.sort::after { content: "\\2195"; color: var(--muted); margin-left: 4px; }
th[aria-sort="ascending"] button.sort::after { content: "\\25B2"; color: var(--fg); }
th[aria-sort="descending"] button.sort::after { content: "\\25BC"; color: var(--fg); }
.filter { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin: 8px 0; }
.filter input { font: inherit; padding: 6px 10px; border: 1px solid var(--line); border-radius: 6px; min-width: 0; flex: 1 1 220px; max-width: 360px; }
.filter-status { color: var(--muted); font-size: .9rem; }
.sev { display: inline-block; padding: 0 6px; border-radius: 4px; font-weight: 600; font-size: .85rem; }
.sev-critical { background: #82071e; color: #fff; }
.sev-high { background: #ffebe9; color: #a40e26; }
.sev-medium { background: #fff8c5; color: #7d4e00; }
.sev-low { background: #ddf4ff; color: #0550ae; }
.sev-info { background: var(--panel); color: var(--muted); }
.empty { color: var(--muted); }
.note { display: block; color: var(--muted); font-size: .85em; }
footer { color: var(--muted); font-size: .85rem; margin: 32px 0 16px; }
@media (max-width: 700px) {
  main { padding: 12px; }
  .meta { grid-template-columns: 1fr; }
  .meta dd { margin-bottom: 6px; }
  /* The SVG scales with its viewBox (560 wide): at 18 units and no narrower than 342 px, its text
     never renders below 11 px; a narrower screen scrolls the figure rather than shrink it. */
  .chart-figure { overflow-x: auto; }
  svg.chart { font-size: 18px; min-width: 342px; }
  svg.chart .threshold text { font-size: 18px; }
  table.data, table.data tbody, table.data tr, table.data td { display: block; width: 100%; }
  table.data thead tr { display: flex; flex-wrap: wrap; gap: 4px 12px; margin-bottom: 8px; }
  table.data thead th { display: block; background: none; border: 0; padding: 2px 0; }
  html:not(.js) table.data thead { display: none; }
  table.data tr { border: 1px solid var(--line); border-radius: 8px; margin: 0 0 10px; padding: 6px 10px; }
  table.data .wide { min-width: 0; }
  table.data td { display: grid; grid-template-columns: 7.5em minmax(0, 1fr); gap: 8px; border: 0; padding: 2px 0; text-align: left !important; }
  table.data td::before { content: attr(data-label); color: var(--muted); font-weight: 600; }
}
`;

/**
 * Sorts and filters every `table[data-sortable]`. It builds its controls with DOM calls and reads
 * only `textContent` and `data-sort`, never writing markup, so report data cannot become code.
 */
export const REPORT_SCRIPT = `
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  function valueOf(cell, numeric) {
    var raw = cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort') : cell.textContent.trim();
    if (!numeric) return raw;
    return raw === '' ? NaN : Number(raw);
  }
  function compare(a, b, numeric) {
    if (!numeric) return collator.compare(a, b);
    if (a === b) return 0;
    return a < b ? -1 : 1;
  }
  var tables = document.querySelectorAll('table[data-sortable]');
  Array.prototype.forEach.call(tables, function (table) {
    var body = table.tBodies[0];
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var rows = Array.prototype.slice.call(body.rows);
    var name = table.getAttribute('aria-label') || 'table';

    var bar = document.createElement('div');
    bar.className = 'filter';
    var input = document.createElement('input');
    input.type = 'search';
    input.placeholder = 'Filter ' + name.toLowerCase();
    input.setAttribute('aria-label', 'Filter ' + name.toLowerCase());
    input.setAttribute('aria-controls', table.id);
    var status = document.createElement('span');
    status.className = 'filter-status';
    status.setAttribute('aria-live', 'polite');
    bar.appendChild(input);
    bar.appendChild(status);
    var wrap = table.parentNode;
    wrap.parentNode.insertBefore(bar, wrap);
    function filter() {
      var terms = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var match = terms.every(function (term) { return text.indexOf(term) !== -1; });
        row.hidden = !match;
        if (match) shown += 1;
      });
      status.textContent = terms.length ? shown + ' of ' + rows.length + ' shown' : rows.length + ' rows';
    }
    input.addEventListener('input', filter);
    filter();

    headers.forEach(function (th, index) {
      var numeric = th.getAttribute('data-type') === 'number';
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      button.textContent = th.textContent;
      th.textContent = '';
      th.appendChild(button);
      button.addEventListener('click', function () {
        var ascending = th.getAttribute('aria-sort') !== 'ascending';
        headers.forEach(function (other) { other.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        var keyed = Array.prototype.map.call(body.rows, function (row, position) {
          return { row: row, position: position, value: valueOf(row.cells[index], numeric) };
        });
        keyed.sort(function (a, b) {
          // Missing numbers go last in either direction; ties keep their order.
          var aMissing = numeric && isNaN(a.value);
          var bMissing = numeric && isNaN(b.value);
          if (aMissing || bMissing) return aMissing === bMissing ? a.position - b.position : aMissing ? 1 : -1;
          var order = compare(a.value, b.value, numeric);
          return (ascending ? order : -order) || a.position - b.position;
        });
        keyed.forEach(function (item) { body.appendChild(item.row); });
      });
    });
  });
})();
`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The policy for the page's `<meta http-equiv="Content-Security-Policy">`: nothing may load, only
 * the inline stylesheet and script above may apply or run. It contains no `"`, so it goes into
 * the attribute as it is.
 */
export const REPORT_CSP = [
  "default-src 'none'",
  `style-src ${sha256(REPORT_CSS)}`,
  `script-src ${sha256(REPORT_SCRIPT)}`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
