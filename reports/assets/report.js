// Draws the report's charts from the JSON model and wires the CSV buttons.
// Everything from the data is untrusted: it reaches the DOM only as text
// (textContent, SVG text drawn by echarts) and tooltips only through esc().
(function () {
  'use strict';
  var M = JSON.parse(document.getElementById('report-model').textContent);
  var sections = {};
  [M.main, M.journeys, M.reference].forEach(function (g) {
    (g || []).forEach(function (s) { sections[s.id] = s; });
  });

  // ---- text ----
  // Every number and label of the charts, the tiles and the sentences is
  // written in Go (reports/format.go); the page only escapes text for the
  // tooltips' HTML (esc) and writes the drill-down panel's counts and
  // dates (int, date).
  function esc(v) {
    return String(v == null ? '' : v).replace(/[&<>"'`=\/]/g, function (c) {
      return '&#' + c.charCodeAt(0) + ';';
    });
  }
  // A name from the data as one line of text, "(blank)" when empty (as Go's oneLine).
  function label(v) { return v == null || v === '' ? '(blank)' : String(v).replace(/[\n\r\u2028\u2029]+/g, ' '); }
  function int(n) { return n == null ? '–' : Number(n).toLocaleString('en-US', { maximumFractionDigits: 0 }); }
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  // Times in the model are wall-clock times of the report's time zone,
  // written as if UTC; read them back with the UTC getters.
  function date(s) {
    var t = new Date(s.length === 10 ? s + 'T00:00:00Z' : s);
    return isNaN(t) ? String(s) : t.getUTCDate() + ' ' + MONTHS[t.getUTCMonth()] + ' ' + t.getUTCFullYear();
  }

  function table(s) { return s.data || s.table; }
  // A tooltip is a list of [name, value] lines, escaped here and nowhere
  // else; echarts inserts the returned string as HTML.
  function tip(title, lines) {
    var h = '<div class="tt"><b>' + esc(title) + '</b>';
    lines.forEach(function (l) { h += '<br>' + esc(l[0]) + ': <b>' + esc(l[1]) + '</b>'; });
    return h + '</div>';
  }

  // ---- drawing ----
  var charts = [];
  window.__report = { charts: charts };
  function fitSVG(el) {
    // A viewBox lets print scale the vector chart to the page width.
    var svg = el.querySelector('svg');
    if (svg && svg.getAttribute('width')) {
      svg.setAttribute('viewBox', '0 0 ' + parseFloat(svg.getAttribute('width')) + ' ' + parseFloat(svg.getAttribute('height')));
      svg.setAttribute('preserveAspectRatio', 'xMinYMin meet');
    }
  }
  document.querySelectorAll('.chart[data-section]').forEach(function (el) {
    var s = sections[el.getAttribute('data-section')];
    if (!(s && s.chart && s.chart.option)) return;
    if (s.height) el.style.height = s.height + 'px';
    var chart = echarts.init(el, null, { renderer: 'svg' });
    chart.setOption(option(s));
    chart.on('finished', function () { fitSVG(el); });
    fitSVG(el);
    charts.push({ id: s.id, kind: s.chart.kind, el: el, chart: chart });
  });
  function clone(o) { return JSON.parse(JSON.stringify(o)); }
  function option(s) { return hook(clone(s.chart.option)); }
  // An option built in Go (reports/chart.go) is complete but for the two
  // functions JSON cannot carry: the tooltip's, which escapes and joins the
  // text Go wrote (a data item's tip, or the option's tips by category),
  // and a label's that shows a data item's text. Neither formats a number.
  function hook(o) {
    if (o.tooltip && o.tooltip.formatter === '@tip') {
      o.tooltip.formatter = function (ps) {
        var p = Array.isArray(ps) ? ps[0] : ps, t;
        if (!p) return '';
        t = Array.isArray(ps) ? (o.tips || [])[p.dataIndex] : p.data && p.data.tip;
        if (!t) return '';
        var lines = [];
        if (o.tipLines) o.tipLines.forEach(function (n, i) { lines.push([n, t[i + 1]]); });
        else for (var i = 1; i + 1 < t.length; i += 2) lines.push([t[i], t[i + 1]]);
        return tip(t[0], lines);
      };
      o.tooltip.renderMode = 'html';
      o.tooltip.appendToBody = false;
    }
    (o.series || []).forEach(function (se) {
      if (se.label && se.label.formatter === '@text') {
        se.label.formatter = function (p) { return p.data && p.data.text != null ? String(p.data.text) : ''; };
      }
    });
    return o;
  }
  // Follow the container, whatever changed its width (window, print
  // layout, a late scrollbar).
  var resizeAll = function () { charts.forEach(function (c) { c.chart.resize(); fitSVG(c.el); }); };
  if (window.ResizeObserver) {
    var ro = new ResizeObserver(function (entries) {
      entries.forEach(function (e) {
        charts.forEach(function (c) { if (c.el === e.target) { c.chart.resize(); fitSVG(c.el); } });
      });
    });
    charts.forEach(function (c) { ro.observe(c.el); });
  } else {
    var timer = null;
    window.addEventListener('resize', function () { clearTimeout(timer); timer = setTimeout(resizeAll, 120); });
  }

  // ---- CSV downloads, built from the embedded data (no network) ----
  function csvCell(v) {
    if (v == null) return '';
    var s = String(v);
    // CSV injection as OWASP defines it: a spreadsheet evaluates a text
    // cell that starts with =, +, -, @, tab or CR, also after leading
    // spaces and in the full-width forms; a quote in front keeps it text.
    // Numbers (and text that is just a number) stay numbers.
    if (typeof v === 'string' && /^(?:[\t\r]|[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/.test(s) &&
        !/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function csv(t) {
    var lines = [t.columns.map(function (c) { return csvCell(c.key); }).join(',')];
    t.rows.forEach(function (r) { lines.push(r.map(csvCell).join(',')); });
    return '\ufeff' + lines.join('\r\n') + '\r\n';
  }
  document.querySelectorAll('button.csv[data-section]').forEach(function (btn) {
    btn.addEventListener('click', function () {
      var id = btn.getAttribute('data-section'), s = shown(id);
      if (!s || !table(s)) return;
      download(csv(table(s)), id);
    });
  });
  function download(text, name) {
    var url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
    var a = document.createElement('a');
    a.href = url;
    a.download = name.replace(/[^a-z0-9-]/gi, '_') + '.csv';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }
  // A section as shown: filtered, or as built.
  var current = {};
  function shown(id) { return current[id] || sections[id]; }
  window.__report.csv = function (id) { return csv(table(shown(id))); };
  window.__report.current = current;

  // ---- drill-down panels ----
  // A chart element whose section names a list (section.drill, one key
  // per data row) opens a panel of the journeys behind it (M.drill.lists),
  // by click or by keyboard (the chart takes the focus; the arrow keys
  // move between its elements, Enter opens, Escape closes and gives the
  // focus back). The open panel and the filters live in the URL hash, so
  // a link reopens them. Everything from the data is set as text.
  var D = M.drill, F = M.filters;
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  // The data row index a clicked (or keyed) echarts element draws.
  function rowOf(kind, s, p) {
    if (kind === 'sankey') return p.dataType === 'edge' ? p.dataIndex : null;
    // a data item names its row (i): echarts copies items, not their rows' indexes
    if (p.data && p.data.i != null) return p.data.i;
    return null;
  }
  // The elements of a chart, in the order the arrow keys walk them.
  function targetsOf(c) {
    var s = shown(c.id), out = [], opt = c.chart.getOption();
    if (!s || !s.drill) return out;
    if (c.kind === 'sankey') {
      // a link a row, in the order of the rows
      (((opt.series || [])[0] || {}).links || []).forEach(function (l, i) { out.push({ seriesIndex: 0, dataIndex: i, dataType: 'edge', row: i }); });
    } else {
      // an element a row, the first series' for a row several draw (the
      // two bars of a department)
      var seen = {};
      (opt.series || []).forEach(function (se, si) {
        (se.data || []).forEach(function (d, di) {
          if (d && d.i != null && !seen[d.i]) { seen[d.i] = true; out.push({ seriesIndex: si, dataIndex: di, row: d.i }); }
        });
      });
      out.sort(function (a, b) { return a.row - b.row; });
    }
    return out.filter(function (t) { return s.drill[t.row]; });
  }
  function targetName(c, t) {
    var s = shown(c.id), l = D.lists[s.drill[t.row]];
    return l ? l.title : '';
  }

  var panel = null, opener = null, openKey = null, openTable = null, timelines = [];
  function closeDrill() {
    if (!panel) return;
    timelines.forEach(function (ch) { ch.dispose(); });
    timelines = [];
    panel.remove();
    panel = null;
    openKey = null;
    writeHash();
    if (opener && document.contains(opener)) opener.focus();
    opener = null;
  }
  // The panel's rows as a table: what the CSV carries, and what is shown.
  function drillTable(l) {
    var cols = [{ key: 'customer', label: 'Customer', format: 'text' }, { key: 'journey', label: 'Journey', format: 'text' },
      { key: 'first_contact_at', label: 'First contact', format: 'time' }, { key: 'last_contact_at', label: 'Last contact', format: 'time' },
      { key: 'contacts', label: 'Contacts', format: 'int' }, { key: 'gap_contacts', label: 'Gap contacts', format: 'int' }];
    if (l.in) cols.push({ key: 'in_list', label: l.in, format: 'int' });
    cols.push({ key: 'outcome', label: 'Outcome', format: 'text' });
    return { columns: cols, rows: l.rows.map(function (r) {
      var j = D.journeys[r[0]];
      var row = [j.customer, j.id, j.first || null, j.last || null, j.contacts, j.gap];
      if (l.in) row.push(r[1]);
      row.push(j.outcome);
      return row;
    }) };
  }
  function countText(l) {
    var n = l.rows.length;
    if (l.total === 0) return 'No journey is behind this element.';
    if (l.total > n) {
      return 'Showing the ' + int(n) + ' worst of ' + int(l.total) + ' journeys; the other ' + int(l.total - n) +
        ' are not in this file (it embeds at most ' + int(D.top) + ' a list: [report] drill_top).';
    }
    return l.total === 1 ? 'The one journey behind it.' : 'All ' + int(l.total) + ' journeys behind it, worst first.';
  }
  function toggleTimeline(btn, tr, j) {
    var next = tr.nextSibling;
    if (next && next.classList && next.classList.contains('drill-timeline')) {
      var d = next.querySelector('.chart');
      timelines = timelines.filter(function (ch) {
        if (ch.getDom() === d) { ch.dispose(); return false; }
        return true;
      });
      next.remove();
      btn.setAttribute('aria-expanded', 'false');
      btn.textContent = '▸';
      return;
    }
    var row = el('tr', 'drill-timeline'), td = el('td');
    td.colSpan = tr.children.length;
    // the chart Go built without contacts (D.timeline_option), given the
    // journey's points: [time, dot, title, line 1, …], texts as indexes
    // into D.strings, written in Go; line 1 is the channel (the dot's
    // label), line 2 the department (its row)
    var o = JSON.parse(JSON.stringify(D.timeline_option)), deps = [];
    (j.timeline || []).forEach(function (r) {
      var t = r.slice(2).map(function (k) { return D.strings[k]; });
      if (deps.indexOf(t[2]) < 0) deps.push(t[2]);
      o.series[0].data.push({ value: [r[0], t[2]] });
      o.series[1 + r[1]].data.push({ value: [r[0], t[2]], tip: t, text: t[1] });
    });
    o.yAxis[0].data = deps;
    for (var si = 1; si < o.series.length; si++) o.series[si].label.show = (j.timeline || []).length <= 12;
    var box = el('div', 'chart');
    box.style.height = (140 + 26 * deps.length) + 'px';
    box.setAttribute('role', 'img');
    box.setAttribute('aria-label', 'Timeline of the journey of customer ' + label(j.customer));
    td.appendChild(box);
    if (j.contacts > j.timeline.length) {
      td.appendChild(el('p', 'note', 'The timeline shows the first ' + int(j.timeline.length) + ' of ' + int(j.contacts) + ' contacts.'));
    }
    row.appendChild(td);
    tr.parentNode.insertBefore(row, tr.nextSibling);
    var ch = echarts.init(box, null, { renderer: 'svg' });
    ch.setOption(hook(o));
    timelines.push(ch);
    btn.setAttribute('aria-expanded', 'true');
    btn.textContent = '▾';
  }
  function openDrill(key, from) {
    var l = D && D.lists[key];
    if (!l) return false;
    closeDrill();
    opener = from || document.activeElement;
    openKey = key;
    panel = el('aside', 'drill no-print');
    panel.id = 'drill';
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-labelledby', 'drill-title');
    panel.setAttribute('data-key', key);
    var head = el('div', 'drill-head');
    var h = el('h2', null, l.title);
    h.id = 'drill-title';
    var close = el('button', 'drill-close', '×');
    close.type = 'button';
    close.setAttribute('aria-label', 'Close the list');
    close.addEventListener('click', closeDrill);
    head.appendChild(h);
    head.appendChild(close);
    panel.appendChild(head);
    panel.appendChild(el('p', 'drill-what', l.what));
    panel.appendChild(el('p', 'drill-count', countText(l)));
    if (filtered()) panel.appendChild(el('p', 'note drill-filter', 'The filters do not narrow this list: it is over every department and channel.'));
    panel.appendChild(el('p', 'note', D.note));
    var t = drillTable(l);
    openTable = t;
    var dl = el('button', 'csv', 'Download these rows (CSV)');
    dl.type = 'button';
    dl.addEventListener('click', function () { download(csv(t), 'drill-' + key); });
    panel.appendChild(el('p', 'actions')).appendChild(dl);
    if (t.rows.length) {
      // shown: the customer, the dates, the counts and the outcome (the CSV
      // also carries the journey's pseudonym and the exact times)
      var wrap = el('div', 'table-wrap'), tb = el('table'), thead = el('thead'), hr = el('tr'), body = el('tbody');
      var show = [['Customer', 'text'], ['Contacts from', 'text'], ['Contacts', 'int'], ['Gap contacts', 'int']];
      if (l.in) show.push([l.in, 'int']);
      show.push(['Outcome', 'text']);
      hr.appendChild(el('th', null, ''));
      show.forEach(function (c) { hr.appendChild(el('th', 'f-' + c[1], c[0])); });
      thead.appendChild(hr);
      tb.appendChild(thead);
      l.rows.forEach(function (r) {
        var j = D.journeys[r[0]], tr = el('tr'), td = el('td');
        var b = el('button', 'drill-expand', '▸');
        b.type = 'button';
        b.setAttribute('aria-expanded', 'false');
        b.setAttribute('aria-label', 'Timeline of customer ' + label(j.customer));
        b.addEventListener('click', function () { toggleTimeline(b, tr, j); });
        td.appendChild(b);
        tr.appendChild(td);
        var cells = [label(j.customer), j.first ? date(j.first) + (j.last && date(j.last) !== date(j.first) ? ' – ' + date(j.last) : '') : '–',
          int(j.contacts), int(j.gap)];
        if (l.in) cells.push(int(r[1]));
        cells.push(label(j.outcome));
        cells.forEach(function (v, k) { tr.appendChild(el('td', 'f-' + show[k][1], v)); });
        body.appendChild(tr);
      });
      tb.appendChild(body);
      wrap.appendChild(tb);
      panel.appendChild(wrap);
    }
    document.body.appendChild(panel);
    writeHash();
    close.focus();
    return true;
  }
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && panel) { e.preventDefault(); closeDrill(); }
  });

  // Clicks and keys on the charts with drill-down.
  var live = el('p', 'sr-only');
  live.setAttribute('aria-live', 'polite');
  document.body.appendChild(live);
  charts.forEach(function (c) {
    var s = sections[c.id];
    if (!s.drill || !D) return;
    c.chart.on('click', function (p) {
      var cur = shown(c.id), i = rowOf(c.kind, cur, p);
      if (i != null && cur.drill && cur.drill[i]) openDrill(cur.drill[i], c.el);
    });
    c.el.tabIndex = 0;
    c.el.setAttribute('aria-label', c.el.getAttribute('aria-label') +
      '. Arrow keys pick an element, Enter lists the journeys behind it, Escape closes the list.');
    var at = -1;
    c.el.addEventListener('keydown', function (e) {
      var ts = targetsOf(c);
      if (!ts.length) return;
      if (e.key === 'ArrowRight' || e.key === 'ArrowDown' || e.key === 'ArrowLeft' || e.key === 'ArrowUp') {
        e.preventDefault();
        at = (e.key === 'ArrowRight' || e.key === 'ArrowDown') ? (at + 1) % ts.length : (at <= 0 ? ts.length - 1 : at - 1);
        var t = ts[at];
        c.chart.dispatchAction({ type: 'showTip', seriesIndex: t.seriesIndex, dataIndex: t.dataIndex, dataType: t.dataType });
        live.textContent = targetName(c, t) + ' (' + (at + 1) + ' of ' + ts.length + ')';
      } else if (e.key === 'Enter') {
        e.preventDefault();
        var k = ts[Math.max(at, 0)];
        openDrill(shown(c.id).drill[k.row], c.el);
      }
    });
    c.el.addEventListener('blur', function () { at = -1; c.chart.dispatchAction({ type: 'hideTip' }); });
  });

  // ---- filters ----
  // The views of M.filters, every one written at build time: the tiles'
  // texts, the sentences, and the charts (a view's chart is the section's
  // option with the view's parts: set, merged over it, and its points,
  // compact; Go builds both from the same code). Nothing is computed here.
  var sel = { d: -1, c: -1, p: F ? F.periods.length - 1 : 0 };
  function filtered() { return F && (sel.d >= 0 || sel.c >= 0 || sel.p !== F.periods.length - 1); }
  function str(k) { return F.strings[k]; }
  // A compact point (a row of F.fields[id], reports/filters.go viewFields)
  // as an echarts data item; titles are the section's items' tooltip
  // titles by row (for "lines").
  function item(r, fields, titles, at) {
    var it = {};
    fields.forEach(function (f, k) {
      if (f === 'di') { at.i += r[k]; it.i = at.i; return; }
      if (f === 'tip') it.tip = r.slice(k).map(str);
      else if (f === 'lines') it.tip = [titles[it.i]].concat(r.slice(k).map(str));
      else if (f === 'text') { if (str(r[k])) it.text = str(r[k]); }
      else if (f === 'x') it.value = [r[k]];
      else if (f === 'y') it.value.push(r[k]);
      else if (f === 'value' || (f === 'i' && r[k] != null) || (f === 'symbolSize' && r[k])) it[f] = r[k];
    });
    return it;
  }
  // The option of a view's chart: the section's, its parts replaced.
  function viewOption(id, vc) {
    var o = clone(sections[id].chart.option), set = vc.set || {}, fields = F.fields[id], titles = {};
    o.series.forEach(function (se) {
      (se.data || []).forEach(function (d) { if (d && d.i != null && d.tip) titles[d.i] = d.tip[0]; });
    });
    ['xAxis', 'yAxis', 'visualMap', 'series'].forEach(function (k) {
      (set[k] || []).forEach(function (a, i) { o[k][i] = Object.assign(o[k][i] || {}, a); });
    });
    vc.points.forEach(function (rows, k) {
      var at = { i: -1 };
      o.series[k].data = rows.map(function (r) { return item(r, fields, titles, at); });
    });
    if (vc.tips) o.tips = vc.tips.map(function (t) { return t.map(str); });
    return o;
  }
  function sectionEl(id) { return document.getElementById(id); }
  function setFinding(id, text) {
    var sec = id === 'headline' ? document.getElementById('headline') : sectionEl(id);
    var p = sec && sec.querySelector('.finding');
    if (!p) return;
    if (p.__orig == null) p.__orig = p.textContent;
    p.textContent = text == null ? p.__orig : text;
    var fl = sec.querySelector('.filter-note');
    if (text == null) { if (fl) fl.remove(); return; }
    if (!fl) { fl = el('p', 'note filter-note'); p.parentNode.insertBefore(fl, p.nextSibling); }
    fl.textContent = 'Filtered view: ' + selText() + '.' +
      (id === 'headline' ? '' : ' The CSV download holds every department, channel and week.');
  }
  function selText() {
    var parts = [sel.d >= 0 ? 'department ' + label(F.departments[sel.d]) : 'every department',
      sel.c >= 0 ? 'channel ' + label(F.channels[sel.c]) : 'every channel', F.periods[sel.p].label.toLowerCase()];
    return parts.join(', ');
  }
  function setTiles(v) {
    var keys = ['kpi', 'customer', 'gap'];
    document.querySelectorAll('#headline .tile').forEach(function (t) {
      var k = keys.indexOf(t.className.replace(/^.*tile-(\w+).*$/, '$1'));
      var parts = { value: t.querySelector('.tile-value'), delta: t.querySelector('.tile-delta'), whole: t.querySelector('.tile-whole') };
      if (!t.__orig) {
        t.__orig = {};
        Object.keys(parts).forEach(function (p) { if (parts[p]) t.__orig[p] = [parts[p].textContent, parts[p].className]; });
      }
      var note = t.querySelector('.tile-filter');
      if (!v) {
        Object.keys(parts).forEach(function (p) { if (parts[p]) { parts[p].textContent = t.__orig[p][0]; parts[p].className = t.__orig[p][1]; } });
        if (note) note.remove();
        return;
      }
      if (k < 0) {
        // a tile the filters do not narrow (the cost of the gap) says so
        if (!note) { note = el('div', 'tile-filter note'); t.appendChild(note); }
        note.textContent = 'Not filtered: every department and channel.';
        return;
      }
      var tile = v.tiles[k];
      parts.value.textContent = tile.text;
      parts.delta.textContent = tile.delta;
      parts.delta.className = 'tile-delta' + (tile.class ? ' ' + tile.class : '');
      if (parts.whole) parts.whole.textContent = tile.whole;
    });
  }
  // Draw a section's chart as the view has it (null: as built).
  function redraw(id, o, height) {
    var s = sections[id];
    if (o) current[id] = Object.assign({}, s, { chart: { kind: s.chart.kind, option: o } }); else delete current[id];
    charts.forEach(function (c) {
      if (c.id !== id) return;
      // a view's own height (the heatmap of fewer departments), else the section's
      var h = (o && height) || s.height;
      if (h && c.el.style.height !== h + 'px') { c.el.style.height = h + 'px'; c.chart.resize(); }
      c.chart.setOption(option(shown(id)), true);
      fitSVG(c.el);
    });
  }
  function applyFilters() {
    if (!F) return;
    var v = F.views[sel.d + '|' + sel.c + '|' + sel.p];
    if (!filtered() || !v) {
      setTiles(null);
      ['headline', 'trend', 'quadrant', 'heatmap'].forEach(function (id) { setFinding(id, null); });
      ['trend', 'quadrant', 'heatmap'].forEach(function (id) { redraw(id, null); });
      return;
    }
    setTiles(v);
    setFinding('headline', v.headline);
    ['trend', 'quadrant', 'heatmap'].forEach(function (id) {
      var s = sections[id];
      if (!s || !s.chart || !s.chart.option) return;
      setFinding(id, v[id]);
      var vc = (v.charts || {})[id];
      // a view with nothing to draw shows an empty chart, not the unfiltered one
      redraw(id, vc ? viewOption(id, vc) : Object.assign(clone(s.chart.option), { series: s.chart.option.series.map(function (se) {
        return Object.assign({}, se, { data: [], markArea: null, markLine: null });
      }) }), vc && vc.height);
    });
  }
  var selects = {};
  if (F) {
    var bar = el('div', 'filters no-print');
    bar.id = 'filters';
    bar.setAttribute('role', 'group');
    bar.setAttribute('aria-label', 'Filters');
    bar.appendChild(el('span', 'filters-label', 'Show'));
    var pick = function (name, text, options) {
      var lab = el('label', null, text + ' ');
      var sl = el('select');
      sl.name = name;
      options.forEach(function (o, i) { var op = el('option', null, o); op.value = String(i); sl.appendChild(op); });
      lab.appendChild(sl);
      bar.appendChild(lab);
      sl.addEventListener('change', function () {
        var i = Number(sl.value);
        if (name === 'dept') sel.d = i - 1; else if (name === 'channel') sel.c = i - 1; else sel.p = i;
        applyFilters();
        writeHash();
      });
      selects[name] = sl;
    };
    pick('dept', 'Department', ['All departments'].concat(F.departments.map(label)));
    pick('channel', 'Channel', ['All channels'].concat(F.channels.map(label)));
    pick('period', 'Period', F.periods.map(function (p) { return p.label; }));
    // the selectors show what the page shows (every week) before any choice
    selects.dept.value = String(sel.d + 1); selects.channel.value = String(sel.c + 1); selects.period.value = String(sel.p);
    var reset = el('button', 'filters-reset', 'Show everything');
    reset.type = 'button';
    reset.addEventListener('click', function () { setSel(-1, -1, F.periods.length - 1); writeHash(); });
    bar.appendChild(reset);
    bar.appendChild(el('span', 'note', 'The tiles, the trend, the quadrant and the heatmap follow the filters.'));
    var hl = document.getElementById('headline');
    hl.parentNode.insertBefore(bar, hl);
  }
  function setSel(d, c, p) {
    sel = { d: d, c: c, p: p };
    if (selects.dept) { selects.dept.value = String(d + 1); selects.channel.value = String(c + 1); selects.period.value = String(p); }
    applyFilters();
  }

  // ---- the URL hash: #drill=KEY&dept=NAME&channel=NAME&period=4w ----
  function writeHash() {
    var parts = [];
    if (filtered()) {
      if (sel.d >= 0) parts.push('dept=' + encodeURIComponent(F.departments[sel.d]));
      if (sel.c >= 0) parts.push('channel=' + encodeURIComponent(F.channels[sel.c]));
      if (sel.p !== F.periods.length - 1) parts.push('period=' + encodeURIComponent(F.periods[sel.p].key));
    }
    if (openKey) parts.push('drill=' + encodeURIComponent(openKey));
    var h = parts.length ? '#' + parts.join('&') : '';
    if (location.hash === h || (!h && !/=/.test(location.hash))) return;
    history.replaceState(null, '', h || location.pathname + location.search);
  }
  function readHash() {
    var h = location.hash.replace(/^#/, '');
    if (h.indexOf('=') < 0) return; // a section anchor
    var kv = {};
    h.split('&').forEach(function (p) {
      var i = p.indexOf('=');
      if (i > 0) {
        try { kv[p.slice(0, i)] = decodeURIComponent(p.slice(i + 1)); } catch (e) { /* a mangled link: ignore the part */ }
      }
    });
    if (F) {
      var p = F.periods.map(function (x) { return x.key; }).indexOf(kv.period);
      setSel(kv.dept != null ? F.departments.indexOf(kv.dept) : -1, kv.channel != null ? F.channels.indexOf(kv.channel) : -1,
        p >= 0 ? p : F.periods.length - 1);
    }
    if (kv.drill && D && D.lists[kv.drill]) {
      var c = null;
      charts.forEach(function (x) { if (kv.drill.indexOf(x.id + '-') === 0) c = x; });
      openDrill(kv.drill, c ? c.el : null);
    } else if (panel) closeDrill();
  }
  window.addEventListener('hashchange', readHash);
  readHash();
  window.__report.drill = { open: openDrill, close: closeDrill, key: function () { return openKey; },
    csv: function () { return openTable ? csv(openTable) : null; }, targets: function (id) {
    var c = null;
    charts.forEach(function (x) { if (x.id === id) c = x; });
    return c ? targetsOf(c) : [];
  } };
  window.__report.filter = function (d, c, p) { setSel(d, c, p); writeHash(); };
})();

// ---- print ----
// Charts are redrawn at the printed width before printing (a screen-wide
// chart shrunk onto paper would have unreadable labels) and back after.
// printReady() resolves, with the number of charts, once nothing has
// redrawn for two frames and every chart shown is drawn at its
// container's size; it rejects naming a chart that is not. The PDF path
// (pdf.go) waits for it before printing.
(function () {
  'use strict';
  var rep = window.__report;
  if (!rep || !rep.charts) return;
  // CSS px of the printed column: A4 or Letter less 12 mm margins
  // (186–192 mm); report.css scales the SVG to the exact width.
  var PRINT_WIDTH = 704;
  var renders = 0;
  rep.charts.forEach(function (c) { c.chart.on('rendered', function () { renders++; }); });
  function redraw(width) {
    rep.charts.forEach(function (c) { c.chart.resize(width ? { width: width } : {}); });
  }
  // Under print layout (the PDF path emulates print media at the paper's
  // width), a table wider than the page is told to break its words
  // anywhere (report.css, table.squeeze) rather than shrink the page.
  function fitTables() {
    if (!window.matchMedia('print').matches) return;
    var width = document.documentElement.clientWidth;
    document.querySelectorAll('table').forEach(function (t) {
      if (t.getBoundingClientRect().right > width + 1) t.classList.add('squeeze');
    });
  }
  window.addEventListener('beforeprint', function () {
    fitTables();
    // Already laid out for print: keep the container's width.
    redraw(window.matchMedia('print').matches ? 0 : PRINT_WIDTH);
  });
  window.addEventListener('afterprint', function () { redraw(); });
  function unfinished() {
    var bad = null;
    rep.charts.some(function (c) {
      if (!c.el.getClientRects().length) return false; // not shown: nothing to print
      var svg = c.el.querySelector('svg');
      var w = c.chart.getWidth(), h = c.chart.getHeight();
      if (!svg || !svg.querySelector('path, text')) bad = 'nothing drawn';
      else if (!(w > 0 && h > 0)) bad = 'drawn at ' + w + '×' + h + ' px';
      else if (Math.abs(w - c.el.clientWidth) > 1 || Math.abs(h - c.el.clientHeight) > 1) {
        bad = 'drawn at ' + w + '×' + h + ' px in a ' + c.el.clientWidth + '×' + c.el.clientHeight + ' px box';
      }
      if (bad) bad = 'chart ' + c.id + ': ' + bad;
      return bad;
    });
    return bad;
  }
  rep.printReady = function () {
    var fonts = document.fonts ? document.fonts.ready : Promise.resolve();
    return fonts.then(function () {
      fitTables();
      return new Promise(function (resolve, reject) {
        var seen = -1;
        (function check() {
          requestAnimationFrame(function () {
            requestAnimationFrame(function () {
              if (renders !== seen) { seen = renders; return check(); }
              var bad = unfinished();
              if (bad) reject(new Error(bad)); else resolve(rep.charts.length);
            });
          });
        })();
      });
    });
  };
})();
