/* headroom report page: draws the payload in #headroom-data (src/html/payload.ts) with uPlot. Plain browser script,
 * no modules and no network: every string from the data is written as text (textContent / append), never as HTML. */
;(function () {
  'use strict'
  var D = JSON.parse(document.getElementById('headroom-data').textContent)
  var app = document.getElementById('app')
  var charts = []
  var firstChart = false

  function h(tag, props) {
    var e = document.createElement(tag)
    if (props)
      Object.keys(props).forEach(function (k) {
        var v = props[k]
        if (v === undefined || v === null || v === false) return
        if (k === 'class') e.className = v
        else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), v)
        else e.setAttribute(k, v)
      })
    for (var i = 2; i < arguments.length; i++) add(e, arguments[i])
    return e
  }
  function add(e, c) {
    if (c === undefined || c === null || c === false) return
    if (Array.isArray(c)) c.forEach(function (x) { add(e, x) })
    else e.append(c instanceof Node ? c : String(c))
  }
  function usd(x) {
    return x === null || x === undefined ? '—' : (x < 0 ? '-$' : '$') + Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
  }
  function num(x, d) {
    if (x === null || x === undefined) return '—'
    return Number(x).toLocaleString('en-US', { maximumFractionDigits: d === undefined ? 2 : d })
  }
  /** Seconds for uPlot's time axis from delta-encoded times (src/html/payload.ts, times). */
  function seconds(T) {
    var out = new Array(T.d.length), t = T.t0 / 1000
    for (var i = 0; i < T.d.length; i++) out[i] = t += T.d[i]
    return out
  }
  function day(ms) {
    return new Date(ms).toISOString().slice(0, 16).replace('T', ' ')
  }

  // ---- the summary view (src/reporters/view.ts): text, tables, pairs, lists --------------------------------------
  /** Plain text the views write for Markdown: `[title](https://...)` becomes a link (https only), `code` a code span. */
  function text(x) {
    var m = /^\[([^\]]+)\]\((https:\/\/[^\s)]+)\)$/.exec(x)
    if (m) return h('a', { href: m[2], rel: 'noopener noreferrer', target: '_blank' }, m[1])
    if (x.indexOf('`') < 0) return x
    return x.split('`').map(function (part, i) { return i % 2 ? h('code', null, part) : part })
  }
  function inline(x) {
    if (typeof x === 'string') return text(x)
    return x.map(function (s) { return h('span', { class: s.tone ? 't-' + s.tone : null }, s.text) })
  }
  function viewBlocks(view) {
    var out = [h('p', { class: 'lead' }, view.lead.map(function (l) { return h('span', null, inline(l), h('br')) }))]
    view.sections.forEach(function (s) {
      var sec = h('section', { class: 'view' })
      if (s.title !== undefined) sec.append(h(s.level === 3 ? 'h3' : 'h2', null, s.title))
      s.blocks.forEach(function (b) {
        if (b.type === 'text') sec.append(h('p', { class: b.tone ? 't-' + b.tone : null }, inline(b.text)))
        else if (b.type === 'list') sec.append(h('ul', null, b.items.map(function (i) { return h('li', null, inline(i)) })))
        else if (b.type === 'pairs')
          sec.append(h('table', { class: 'pairs' }, b.head ? h('thead', null, h('tr', null, h('th', null, b.head[0]), h('th', null, b.head[1]))) : null,
            h('tbody', null, b.rows.map(function (r) { return h('tr', null, h('th', null, r[0]), h('td', { class: 'r' }, inline(r[1]))) }))))
        else
          sec.append(h('div', { class: 'scroll' }, h('table', null, h('thead', null, h('tr', null, b.head.map(function (c) { return h('th', null, c) }))),
            h('tbody', null, b.rows.map(function (r) {
              return h('tr', null, r.map(function (c, i) { return h('td', { class: b.align && b.align[i] === 'r' ? 'r' : null }, inline(c)) }))
            })))))
      })
      out.push(sec)
    })
    return out
  }

  // ---- charts -------------------------------------------------------------------------------------------------------
  var COLORS = { value: '#1f77b4', demand: '#ff7f0e', need: '#d62728', current: '#555', option: '#2ca02c' }
  var PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f', '#d62728']
  function plot(box, opts, data) {
    var u = new uPlot(Object.assign({ width: Math.max(320, box.clientWidth || 800), height: 280 }, opts), data, box)
    charts.push(u)
    if (!firstChart) {
      firstChart = true
      performance.mark('headroom:first-chart')
    }
    document.body.setAttribute('data-charts', String(charts.length))
    return u
  }
  function chartBox(title, sub) {
    var box = h('div', { class: 'chart' })
    return { el: h('figure', null, h('figcaption', null, h('strong', null, title), sub ? h('span', { class: 't-dim' }, ' ' + sub) : null), box), box: box }
  }
  /** Union of the x values of several curves, each curve's y aligned to it (null where it has no point). */
  function align(curves) {
    var xs = {}
    curves.forEach(function (c) { c.x.forEach(function (x) { xs[x] = true }) })
    var x = Object.keys(xs).map(Number).sort(function (a, b) { return a - b })
    var ys = curves.map(function (c) {
      var m = {}
      c.x.forEach(function (v, i) { m[v] = c.y[i] })
      return x.map(function (v) { return v in m ? m[v] : null })
    })
    return [x].concat(ys)
  }
  window.addEventListener('resize', function () {
    charts.forEach(function (u) {
      var w = u.root.parentElement.clientWidth
      if (w > 0) u.setSize({ width: w, height: u.height })
    })
  })

  // ---- analysis: fleet, table, resources -----------------------------------------------------------------------------
  function bars(title, rows, value, label) {
    var max = Math.max.apply(null, rows.map(value).concat([1e-9]))
    return h('div', { class: 'bars' }, h('h3', null, title), rows.map(function (r) {
      var bar = h('span', { class: 'bar' })
      bar.style.width = ((value(r) / max) * 100).toFixed(1) + '%'
      return h('div', { class: 'barrow' }, h('span', { class: 'barlabel' }, r.name), h('span', { class: 'bartrack' }, bar), h('span', { class: 'barvalue' }, label(r)))
    }))
  }
  function fleetPage(A) {
    var t = A.totals
    var cards = h('div', { class: 'cards' },
      card('Now', usd(t.current) + '/month', t.resources + ' resources'),
      card('Recommended', usd(t.recommended) + '/month', t.recommendations + ' recommendations'),
      card('Savings', usd(t.savings) + '/month', 'the best action per resource, counted once'),
      card('Upsizing', usd(t.upsizing) + '/month', 'to fix under-provisioned resources'),
      t.unpriced ? card('Unpriced', String(t.unpriced), 'resources without a price') : null)
    var dist = function (title, obj) {
      var rows = Object.keys(obj).map(function (k) { return { name: k, n: obj[k] } })
      return bars(title, rows, function (r) { return r.n }, function (r) { return String(r.n) })
    }
    return h('div', null, D.api ? settingsForm(A.settings) : null, cards,
      h('div', { class: 'grid2' },
        bars('Monthly cost by service (resource kind)', A.byService, function (r) { return r.current }, function (r) { return usd(r.current) + ' · saves ' + usd(r.savings) }),
        bars('Monthly savings by analyzer', A.byAnalyzer, function (r) { return r.savings }, function (r) { return usd(r.savings) + ' of ' + usd(r.current) + ' (' + r.recommendations + ')' }),
        dist('Findings', A.byFinding),
        dist('Current performance risk', A.byRisk)),
      table(A))
  }
  /** `headroom serve`: analyze again with another percentile or headroom, from the server's API (same origin, token). */
  function settingsForm(S) {
    var status = h('span', { class: 't-dim', id: 'analyze-status' })
    var pct = h('select', { id: 'set-percentile' }, S.percentiles.map(function (p) { return h('option', { value: p, selected: p === S.percentile ? 'selected' : null }, p) }))
    var hr = h('input', { id: 'set-headroom', type: 'number', min: '0', max: '100', step: '1', value: S.headroomPct === null ? '' : String(S.headroomPct) })
    var go = h('button', { id: 'analyze-again', type: 'button', onclick: function () {
      go.disabled = true
      status.textContent = 'analyzing…'
      var q = new URLSearchParams({ percentile: pct.value, headroom: hr.value })
      fetch('/api/analysis?' + q.toString(), { headers: { 'X-Headroom-Token': new URLSearchParams(location.search).get('token') || '' } })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body } }) })
        .then(function (x) {
          if (!x.ok) throw new Error(x.body.error + (x.body.hint ? ' (' + x.body.hint + ')' : ''))
          D = x.body
          title.textContent = D.title
          route()
          var s = document.getElementById('analyze-status')
          if (s) s.textContent = 'analyzed again at ' + pct.value + ', ' + hr.value + '% headroom'
        })
        .catch(function (e) { status.textContent = 'failed: ' + e.message; go.disabled = false })
    } }, 'Analyze again')
    return h('div', { class: 'controls settings' }, h('label', null, 'percentile ', pct), h('label', null, 'headroom % ', hr), go, status)
  }
  function card(label, value, sub) {
    return h('div', { class: 'card' }, h('div', { class: 'card-label' }, label), h('div', { class: 'card-value' }, value), h('div', { class: 't-dim' }, sub))
  }
  var LIMIT = 500
  function table(A) {
    var paged = {}
    A.resources.forEach(function (r) { paged[r.id] = true })
    var state = { col: 8, dir: -1, q: '', finding: '' }
    var numeric = A.columns.map(function (_, i) { return A.rows.some(function (r) { return typeof r[i] === 'number' }) })
    var tbody = h('tbody')
    var count = h('span', { class: 't-dim', id: 'table-count' })
    var head = h('tr', null, A.columns.map(function (c, i) {
      return h('th', { class: (numeric[i] ? 'r ' : '') + 'sortable', 'data-col': String(i), onclick: function () {
        state.dir = state.col === i ? -state.dir : numeric[i] ? -1 : 1
        state.col = i
        draw()
      } }, c)
    }))
    var findings = Object.keys(A.byFinding)
    var select = h('select', { id: 'table-finding', onchange: function (e) { state.finding = e.target.value; draw() } },
      h('option', { value: '' }, 'every finding'), findings.map(function (f) { return h('option', { value: f }, f) }))
    var input = h('input', { id: 'table-filter', type: 'search', placeholder: 'filter: id, type, analyzer…', oninput: function (e) { state.q = e.target.value.toLowerCase(); draw() } })
    function draw() {
      var rows = A.rows.filter(function (r) {
        if (state.finding && r[3] !== state.finding) return false
        if (!state.q) return true
        return r.some(function (c) { return c !== null && String(c).toLowerCase().indexOf(state.q) >= 0 })
      })
      var c = state.col
      rows.sort(function (a, b) {
        var x = a[c], y = b[c]
        if (x === null && y === null) return 0
        if (x === null) return 1
        if (y === null) return -1
        return (numeric[c] ? x - y : String(x).localeCompare(String(y))) * state.dir
      })
      Array.prototype.forEach.call(head.children, function (th, i) { th.setAttribute('aria-sort', i === c ? (state.dir > 0 ? 'ascending' : 'descending') : 'none') })
      tbody.replaceChildren.apply(tbody, rows.slice(0, LIMIT).map(function (r) {
        return h('tr', null, r.map(function (v, i) {
          var text = numeric[i] ? (i >= 7 ? usd(v) : num(v)) : v === null ? '—' : String(v)
          return h('td', { class: numeric[i] ? 'r' : null }, i === 0 && paged[v] ? h('a', { href: '#r/' + encodeURIComponent(v) }, text) : text)
        }))
      }))
      count.textContent = rows.length > LIMIT ? 'showing the first ' + LIMIT + ' of ' + rows.length + ' (filter or sort to see others)' : rows.length + ' of ' + A.rows.length
    }
    draw()
    return h('section', null, h('h2', null, 'Every recommendation'), h('div', { class: 'controls' }, input, select, count),
      h('div', { class: 'scroll' }, h('table', { id: 'recs', class: 'recs' }, h('thead', null, head), tbody)))
  }
  function resourcesPage(A) {
    if (!A.resources.length) return h('p', null, 'No resource has stored series to chart (a report from a document alone has none: run `headroom report` in the workspace).')
    return h('div', null, h('p', null, 'The ' + A.resources.length + ' resources with a page: sized ones, those to up- or downsize first, by the size of the monthly change either way.' +
      (A.unshown ? ' ' + A.unshown + ' other recommendations are in the Fleet table.' : '')),
      h('ul', { class: 'reslist' }, A.resources.map(function (r) {
        return h('li', null, h('a', { href: '#r/' + encodeURIComponent(r.id) }, r.id), ' ', h('span', { class: 't-dim' }, r.finding + ' · ' + r.current + (r.recommended ? ' → ' + r.recommended : '')))
      })))
  }
  function resourcePage(r) {
    var out = h('div', null,
      h('h2', null, r.id, h('span', { class: 't-dim' }, ' ' + r.kind + ' · ' + r.analyzer)),
      h('p', { class: 'summary' }, r.summary),
      h('table', { class: 'pairs' }, h('tbody', null,
        h('tr', null, h('th', null, 'Finding'), h('td', null, r.finding)),
        h('tr', null, h('th', null, 'Current performance risk'), h('td', null, r.risk)),
        h('tr', null, h('th', null, 'Now'), h('td', null, r.current)),
        h('tr', null, h('th', null, 'Why this option'), h('td', null, r.why || 'no option: ' + r.finding)),
        h('tr', null, h('th', null, 'Window'), h('td', null, day(r.window.start) + ' – ' + day(r.window.end) + ' UTC')),
        h('tr', null, h('th', null, 'Tags'), h('td', { class: 'tags' }, Object.keys(r.tags).length ? Object.keys(r.tags).sort().map(function (k) { return h('code', null, k + '=' + r.tags[k]) }) : '—')))))
    var figs = h('div', { class: 'charts' })
    out.append(figs)
    r.charts.forEach(function (c) {
      var f = chartBox(c.title, (c.used ? 'sized from ' + c.used + '; ' : '') + 'plotted: 5-minute ' + c.stat + ' (' + c.unit + '), min and max per pixel')
      figs.append(f.el)
      if (c.note) f.el.append(h('p', { class: 't-dim' }, c.note))
      var data = [seconds(c.t), c.v]
      var series = [{}, { label: c.stat + ' ' + c.unit, stroke: COLORS.value, width: 1, points: { show: false } }]
      // A capacity far above the data would flatten it to the axis: such lines start hidden (the legend shows them).
      var top = Math.max.apply(null, c.v.concat(c.lines.filter(function (l) { return l.role === 'need' || l.role === 'demand' }).map(function (l) { return l.value })))
      var hidden = 0
      c.lines.forEach(function (l) {
        var show = l.role === 'need' || l.role === 'demand' || l.value <= 3 * top
        if (!show) hidden++
        data.push(c.v.map(function () { return l.value }))
        series.push({ label: l.label + ' = ' + num(l.value, 3), show: show, stroke: COLORS[l.role], width: l.role === 'need' ? 2 : 1.5, dash: l.role === 'demand' ? [2, 4] : l.role === 'need' ? undefined : [8, 4], points: { show: false } })
      })
      if (hidden) f.el.append(h('p', { class: 't-dim' }, hidden + ' capacity line' + (hidden > 1 ? 's' : '') + ' more than 3× above the data start hidden: click ' + (hidden > 1 ? 'them' : 'it') + ' in the legend to draw ' + (hidden > 1 ? 'them' : 'it') + '.'))
      plot(f.box, { series: series, axes: [{}, { label: c.unit, size: 60 }], legend: { live: false } }, data)
    })
    out.append(h('h3', null, 'Options'), h('div', { class: 'scroll' }, h('table', null,
      h('thead', null, h('tr', null, ['#', 'Change', 'Risk', 'Binding dimension', '$/month', 'Saves $/month'].map(function (x) { return h('th', null, x) }))),
      h('tbody', null, r.options.map(function (o) {
        return h('tr', null, h('td', null, String(o.rank)), h('td', null, o.change), h('td', null, o.risk), h('td', null, o.binding || '—'), h('td', { class: 'r' }, usd(o.monthlyCost)), h('td', { class: 'r' }, usd(o.monthlySavings)))
      })))))
    out.append(h('h3', null, 'Evidence'), h('div', { class: 'scroll' }, h('table', null,
      h('thead', null, h('tr', null, ['Metric', 'Statistic', 'Value', 'Unit', 'Samples', 'Note'].map(function (x) { return h('th', null, x) }))),
      h('tbody', null, r.evidence.map(function (e) {
        return h('tr', null, h('td', null, e.metric), h('td', null, e.stat), h('td', { class: 'r' }, num(e.value, 4)), h('td', null, e.unit), h('td', { class: 'r' }, String(e.samples)), h('td', null, e.note))
      })))))
    return out
  }

  // ---- scaling what-if ----------------------------------------------------------------------------------------------
  function scalingPage(S) {
    var out = h('div')
    S.simulations.forEach(function (sim, si) {
      var sec = h('section', null, h('h2', null, 'Group ' + sim.group), h('p', null, sim.summary))
      out.append(sec)
      var priced = sim.outcomes.every(function (o) { return o.cost !== null })
      var xOf = function (o) { return priced ? o.cost : o.instanceHours }
      var order = sim.outcomes.map(function (o, i) { return i }).sort(function (a, b) { return xOf(sim.outcomes[a]) - xOf(sim.outcomes[b]) })
      var front = {}
      sim.pareto.forEach(function (p) { front[p] = true })
      var sc = chartBox('Cost vs breach minutes', (priced ? 'USD over the window' : 'instance-hours (a type is unpriced)') + '; the Pareto front joined; click a point for its timeline')
      sec.append(sc.el)
      var pick = h('select', { class: 'pick', 'data-sim': String(si) })
      order.forEach(function (i) {
        var o = sim.outcomes[i]
        pick.append(h('option', { value: String(i) }, o.policySet + (o.policySet === sim.current ? ' (current)' : '') + (front[o.policySet] ? ' ★' : '') + ': ' + (priced ? usd(o.cost) : num(o.instanceHours) + ' h') + ', ' + o.breachMinutes + ' breach min' + (o.timeline ? '' : ' (no timeline kept)')))
      })
      var tl = h('div', { class: 'timeline' })
      sec.append(h('div', { class: 'controls' }, h('label', null, 'Policy set ', pick)), tl)
      var xs = order.map(function (i) { return xOf(sim.outcomes[i]) })
      var all = order.map(function (i) { return sim.outcomes[i].breachMinutes })
      var par = order.map(function (i) { var o = sim.outcomes[i]; return front[o.policySet] ? o.breachMinutes : null })
      var now = order.map(function (i) { var o = sim.outcomes[i]; return o.policySet === sim.current ? o.breachMinutes : null })
      var u = plot(sc.box, {
        height: 240,
        scales: { x: { time: false } },
        series: [{ label: priced ? 'USD' : 'instance-hours' }, { label: 'policy set', stroke: '#999', paths: function () { return null }, points: { show: true, size: 7, fill: '#999' } },
          { label: 'Pareto front', stroke: COLORS.need, spanGaps: true, points: { show: true, size: 9, fill: COLORS.need } },
          { label: 'current policy', stroke: '#000', paths: function () { return null }, points: { show: true, size: 12, fill: '#fff', stroke: '#000', width: 2 } }],
        axes: [{ label: priced ? 'USD over the window' : 'instance-hours' }, { label: 'breach minutes', size: 60 }],
      }, [xs, all, par, now])
      u.over.addEventListener('click', function () {
        if (u.cursor.idx === null || u.cursor.idx === undefined) return
        pick.value = String(order[u.cursor.idx])
        show()
      })
      function show() {
        var o = sim.outcomes[Number(pick.value)]
        tl.replaceChildren()
        if (!o.timeline) {
          tl.append(h('p', { class: 't-dim' }, 'The what-if kept no per-minute timeline for ' + o.policySet + ' (it keeps the current policy and the cheapest without breach).'))
          return
        }
        var T = o.timeline
        var f = chartBox(o.description, 'demand and serving capacity in instances, breach minutes shaded (utilization over ' + sim.limitPct + '%)')
        tl.append(f.el)
        var x = seconds(T.t)
        plot(f.box, {
          series: [{}, { label: 'demand (instances)', stroke: COLORS.demand, width: 1 }, { label: 'serving', stroke: COLORS.value, width: 1.5, paths: uPlot.paths.stepped({ align: 1 }) },
            { label: 'desired', stroke: COLORS.option, width: 1, dash: [6, 3], paths: uPlot.paths.stepped({ align: 1 }) }],
          axes: [{}, { label: 'instances', size: 50 }],
          hooks: { drawClear: [function (u) {
            var ctx = u.ctx
            ctx.save()
            ctx.fillStyle = 'rgba(214,39,40,0.18)'
            for (var i = 0; i < T.breach.length; i++) {
              if (!T.breach[i]) continue
              var x0 = u.valToPos(x[i], 'x', true)
              var x1 = i + 1 < x.length ? u.valToPos(x[i + 1], 'x', true) : x0 + 2
              ctx.fillRect(x0, u.bbox.top, Math.max(1, x1 - x0), u.bbox.height)
            }
            ctx.restore()
          }] },
        }, [x, T.demand, T.serving, T.desired])
      }
      // The current policy first, as the summary reads; else the cheapest outcome with a timeline.
      var first = order.find(function (i) { return sim.outcomes[i].policySet === sim.current && sim.outcomes[i].timeline })
      if (first === undefined) first = order.find(function (i) { return sim.outcomes[i].timeline })
      pick.value = String(first === undefined ? order[0] : first)
      pick.addEventListener('change', show)
      show()
    })
    return out
  }

  // ---- load test --------------------------------------------------------------------------------------------------
  function pctLabel(x) {
    var p = 100 * (1 - 1 / x)
    return (p >= 99 ? p.toFixed(Math.min(6, Math.max(0, Math.ceil(Math.log10(x)) - 2))) : p.toFixed(0)) + '%'
  }
  function latencyPage(L) {
    var out = h('div')
    out.append(h('div', { class: 'scroll' }, h('table', null, h('thead', null, h('tr', null, ['Run', 'requests/s', 'p50 ms', 'p99 ms', 'max ms'].map(function (x) { return h('th', null, x) }))),
      h('tbody', null, L.summary.map(function (s) { return h('tr', null, h('td', null, s.name), h('td', { class: 'r' }, num(s.requestsPerSec, 1)), h('td', { class: 'r' }, num(s.p50, 3)), h('td', { class: 'r' }, num(s.p99, 3)), h('td', { class: 'r' }, num(s.max, 3))) })))))
    if (L.throughput.length) {
      var g = chartBox('Throughput over time', 'responses and errors per second from the start of the run')
      out.append(g.el)
      var n = Math.max.apply(null, L.throughput.map(function (t) { return t.responses.length }))
      var secs = []
      for (var s = 0; s < n; s++) secs.push(s)
      var tdata = [secs], tseries = [{ label: 'second' }]
      L.throughput.forEach(function (t, i) {
        var pre = L.throughput.length > 1 ? t.name + ': ' : ''
        tdata.push(secs.map(function (s) { return s < t.responses.length ? t.responses[s] : null }))
        tseries.push({ label: pre + 'responses/s', stroke: PALETTE[(2 * i) % PALETTE.length], width: 1.5, points: { show: false } })
        tdata.push(secs.map(function (s) { return s < t.errors.length ? t.errors[s] : 0 }))
        tseries.push({ label: pre + 'errors/s', stroke: COLORS.need, dash: i ? [4, 3] : undefined, width: 1, points: { show: false } })
      })
      plot(g.box, { height: 220, scales: { x: { time: false } }, series: tseries, axes: [{ label: 'seconds from start' }, { label: 'per second', size: 60 }] }, tdata)
    }
    var curves = []
    L.runs.forEach(function (run) {
      // A comparison starts with each run's overall curve; the rest are in the legend (click to draw).
      run.curves.forEach(function (c, i) { curves.push({ name: (L.runs.length > 1 ? run.name + ': ' : '') + c.name, x: c.x, y: c.ms, show: L.runs.length === 1 || i === 0 }) })
    })
    var f = chartBox('Latency by percentile', 'HdrHistogram distribution, log axis: each step right is ten times rarer')
    out.append(f.el)
    var data = align(curves)
    var series = [{ label: 'percentile', value: function (u, v) { return v === null ? '' : pctLabel(v) } }].concat(curves.map(function (c, i) {
      return { label: c.name, show: c.show, stroke: PALETTE[i % PALETTE.length], width: i === 0 ? 2 : 1.2, spanGaps: true, value: function (u, v) { return v === null ? '' : num(v, 3) + ' ms' } }
    }))
    L.thresholds.forEach(function (t) {
      data.push(data[0].map(function () { return t.ms }))
      series.push({ label: t.label, stroke: COLORS.need, dash: [8, 4], width: 1.5 })
    })
    plot(f.box, {
      scales: { x: { time: false, distr: 3 } },
      series: series,
      axes: [{ label: 'percentile', values: function (u, vals) { return vals.map(function (v) { return v === null ? '' : pctLabel(v) }) } }, { label: 'ms', size: 60 }],
    }, data)
    return out
  }

  // ---- experiment ---------------------------------------------------------------------------------------------------
  function experimentPage(E) {
    var out = h('div')
    if (E.rounds.length) {
      ;[['requestsPerSec', 'Requests per second, round by round', 'req/s'], ['p99', 'p99 latency, round by round', 'ms']].forEach(function (m) {
        var f = chartBox(m[1], 'each arm ran once a round, the order alternating; a line that moves with the other is drift both arms saw')
        out.append(f.el)
        var curves = E.rounds.map(function (a) { return { name: a.arm, x: a.x, y: a[m[0]] } })
        plot(f.box, {
          height: 240,
          scales: { x: { time: false } },
          series: [{ label: 'round' }].concat(curves.map(function (c, i) { return { label: c.name, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: true, size: 7 } } })),
          axes: [{ label: 'round', incrs: [1] }, { label: m[2], size: 60 }],
        }, align(curves))
      })
    }
    if (E.capacity.length) {
      var g = chartBox('Latency by arrival rate (capacity search)', E.slo.metric + ' of each step, in the order tried; the SLO line at ' + E.slo.thresholdMs + ' ms')
      out.append(g.el)
      var curves = E.capacity.map(function (a) {
        var idx = a.rate.map(function (_, i) { return i }).sort(function (p, q) { return a.rate[p] - a.rate[q] })
        return { name: a.arm, x: idx.map(function (i) { return a.rate[i] }), y: idx.map(function (i) { return a.latencyMs[i] }) }
      })
      var data = align(curves)
      data.push(data[0].map(function () { return E.slo.thresholdMs }))
      plot(g.box, {
        scales: { x: { time: false, distr: 3 }, y: { distr: 3 } },
        series: [{ label: 'req/s' }].concat(curves.map(function (c, i) { return { label: c.name + ' ' + E.slo.metric + ' ms', stroke: PALETTE[i % PALETTE.length], width: 1.5, spanGaps: true, points: { show: true, size: 7 } } }), [{ label: 'SLO', stroke: COLORS.need, dash: [8, 4] }]),
        axes: [{ label: 'arrivals per second' }, { label: 'ms', size: 60 }],
      }, data)
    }
    return out
  }

  // ---- Lambda experiment ----------------------------------------------------------------------------------------------
  function lambdaPage(Lm) {
    var out = h('div')
    var curves = function (key) { return Lm.archs.map(function (a) { return { name: a.arch, x: a.memory, y: a[key] } }) }
    // The x axis spans the sizes tried (log scale), ticked at exactly those sizes.
    var sizes = Object.keys(Lm.archs.reduce(function (m, a) { a.memory.forEach(function (x) { m[x] = true }); return m }, {})).map(Number).sort(function (a, b) { return a - b })
    var lo = sizes[0] / 1.25, hi = sizes[sizes.length - 1] * 1.25
    ;[['durationMs', 'Warm duration by memory size', 'ms', 'mean of the warm invocations (REPORT line)'], ['costPerMillion', 'Cost of a million warm invocations by memory size', 'USD / 1M', 'memory GB x billed s x GB-s price + request price']].forEach(function (m) {
      var f = chartBox(m[1], m[3] + '; one line per architecture; the current configuration is ' + Lm.current.arch + ' at ' + Lm.current.memoryMB + ' MB; a setting with errors has no point')
      out.append(f.el)
      var cs = curves(m[0])
      plot(f.box, {
        height: 260,
        scales: { x: { time: false, distr: 3, range: function () { return [lo, hi] } } },
        series: [{ label: 'MB' }].concat(cs.map(function (c, i) { return { label: c.name + ' ' + m[2], stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: true, points: { show: true, size: 7 } } })),
        axes: [{ label: 'memory (MB)', splits: function () { return sizes }, filter: function (u, splits) { return splits }, values: function (u, vals) { return vals.map(function (v) { return v === null ? '' : String(v) }) } }, { label: m[2], size: 70 }],
      }, align(cs))
    })
    return out
  }

  // ---- cache ------------------------------------------------------------------------------------------------------
  function cachePage(C) {
    var out = h('div')
    var f = chartBox('Hit ratio by cache size (objects)', 'exact LRU by stack distances' + (C.policies.length ? '; other policies replayed' : '') + '; log axis')
    out.append(f.el)
    var curves = [{ name: 'LRU', x: C.byObjects.x, y: C.byObjects.hit.map(function (v) { return v * 100 }) }].concat(C.policies.map(function (p) {
      return { name: p.policy + ' (replayed)', x: p.x, y: p.hit.map(function (v) { return v * 100 }) }
    }))
    var data = align(curves.filter(function (c) { return c.x.length })).map(function (a, i) { return i === 0 ? a.map(function (x) { return Math.max(x, 1) }) : a })
    var series = [{ label: 'objects' }].concat(curves.filter(function (c) { return c.x.length }).map(function (c, i) { return { label: c.name + ' hit %', stroke: PALETTE[i], width: i ? 1.2 : 2.5, spanGaps: true } }))
    if (C.target !== null) {
      data.push(data[0].map(function () { return C.target * 100 }))
      series.push({ label: 'target', stroke: COLORS.need, dash: [8, 4] })
    }
    plot(f.box, { scales: { x: { time: false, distr: 3 } }, series: series, axes: [{ label: 'objects held' }, { label: 'hit %', size: 50 }] }, data)
    if (C.byBytes.x.length) {
      var g = chartBox('Hit ratio by cache size (bytes)', 'requests and bytes served from an LRU cache of that many bytes of objects')
      out.append(g.el)
      plot(g.box, {
        scales: { x: { time: false, distr: 3 } },
        series: [{ label: 'bytes' }, { label: 'request hit %', stroke: PALETTE[0] }, { label: 'byte hit %', stroke: PALETTE[1] }],
        axes: [{ label: 'bytes of objects', values: function (u, vals) { return vals.map(bytes) } }, { label: 'hit %', size: 50 }],
      }, [C.byBytes.x.map(function (x) { return Math.max(x, 1) }), C.byBytes.hit.map(function (v) { return v * 100 }), C.byBytes.byteHit.map(function (v) { return v * 100 })])
    }
    return out
  }
  function bytes(v) {
    if (v === null) return ''
    // Decimal units: the log axis ticks at powers of ten.
    var u = ['B', 'kB', 'MB', 'GB', 'TB'], i = 0
    while (v >= 1000 && i < u.length - 1) { v /= 1000; i++ }
    return num(v, 1) + ' ' + u[i]
  }

  // ---- pages and navigation -------------------------------------------------------------------------------------------
  var pages = []
  if (D.analysis) {
    pages.push({ id: 'fleet', title: 'Fleet', draw: function () { return fleetPage(D.analysis) } })
    pages.push({ id: 'resources', title: 'Resources (' + D.analysis.resources.length + ')', draw: function () { return resourcesPage(D.analysis) } })
  }
  if (D.scaling) pages.push({ id: 'scaling', title: 'Scaling what-if', draw: function () { return scalingPage(D.scaling) } })
  if (D.loadtest) pages.push({ id: 'latency', title: 'Latency', draw: function () { return latencyPage(D.loadtest) } })
  if (D.cache) pages.push({ id: 'cache', title: 'Hit ratio', draw: function () { return cachePage(D.cache) } })
  if (D.lambda) pages.push({ id: 'lambda', title: 'Lambda settings', draw: function () { return lambdaPage(D.lambda) } })
  if (D.experiment) pages.push({ id: 'experiment', title: 'Experiment', draw: function () { return experimentPage(D.experiment) } })
  pages.push({ id: 'summary', title: D.kind === 'review' ? 'Review' : 'Summary', draw: function () { return h('div', null, viewBlocks(D.view)) } })

  var main = h('main')
  var nav = h('nav', null, pages.map(function (p) { return h('a', { href: '#' + p.id, 'data-page': p.id }, p.title) }))
  var title = h('h1', null, D.title)
  app.append(h('header', null, title, nav), main)

  function route() {
    charts.forEach(function (u) { u.destroy() })
    charts = []
    var hash = decodeURIComponent(location.hash.slice(1))
    var page = pages.find(function (p) { return p.id === hash }) || null
    var node
    if (!page && hash.slice(0, 2) === 'r/' && D.analysis) {
      var id = hash.slice(2)
      var r = D.analysis.resources.find(function (x) { return x.id === id })
      node = r ? resourcePage(r) : h('p', null, 'No page for ' + id + '.')
      page = pages[1]
    } else {
      page = page || pages[0]
    }
    Array.prototype.forEach.call(nav.children, function (a) { a.className = a.getAttribute('data-page') === page.id ? 'active' : '' })
    // Charts are built off-page at a default width, then fitted to their box once the page is in.
    main.replaceChildren(node || page.draw())
    charts.forEach(function (u) {
      var w = u.root.parentElement.clientWidth
      if (w > 0 && w !== u.width) u.setSize({ width: w, height: u.height })
    })
    document.body.setAttribute('data-page', node ? 'resource' : page.id)
    document.body.setAttribute('data-charts', String(charts.length))
  }
  window.addEventListener('hashchange', route)
  route()
  performance.mark('headroom:drawn')
})()
