// gkbench comparison site: draws the charts whose ECharts options the page carries as JSON
// (<script type="application/json" id="gk-charts">), adds the formatters that JSON cannot carry, and
// wires the year switch of ranking charts. Every string shown in a tooltip is escaped: names come from
// crawled documents.
(function () {
  'use strict';

  var esc = function (s) {
    return String(s === undefined || s === null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  };

  function trim(s) {
    return s.indexOf('.') < 0 ? s : s.replace(/0+$/, '').replace(/\.$/, '');
  }

  function isNum(v) {
    return typeof v === 'number' && isFinite(v);
  }

  // The same rules as charts/format.go formatValue.
  function fmt(v, unit) {
    if (!isNum(v)) return '—';
    switch (unit) {
      case '比率': return (v * 100).toFixed(1) + '%';
      case '件': case '项': case '份': return Number.isInteger(v) ? String(v) : trim(v.toFixed(2));
      case '万元': return trim(v.toFixed(4));
      case '百分位': return v.toFixed(0);
      default: return v.toFixed(2);
    }
  }

  function fmtNum(v) {
    if (!isNum(v)) return '—';
    return Number.isInteger(v) ? String(v) : trim(v.toFixed(4));
  }

  function axisFmt(unit) {
    if (unit === '比率') return function (v) { return Math.round(v * 1000) / 10 + '%'; };
    return function (v) { return String(v); };
  }

  function dagger(d) {
    return d && d.unreliable ? ' †' : '';
  }

  function detail(d) {
    var out = '';
    if (d && (d.num !== undefined || d.den !== undefined)) {
      out += '<br>分子 ' + esc(fmtNum(d.num));
      if (d.den !== undefined) out += ' · 分母 ' + esc(fmtNum(d.den));
    }
    if (d && d.rank) out += '<br>第 ' + esc(d.rank) + ' 名 / 同级 ' + esc(d.peers) + ' 个';
    if (d && isNum(d.pct)) out += ' · 百分位 ' + esc(Math.round(d.pct));
    if (d && d.version) out += '<br>模板:' + esc(d.version);
    if (d && d.unreliable) out += '<br><b>† 仅供参考</b>';
    if (d && d.flags) out += '<br>' + esc(d.flags);
    return out;
  }

  var tooltips = {
    ranking: function (unit) {
      return function (p) {
        var d = p.data || {};
        return '<b>' + esc(d.name || p.name) + '</b> ' + esc(d.year) + ' 年<br>' +
          esc(fmt(p.value, unit)) + dagger(d) + detail(d);
      };
    },
    heatmap: function (unit) {
      return function (p) {
        var d = p.data || {};
        var v = d.value ? d.value[2] : undefined;
        if (!isNum(v)) return '<b>' + esc(d.name) + '</b> ' + esc(d.year) + ' 年<br>无数值';
        return '<b>' + esc(d.name) + '</b> ' + esc(d.year) + ' 年<br>' + esc(fmt(v, unit)) + dagger(d) + detail(d);
      };
    },
    trend: function (unit) { return tooltips.series(unit); },
    series: function (unit) {
      return function (ps) {
        if (!ps || !ps.length) return '';
        var rows = ps.filter(function (p) { return isNum(p.value); });
        rows.sort(function (a, b) { return b.value - a.value; });
        var head = (ps[0].data && ps[0].data.year) || String(ps[0].axisValueLabel || ps[0].name).split('\n')[0];
        var out = '<b>' + esc(head) + ' 年</b>';
        rows.forEach(function (p) {
          var d = p.data || {};
          out += '<br>' + p.marker + esc(p.seriesName) + ':' + esc(fmt(p.value, unit)) + dagger(d);
          if (d.num !== undefined && d.den !== undefined) out += '(' + esc(fmtNum(d.num)) + ' / ' + esc(fmtNum(d.den)) + ')';
          if (d.rank) out += '(第 ' + esc(d.rank) + '/' + esc(d.peers) + ')';
          if (d.version && d.version.indexOf('2019') === 0) out += ' [2019版]';
        });
        return out;
      };
    }
  };

  // prepare fills in what the JSON option cannot hold: formatters.
  function prepare(spec, option) {
    var o = JSON.parse(JSON.stringify(option));
    var unit = spec.unit;
    var tip = tooltips[spec.kind] || tooltips.series;
    o.tooltip = o.tooltip || {};
    o.tooltip.formatter = tip(unit);
    o.tooltip.confine = true;
    ['xAxis', 'yAxis'].forEach(function (k) {
      var axes = o[k];
      if (!axes) return;
      (Array.isArray(axes) ? axes : [axes]).forEach(function (a) {
        if (a.type === 'value') {
          a.axisLabel = a.axisLabel || {};
          a.axisLabel.formatter = axisFmt(unit);
        }
      });
    });
    (o.series || []).forEach(function (s) {
      if (spec.kind === 'ranking' && s.label) {
        s.label.formatter = function (p) { return fmt(p.value, unit) + dagger(p.data); };
      }
      if (spec.kind === 'heatmap' && s.label) {
        s.label.formatter = function (p) {
          var v = p.value ? p.value[2] : undefined;
          return isNum(v) ? fmt(v, unit) + dagger(p.data) : '';
        };
      }
      if (spec.kind === 'ranking' && s.markLine && s.markLine.label) {
        s.markLine.label.formatter = function (p) { return '中位数 ' + fmt(p.value, unit); };
      }
    });
    if (o.visualMap) {
      (Array.isArray(o.visualMap) ? o.visualMap : [o.visualMap]).forEach(function (v) {
        v.formatter = function (x) { return fmt(x, unit); };
      });
    }
    return o;
  }

  var instances = {};
  window.gkCharts = instances;

  function draw(spec) {
    var el = document.getElementById(spec.id);
    if (!el) {
      console.error('gkbench: 找不到图表容器 ' + spec.id);
      return;
    }
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(prepare(spec, spec.option));
    instances[spec.id] = chart;
    if (!spec.years) return;
    var select = document.querySelector('select[data-chart="' + spec.id + '"]');
    if (!select) return;
    select.addEventListener('change', function () {
      var y = select.value;
      if (!spec.years[y]) return;
      chart.setOption(prepare(spec, spec.years[y]), { notMerge: true });
      document.querySelectorAll('[data-year-of="' + spec.id + '"]').forEach(function (t) {
        t.hidden = t.getAttribute('data-year') !== y;
      });
    });
  }

  function start() {
    var node = document.getElementById('gk-charts');
    if (!node || typeof echarts === 'undefined') {
      if (node) console.error('gkbench: ECharts 未加载');
      return;
    }
    var specs = JSON.parse(node.textContent);
    specs.forEach(function (s) {
      try {
        draw(s);
      } catch (e) {
        console.error('gkbench: 图表 ' + s.id + ' 绘制失败: ' + e);
      }
    });
    var resize = function () {
      Object.keys(instances).forEach(function (k) { instances[k].resize(); });
    };
    window.addEventListener('resize', resize);
    window.addEventListener('beforeprint', resize);
    window.addEventListener('afterprint', resize);
    document.documentElement.setAttribute('data-charts-ready', String(specs.length));
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
