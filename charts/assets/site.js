// gkbench comparison site: draws the charts whose ECharts options the page carries as JSON
// (<script type="application/json" id="gk-charts">), adds the formatters that JSON cannot carry, wires the year
// switch and the highlighted districts (both kept in the address, so a link reopens the same view), opens a
// figure's source trail on click, re-renders charts at print width, and draws the comparison page from its JSON
// (id="gk-data"). Every string shown in a tooltip or table is escaped: names come from crawled documents.
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

  // group puts thousands separators into a formatted number, as charts/format.go group does.
  function group(s) {
    var neg = s.charAt(0) === '-';
    if (neg) s = s.slice(1);
    var parts = s.split('.');
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return (neg ? '-' : '') + parts.join('.');
  }

  // bare and fmt mirror charts/format.go formatBare and formatValue.
  function bare(v, unit) {
    if (!isNum(v)) return '—';
    switch (unit) {
      case '比率': return (v * 100).toFixed(1) + '%';
      case '件': case '项': case '份': return group(Number.isInteger(v) ? String(v) : trim(v.toFixed(2)));
      case '万元': return group(trim(v.toFixed(4)));
      case '百分位': return v.toFixed(0);
      default: return group(v.toFixed(2));
    }
  }

  function fmt(v, unit) {
    var n = bare(v, unit);
    if (n === '—' || unit === '比率' || unit === '百分位' || !unit) return n;
    return n + ' ' + unit;
  }

  function fmtNum(v) {
    if (!isNum(v)) return '—';
    return group(Number.isInteger(v) ? String(v) : trim(v.toFixed(4)));
  }

  function axisFmt(unit) {
    if (unit === '比率') return function (v) { return Math.round(v * 1000) / 10 + '%'; };
    return function (v) { return group(String(v)); };
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
    if (d && d.rankText) out += '<br>' + esc(d.rankText) + (d.rank ? '(同级参与排名 ' + esc(d.peers) + ' 个)' : '');
    if (d && isNum(d.pct)) out += ' · 百分位 ' + esc(Math.round(d.pct)) + '(100 = 最好)';
    if (d && d.version) out += '<br>模板:' + esc(d.version);
    if (d && d.unreliable) out += '<br><b>† 仅供参考,不参与排名</b>';
    if (d && d.flags) out += '<br>' + esc(d.flags);
    if (d && d.link) out += '<br><i>点击查看来源</i>';
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
          if (d.rankText) out += '(' + esc(d.rankText) + ')';
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
          return isNum(v) ? bare(v, unit) + dagger(p.data) : '';
        };
      }
    });
    if (o.visualMap) {
      (Array.isArray(o.visualMap) ? o.visualMap : [o.visualMap]).forEach(function (v) {
        v.formatter = function (x) { return bare(x, unit); };
      });
    }
    if (printing) hideToolbox(o);
    return o;
  }

  function hideToolbox(o) {
    (Array.isArray(o.toolbox) ? o.toolbox : (o.toolbox ? [o.toolbox] : [])).forEach(function (t) { t.show = false; });
  }

  // --- the address: ?year=2023&hl=东湖区,西山区 (and d=…, metric=… on the comparison page) ---

  var params = new URLSearchParams(window.location.search);

  function listParam(name) {
    var v = params.get(name);
    return v ? v.split(',').filter(function (x) { return x; }) : [];
  }

  function saveParams() {
    var q = params.toString();
    var url = window.location.pathname + (q ? '?' + q : '') + window.location.hash;
    try {
      window.history.replaceState(null, '', url);
    } catch (e) { /* file:// in some browsers: the view still works, only the address stays */ }
  }

  var instances = {};
  var specs = {};
  window.gkCharts = instances;
  var printing = false;

  function visible(el) {
    return !!(el && (el.offsetWidth || el.offsetHeight || el.getClientRects().length));
  }

  function draw(spec) {
    var el = document.getElementById(spec.id);
    if (!el) {
      console.error('gkbench: 找不到图表容器 ' + spec.id);
      return;
    }
    specs[spec.id] = spec;
    if (!visible(el)) return; // a further peer group's chart in a year it lacks: drawn when shown
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(prepare(spec, spec.option));
    instances[spec.id] = chart;
    chart.on('click', function (p) {
      var d = p.data || {};
      if (spec.kind === 'trend' && d.key) {
        toggleHighlight(d.key);
        return;
      }
      if (d.link) window.location.href = d.link;
    });
    if (spec.kind === 'trend') applyHighlight();
  }

  // setYear shows year y in every ranking chart and table that has it and hides the rest.
  function setYear(y, select) {
    var id = select.getAttribute('data-chart');
    Object.keys(specs).forEach(function (k) {
      var spec = specs[k];
      if (!spec.years || (k !== id && k.indexOf(id + '-') !== 0)) return;
      var el = document.getElementById(k);
      var box = el && el.closest('.chart-box');
      var has = !!spec.years[y];
      if (box && spec.group) box.hidden = !has;
      if (!has) return;
      if (spec.labels && spec.labels[y] && el) el.setAttribute('aria-label', spec.labels[y]);
      if (!instances[k]) {
        spec.option = spec.years[y];
        draw(spec);
      } else {
        instances[k].setOption(prepare(spec, spec.years[y]), { notMerge: true });
      }
    });
    document.querySelectorAll('[data-year-of="' + id + '"]').forEach(function (t) {
      t.hidden = t.getAttribute('data-year') !== y;
    });
    applyHighlight();
  }

  function wireYear() {
    document.querySelectorAll('select.year-select').forEach(function (select) {
      var want = params.get('year');
      if (want && select.querySelector('option[value="' + CSS.escape(want) + '"]')) {
        select.value = want;
      }
      // Group charts start hidden in years they lack.
      var id = select.getAttribute('data-chart');
      Object.keys(specs).forEach(function (k) {
        var spec = specs[k];
        if (spec.group && k.indexOf(id + '-') === 0) {
          var box = document.getElementById(k).closest('.chart-box');
          if (box) box.hidden = !spec.years[select.value];
        }
      });
      setYear(select.value, select);
      select.addEventListener('change', function () {
        params.set('year', select.value);
        saveParams();
        setYear(select.value, select);
      });
    });
  }

  // --- highlighted districts ---

  var highlighted = listParam('hl');

  function toggleHighlight(key) {
    var i = highlighted.indexOf(key);
    if (i >= 0) highlighted.splice(i, 1); else highlighted.push(key);
    if (highlighted.length) params.set('hl', highlighted.join(',')); else params.delete('hl');
    saveParams();
    applyHighlight();
  }

  function applyHighlight() {
    var any = highlighted.length > 0;
    Object.keys(instances).forEach(function (k) {
      var spec = specs[k];
      if (!spec || spec.kind !== 'trend') return;
      var series = (spec.option.series || []).map(function (s) {
        if (s.gkMedian) return {};
        var on = highlighted.indexOf(s.name) >= 0;
        var color = !any || on ? s.gkColor : '#c8c8c8';
        return {
          lineStyle: { color: color, width: on ? 3.5 : (any ? 1.2 : 2) },
          itemStyle: { color: color },
          z: on ? 5 : 2,
          endLabel: { show: on, formatter: '{a}', color: s.gkColor, fontWeight: 'bold' }
        };
      });
      instances[k].setOption({ series: series });
    });
    document.querySelectorAll('.chip[data-key]').forEach(function (b) {
      b.setAttribute('aria-pressed', String(highlighted.indexOf(b.getAttribute('data-key')) >= 0));
    });
    document.querySelectorAll('tr[data-key], li[data-key]').forEach(function (r) {
      r.classList.toggle('hl', highlighted.indexOf(r.getAttribute('data-key')) >= 0);
    });
  }

  function wireHighlight() {
    document.querySelectorAll('.highlight .chip').forEach(function (b) {
      b.addEventListener('click', function () {
        if (b.getAttribute('data-clear')) {
          highlighted = [];
          params.delete('hl');
          saveParams();
          applyHighlight();
          return;
        }
        toggleHighlight(b.getAttribute('data-key'));
      });
    });
    applyHighlight();
  }

  // --- print: charts re-rendered at the printed width, without the toolbox ---

  function setPrinting(on) {
    if (printing === on) return;
    printing = on;
    Object.keys(instances).forEach(function (k) {
      var inst = instances[k];
      inst.setOption({ toolbox: { show: !on } });
      inst.resize();
    });
  }

  function wirePrint() {
    var mq = window.matchMedia ? window.matchMedia('print') : null;
    if (mq) {
      var onChange = function () { setPrinting(mq.matches); };
      if (mq.addEventListener) mq.addEventListener('change', onChange); else if (mq.addListener) mq.addListener(onChange);
      if (mq.matches) setPrinting(true);
    }
    window.addEventListener('beforeprint', function () { setPrinting(true); });
    window.addEventListener('afterprint', function () { setPrinting(false); });
    window.gkPrintMode = setPrinting; // for the browser test's print emulation
  }

  // --- the comparison page ---

  function compare() {
    var node = document.getElementById('gk-data');
    var form = document.getElementById('compare-form');
    if (!node || !form) return;
    var data = JSON.parse(node.textContent);
    form.addEventListener('submit', function (e) { e.preventDefault(); });
    var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="d"]'));
    var yearSel = form.querySelector('select[name="year"]');
    var metricSel = form.querySelector('select[name="metric"]');
    var status = document.getElementById('compare-status');
    var table = document.getElementById('compare-table');
    var chartEl = document.getElementById('compare-trend');
    var chart = echarts.init(chartEl, null, { renderer: 'canvas' });
    instances['compare-trend'] = chart;
    specs['compare-trend'] = { id: 'compare-trend', kind: 'series', option: {} };
    var chosen = listParam('d').filter(function (k) { return boxes.some(function (b) { return b.value === k; }); });
    if (!chosen.length) {
      chosen = boxes.filter(function (b) { return b.getAttribute('data-default'); }).map(function (b) { return b.value; });
    }
    chosen = chosen.slice(0, data.max);
    var year = params.get('year');
    yearSel.value = year && data.years.indexOf(Number(year)) >= 0 ? year : String(data.years[data.years.length - 1]);
    var metric = params.get('metric');
    var headline = data.metrics.filter(function (m) { return m.headline; })[0] || data.metrics[0];
    metricSel.value = metric && data.metrics.some(function (m) { return m.key === metric; }) ? metric : headline.key;
    var byLabel = {};
    data.entities.forEach(function (e) { byLabel[e.label] = e; });

    function render() {
      boxes.forEach(function (b) {
        b.checked = chosen.indexOf(b.value) >= 0;
        b.disabled = !b.checked && chosen.length >= data.max;
      });
      params.set('d', chosen.join(','));
      params.set('year', yearSel.value);
      params.set('metric', metricSel.value);
      saveParams();
      status.textContent = chosen.length < 2 ? '请至少选择 2 个区(最多 ' + data.max + ' 个)。' :
        '已选 ' + chosen.length + ' 个区,' + yearSel.value + ' 年。';
      var y = yearSel.value;
      var head = '<tr><th scope="col">指标</th>' + chosen.map(function (k) {
        var e = byLabel[k];
        return '<th scope="col"><a href="' + esc(e.page) + '"><span class="swatch" style="background:' + esc(e.color) + '"></span>' + esc(k) + '</a></th>';
      }).join('') + '</tr>';
      var body = '';
      var cat = '';
      data.metrics.forEach(function (m) {
        var vals = data.values[m.key] || {};
        if (!chosen.some(function (k) { return vals[k] && vals[k][y]; })) return;
        if (m.category !== cat) {
          cat = m.category;
          body += '<tr class="group"><th colspan="' + (chosen.length + 1) + '" scope="colgroup">' + esc(cat) + '</th></tr>';
        }
        body += '<tr><th scope="row"><a href="' + esc(m.page) + '">' + esc(m.name) + '</a></th>' + chosen.map(function (k) {
          var c = vals[k] && vals[k][y];
          if (!c) return '<td class="num na">—</td>';
          var v = '<span class="v' + (c.u ? ' unreliable' : '') + '">' + esc(c.t) + (c.u ? '<sup class="dagger">†</sup>' : '') + '</span>';
          if (c.l) v = '<a class="src-link" href="' + esc(c.l) + '">' + v + '</a>';
          if (c.r) v += '<span class="sub">' + esc(c.r) + '</span>';
          if (c.c) v += '<span class="sub change ' + esc(c.k || '') + '">' + (c.a ? '<span class="arrow">' + esc(c.a) + '</span>' : '') + esc(c.c) + '</span>';
          return '<td class="num">' + v + '</td>';
        }).join('') + '</tr>';
      });
      table.querySelector('thead').innerHTML = head;
      table.querySelector('tbody').innerHTML = body;
      table.querySelector('caption').textContent = '所选各区 ' + y + ' 年的指标比较(点击数值查看来源)';
      var m = data.metrics.filter(function (x) { return x.key === metricSel.value; })[0];
      var vals = data.values[m.key] || {};
      var option = {
        backgroundColor: '#ffffff',
        animation: false,
        title: { text: m.name + ' 历年走势', subtext: '单位:' + (m.unit === '比率' ? '%' : m.unit) + ' · 空心点:仅供参考', left: 'center', top: 6 },
        tooltip: { trigger: 'axis', confine: true },
        legend: { bottom: 22 },
        grid: { left: 12, right: 40, top: 70, bottom: 64, containLabel: true },
        toolbox: { show: !printing, right: 10, top: 4, feature: { saveAsImage: { title: '保存为图片', pixelRatio: 2, backgroundColor: '#ffffff', name: 'compare-' + m.key } } },
        xAxis: { type: 'category', data: data.years.map(String), name: '年度' },
        yAxis: { type: 'value', name: m.unit === '比率' ? '%' : m.unit },
        graphic: [{ type: 'text', left: 8, bottom: 4, silent: true, style: { text: '来源:各机关《政府信息公开工作年度报告》,gkbench 整理 · ' + data.years[0] + '–' + data.years[data.years.length - 1] + ' 年' + (data.sample ? ' · 示例数据,非真实情况' : ''), fill: '#555555', fontSize: 11 } }],
        series: chosen.map(function (k) {
          var e = byLabel[k];
          return {
            name: k, type: 'line', connectNulls: false, lineStyle: { color: e.color, width: 2.5 }, itemStyle: { color: e.color },
            data: data.years.map(function (yy) {
              var c = vals[k] && vals[k][String(yy)];
              return c ? { value: c.v, rankText: c.r, unreliable: c.u, link: c.l, year: yy, symbol: c.u ? 'emptyCircle' : 'circle', symbolSize: c.u ? 9 : 6 } : { value: '-', year: yy };
            })
          };
        })
      };
      var spec = { id: 'compare-trend', kind: 'series', unit: m.unit, option: option };
      specs['compare-trend'] = spec;
      chart.setOption(prepare(spec, option), { notMerge: true });
      chartEl.setAttribute('aria-label', m.name + '历年走势:' + chosen.join('、'));
    }
    boxes.forEach(function (b) {
      b.addEventListener('change', function () {
        var i = chosen.indexOf(b.value);
        if (b.checked && i < 0 && chosen.length < data.max) chosen.push(b.value);
        if (!b.checked && i >= 0) chosen.splice(i, 1);
        render();
      });
    });
    yearSel.addEventListener('change', render);
    metricSel.addEventListener('change', render);
    chart.on('click', function (p) { if (p.data && p.data.link) window.location.href = p.data.link; });
    render();
  }

  function start() {
    if (typeof echarts === 'undefined') {
      console.error('gkbench: ECharts 未加载');
      return;
    }
    var node = document.getElementById('gk-charts');
    var list = node ? JSON.parse(node.textContent) : [];
    list.forEach(function (s) {
      try {
        draw(s);
      } catch (e) {
        console.error('gkbench: 图表 ' + s.id + ' 绘制失败: ' + e);
      }
    });
    wireYear();
    wireHighlight();
    try {
      compare();
    } catch (e) {
      console.error('gkbench: 比较页绘制失败: ' + e);
    }
    wirePrint();
    window.addEventListener('resize', function () {
      Object.keys(instances).forEach(function (k) { instances[k].resize(); });
    });
    document.documentElement.setAttribute('data-charts-ready', String(Object.keys(instances).length));
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
