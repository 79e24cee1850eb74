// Test-only (Options.SelfTest): records console errors, uncaught errors and
// CSP violations from the start, then checks that every chart drew and
// that nothing from the data became markup, and writes the verdict as JSON
// into <pre id="selftest"> for the headless-browser test to read.
(function () {
  'use strict';
  var errors = [];
  var origError = console.error;
  console.error = function () {
    errors.push(Array.prototype.map.call(arguments, String).join(' '));
    return origError.apply(console, arguments);
  };
  window.addEventListener('error', function (e) {
    errors.push('uncaught: ' + (e.message || (e.target && e.target.tagName) || 'error'));
  }, true);
  window.addEventListener('unhandledrejection', function (e) { errors.push('unhandled rejection: ' + e.reason); });
  document.addEventListener('securitypolicyviolation', function (e) {
    errors.push('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI);
  });

  function drawn(el) {
    var svg = el.querySelector('svg');
    if (svg) {
      var shapes = svg.querySelectorAll('path, rect, circle, text, polyline, polygon, line');
      var r = svg.getBoundingClientRect();
      return { renderer: 'svg', shapes: shapes.length, width: r.width, height: r.height };
    }
    var cv = el.querySelector('canvas');
    if (cv) {
      var d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data, n = 0;
      for (var i = 3; i < d.length; i += 16) if (d[i] !== 0) n++;
      return { renderer: 'canvas', shapes: n, width: cv.width, height: cv.height };
    }
    return { renderer: 'none', shapes: 0, width: 0, height: 0 };
  }

  function wait(ms) { return new Promise(function (r) { setTimeout(r, ms || 40); }); }
  function text(root, sel) { var e = root && root.querySelector(sel); return e ? e.textContent : null; }
  function panelState() {
    var p = document.getElementById('drill');
    if (!p) return null;
    return { key: p.getAttribute('data-key'), title: text(p, '#drill-title'), count: text(p, '.drill-count'),
      filterNote: !!p.querySelector('.drill-filter'),
      rows: Array.prototype.map.call(p.querySelectorAll('tbody tr:not(.drill-timeline)'), function (tr) { return tr.children[1].textContent; }) };
  }
  function active(c) { return document.activeElement === c.el ? 'chart' : document.activeElement ? document.activeElement.tagName : null; }
  // A pointer click at the centre of a chart element, through echarts'
  // own event handling (zrender hit-tests the point).
  function click(c, t) {
    var se = c.chart.getModel().getSeriesByIndex(t.seriesIndex), g;
    if (t.dataType === 'edge') g = se.getGraph().getEdgeByIndex(t.dataIndex).getGraphicEl();
    else g = se.getData().getItemGraphicEl(t.dataIndex);
    if (!g) return false;
    var r = g.getBoundingRect().clone();
    if (g.transform) r.applyTransform(g.transform);
    var box = c.el.getBoundingClientRect(), x = box.left + r.x + r.width / 2, y = box.top + r.y + r.height / 2;
    var root = c.chart.getZr().painter.getViewportRoot();
    var o = { clientX: x, clientY: y, bubbles: true, cancelable: true, view: window, button: 0, pointerId: 1, pointerType: 'mouse', isPrimary: true };
    ['pointermove', 'mousemove', 'pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click'].forEach(function (type) {
      var E = /^pointer/.test(type) && window.PointerEvent ? PointerEvent : MouseEvent;
      root.dispatchEvent(new E(type, o));
    });
    return true;
  }
  function key(target, k) { target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true })); }
  function tiles() {
    return Array.prototype.map.call(document.querySelectorAll('#headline .tile'), function (t) {
      return [text(t, '.tile-value'), text(t, '.tile-delta'), text(t, '.tile-whole'), !!t.querySelector('.tile-filter')];
    });
  }
  function findings() {
    var o = {};
    ['headline', 'trend', 'quadrant', 'heatmap'].forEach(function (id) { o[id] = text(document.getElementById(id), '.finding'); });
    return o;
  }
  // The drill-down and filter scenario: what a user does, read back from
  // the DOM for the browser tests to compare with the model.
  function scenario(rep) {
    var sc = { initial: { hash: location.hash, panel: panelState(), tiles: tiles(), findings: findings(),
      selects: Array.prototype.map.call(document.querySelectorAll('#filters select'), function (s) { return s.options[s.selectedIndex] ? s.options[s.selectedIndex].text : ''; }) }, clicks: [], keys: [], filters: [] };
    var M = JSON.parse(document.getElementById('report-model').textContent), F = M.filters, byId = {};
    (M.main || []).concat(M.journeys || []).forEach(function (x) { byId[x.id] = x; });
    var keyOf = function (c, t) { return (rep.current[c.id] || byId[c.id]).drill[t.row]; };
    var drillable = rep.charts.filter(function (c) { return rep.drill && rep.drill.targets(c.id).length; });
    var chain = Promise.resolve();
    drillable.forEach(function (c) {
      chain = chain.then(function () {
        if (rep.drill.key()) rep.drill.close();
        var ts = rep.drill.targets(c.id), t = ts[0];
        if (c.kind !== 'sankey') click(c, t); // a Sankey's links overlap: its click is tested by key below
        return wait().then(function () {
          var got = panelState();
          if (got) key(document, 'Escape');
          return wait().then(function () {
            sc.clicks.push({ id: c.id, kind: c.kind, want: keyOf(c, t), skipped: c.kind === 'sankey', panel: got, closed: !document.getElementById('drill'), focus: active(c) });
          });
        }).then(function () {
          // by keyboard: focus the chart, two steps right, Enter
          c.el.focus({ preventScroll: true });
          key(c.el, 'ArrowRight');
          key(c.el, 'ArrowRight');
          key(c.el, 'Enter');
          return wait();
        }).then(function () {
          var got = panelState();
          if (got) got.csv = rep.drill.csv();
          var exp = document.getElementById('drill') ? document.getElementById('drill').querySelector('.drill-expand') : null;
          if (exp) exp.click();
          return wait(80).then(function () {
            var svg = document.querySelector('#drill .drill-timeline svg');
            var shapes = svg ? svg.querySelectorAll('path, text').length : 0;
            key(document.activeElement || document, 'Escape');
            return wait().then(function () {
              sc.keys.push({ id: c.id, want: keyOf(c, ts[Math.min(1, ts.length - 1)]), panel: got, timelineShapes: shapes,
                closed: !document.getElementById('drill'), focus: active(c) });
            });
          });
        });
      });
    });
    chain = chain.then(function () {
      // a list cut at drill_top says so
      var lists = M.drill ? M.drill.lists : {}, cut = null;
      Object.keys(lists).sort().some(function (k) { if (lists[k].total > lists[k].rows.length) { cut = k; return true; } return false; });
      if (cut) rep.drill.open(cut);
      sc.cut = panelState();
      rep.drill.close();
    });
    if (F) {
      var sels = [], last = F.periods.length - 1;
      F.departments.forEach(function (_, d) { sels.push([d, -1, last]); });
      F.channels.forEach(function (_, c) { sels.push([-1, c, last]); });
      for (var p = 0; p < last; p++) sels.push([-1, -1, p]);
      sels.push([0, 0, 0]);
      sels.push([F.departments.length - 1, F.channels.length - 1, 1]);
      sels.push([-1, -1, last]);
      sels.forEach(function (s) {
        chain = chain.then(function () {
          // as a user does: change the selectors
          var set = function (name, v) {
            var el = document.querySelector('#filters select[name=' + name + ']');
            if (el.value !== String(v)) { el.value = String(v); el.dispatchEvent(new Event('change', { bubbles: true })); }
          };
          set('dept', s[0] + 1);
          set('channel', s[1] + 1);
          set('period', s[2]);
          return wait();
        }).then(function () {
          // the option each filtered chart was drawn with (before the page's
          // tooltip and label functions are set on a copy)
          var options = {};
          ['trend', 'quadrant', 'heatmap'].forEach(function (id) { options[id] = rep.current[id] ? rep.current[id].chart.option : null; });
          sc.filters.push({ sel: s, hash: location.hash, tiles: tiles(), findings: findings(), options: options });
          // a filtered quadrant's points open their lists too
          var q = drillable.filter(function (c) { return c.id === 'quadrant'; })[0];
          if (s[0] === 0 && s[1] === 0 && s[2] === 0 && q && rep.drill.targets('quadrant').length) {
            var t = rep.drill.targets('quadrant')[0];
            click(q, t);
            return wait().then(function () {
              sc.filteredClick = { want: keyOf(q, t), panel: panelState(), hash: location.hash };
              rep.drill.close();
            });
          }
        });
      });
    }
    return chain.then(function () {
      // leave a panel open with a timeline, so that the checks below
      // cover it (hostile text must stay text there too)
      var c = drillable[0];
      if (c) {
        rep.drill.open(keyOf(c, rep.drill.targets(c.id)[0]));
        var exp = document.querySelector('#drill .drill-expand');
        if (exp) exp.click();
      }
      window.scrollTo(0, 0); // focusing the charts scrolled to them
      return wait(80);
    }).then(function () { return sc; });
  }

  function run() {
    var rep = window.__report || { charts: [] };
    var done = function (sc) { check(rep, sc); };
    if (rep.drill || rep.filter) scenario(rep).then(done, function (e) { errors.push('scenario: ' + e); done(null); });
    else done(null);
  }

  function check(rep, scenarioResult) {
    var out = { errors: errors, charts: [], tooltips: 0, csv: {}, scenario: scenarioResult };
    rep.charts.forEach(function (c) {
      var d = drawn(c.el);
      d.id = c.id;
      d.kind = c.kind;
      // Show a tooltip for the first items of every series so that the
      // tooltip formatters run on the (possibly hostile) data.
      var opt = c.chart.getOption();
      (opt.series || []).forEach(function (s, si) {
        for (var di = 0; di < 3; di++) {
          try {
            c.chart.dispatchAction({ type: 'showTip', seriesIndex: si, dataIndex: di });
            var tt = c.el.querySelector('div[style*="z-index: 9999999"]') || c.el.lastElementChild;
            if (tt && tt.textContent) out.tooltips++;
          } catch (e) { errors.push('showTip ' + c.id + ': ' + e); }
        }
      });
      c.chart.dispatchAction({ type: 'hideTip' });
      out.charts.push(d);
    });
    document.querySelectorAll('button.csv[data-section]').forEach(function (b) {
      var id = b.getAttribute('data-section');
      try { out.csv[id] = rep.csv(id).length; } catch (e) { errors.push('csv ' + id + ': ' + e); }
    });
    out.chartDivs = document.querySelectorAll('.chart[data-section]').length;
    var count = function (sel) { return document.querySelectorAll(sel).length; };
    out.elements = { script: count('script'), img: count('img'), iframe: count('iframe'), object: count('object'),
      embed: count('embed'), form: count('form'), link: count('link'), a: count('a'), style: count('style'),
      svgScript: count('svg script'), foreignObject: count('foreignObject') };
    var handlers = [], jsURLs = [];
    document.querySelectorAll('*').forEach(function (el) {
      for (var i = 0; i < el.attributes.length; i++) {
        var a = el.attributes[i];
        if (/^on/i.test(a.name)) handlers.push(el.tagName + '[' + a.name + ']');
        if (/^\s*javascript:/i.test(a.value)) jsURLs.push(el.tagName + '[' + a.name + ']');
      }
    });
    out.handlerAttributes = handlers;
    out.javascriptURLs = jsURLs;
    out.pwned = window.__pwned || 0;
    out.title = document.title;
    out.scrollY = window.scrollY;
    out.overflowX = document.documentElement.scrollWidth - document.documentElement.clientWidth;
    var pre = document.getElementById('selftest');
    pre.textContent = JSON.stringify(out);
  }
  window.addEventListener('load', function () { setTimeout(run, 1500); });
})();
