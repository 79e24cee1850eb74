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

  function run() {
    var out = { errors: errors, charts: [], tooltips: 0, csv: {} };
    var rep = window.__report || { charts: [] };
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
    out.overflowX = document.documentElement.scrollWidth - document.documentElement.clientWidth;
    var pre = document.getElementById('selftest');
    pre.textContent = JSON.stringify(out);
  }
  window.addEventListener('load', function () { setTimeout(run, 1500); });
})();
