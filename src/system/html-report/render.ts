/**
 * The `--html` page: one self-contained file (its style and charts inline, no script, nothing fetched) a
 * person opens after a run. Every text from the run goes through esc(), and the markup is well-formed XML
 * as well as HTML, so a test can parse it without a browser.
 */
import { irqlName } from '../../nt/irql.ts';
import { statusName } from '../../nt/status.ts';
import { irqlChart, PALETTE, poolChart, CHART_SERIES } from './charts.ts';
import { bytesText, hex8, hexs, simTime } from './format.ts';
import { esc } from './escape.ts';
import { IRQL_ROWS, type HtmlReportModel, type ReportFrame } from './model.ts';


const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1000px; padding: 16px 20px 48px; color: #1b1b1b; }
h1 { font-size: 22px; margin: 8px 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.verdict { padding: 10px 14px; border-radius: 6px; font-weight: 600; margin: 8px 0 12px; }
.verdict.bugcheck, .verdict.failed { background: #fde8e8; color: #8a1010; } .verdict.hang { background: #fff3d6; color: #7a4b00; } .verdict.clean { background: #e5f6e8; color: #145c24; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; } th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #f6f6f6; font-weight: 600; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre, .mono { font-family: ui-monospace, Consolas, monospace; font-size: 12.5px; }
pre { background: #f7f7f9; border: 1px solid #e4e4e8; border-radius: 4px; padding: 6px 8px; overflow-x: auto; margin: 4px 0; }
pre .hit { background: #ffe9a8; display: block; }
.muted { color: #666; } .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.chart { display: block; max-width: 100%; height: auto; margin: 6px 0; }
.chart .series, .chart .irql-line { fill: none; stroke-width: 2; } .chart .axis, .chart .tick { stroke: #444; } .chart .grid { stroke: #eee; }
.chart .tick-label { font-size: 11px; fill: #444; } .chart .time { fill: #888; } .chart .mark line { stroke: #999; stroke-dasharray: 3 3; } .chart .mark-label { font-size: 10px; fill: #777; }
tr.not-sent td { color: #999; } tr.stopped td, tr.failed td { background: #fff1f1; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; margin: 0; } dl.facts dt { color: #555; } dl.facts dd { margin: 0; }
`;

const section = (id: string, title: string, body: string) => `<section id="${id}"><h2>${esc(title)}</h2>${body}</section>`;
const table = (id: string, head: string[], rows: string[]) =>
  `<table id="${id}"><thead><tr>${head.map((h) => `<th${h.startsWith('#') ? ' class="num"' : ''}>${esc(h.replace(/^#/, ''))}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
const td = (text: string, cls?: string) => `<td${cls ? ` class="${cls}"` : ''}>${esc(text)}</td>`;

function snippet(f: ReportFrame): string {
  const s = f.source;
  if (!s) return '';
  const where = `${s.file}(${s.line})`;
  if (!s.lines || s.first === undefined) return `<div class="muted mono">${esc(where)}: ${esc(s.missing ?? '')}</div>`;
  const width = String(s.first + s.lines.length - 1).length;
  const body = s.lines.map((l, i) => {
    const n = s.first! + i;
    const text = esc(`${String(n).padStart(width)}  ${l}`);
    return n === s.line ? `<span class="hit">${text}</span>` : `${text}\n`;
  });
  return `<div class="mono">${esc(where)}</div><pre class="source" data-line="${s.line}">${body.join('')}</pre>`;
}

function bugCheckSection(m: HtmlReportModel): string {
  const bc = m.bugCheck;
  if (!bc) {
    const why = m.hang ? `No bug check: the machine hung (${m.hang}). The stack below is where it was when the run forced a dump.` : 'No bug check: the run is clean.';
    return section('bugcheck', 'Bug check', `<p class="no-bugcheck">${esc(why)}</p>`);
  }
  const rows = bc.params.map((p, i) => `<tr><td>Arg${i + 1}</td><td class="mono">${hex8(p.value)}</td><td>${p.meaning.map((l) => esc(l)).join('<br/>')}</td></tr>`);
  return section(
    'bugcheck',
    'Bug check',
    `<p><strong class="mono" data-code="${hexs(bc.code)}">${esc(`${bc.name} (${bc.code.toString(16)})`)}</strong></p><p>${esc(bc.description.join(' '))}</p>` + table('parameters', ['Parameter', 'Value', 'Meaning'], rows),
  );
}

function stackSection(m: HtmlReportModel): string {
  if (m.stack.length === 0) return section('stack', 'Faulting stack', '<p class="muted">No stack: the machine did not stop.</p>');
  const rows = m.stack.map((f, i) => `<tr><td class="num">${String(i).padStart(2, '0')}</td><td class="mono">${hex8(f.address)}</td><td><div class="mono">${esc(f.symbol)}</div>${snippet(f)}</td></tr>`);
  return section('stack', 'Faulting stack', table('frames', ['#', 'Address', 'Frame and source'], rows));
}

function leaksSection(m: HtmlReportModel): string {
  const l = m.leaks;
  const intro = m.bugCheck?.code === 0xc4 && m.bugCheck.params[0]?.value === 0x62 ? 'Pool the driver did not free before it unloaded, as !verifier 3 lists it.' : 'Allocations the verifier still tracked when the run ended, as !verifier 3 lists them.';
  if (l.count === 0) return section('leaks', 'Leaks', `<p class="no-leaks">${esc('None: every tracked allocation of the verified drivers was freed.')}</p>`);
  const rows = l.listed.map(
    (a) => `<tr data-tag="${esc(a.tag)}"><td class="mono">${hex8(a.address)}</td><td class="num mono">${hexs(a.size)}</td><td class="mono">${esc(a.tag)}</td><td>${esc(a.kind)}</td><td class="mono">${esc(a.caller)}${a.source ? `<div class="muted">${esc(a.source)}</div>` : ''}</td><td>${esc(a.driver)}</td></tr>`,
  );
  const more = l.count > l.listed.length ? `<p class="muted">${l.count - l.listed.length} more not listed.</p>` : '';
  const sites = l.sites.filter((f) => f.source);
  const where = sites.length
    ? `<details open="open"><summary>${esc(`Where ${sites.length === 1 ? 'it was' : 'they were'} allocated`)}</summary>${sites.map((f) => `<div class="site"><div class="mono">${esc(f.symbol)}</div>${snippet(f)}</div>`).join('')}</details>`
    : '';
  return section('leaks', 'Leaks', `<p>${esc(`${intro} ${l.count} allocation${l.count === 1 ? '' : 's'}.`)}</p>` + table('leak-table', ['Address', '#Size', 'Tag', 'Kind', 'Caller', 'Driver'], rows) + more + where);
}

function poolSection(m: HtmlReportModel): string {
  const pool = m.pool;
  if (!pool) return section('pool-usage', 'Pool usage over time', `<p class="muted">${esc(`Not recorded: ${m.notRecorded ?? ''}.`)}</p>`);
  if (pool.series.length === 0) return section('pool-usage', 'Pool usage over time', '<p class="no-pool">The verified drivers allocated no tracked pool.</p>');
  const sorted = [...pool.series].sort((a, b) => b.peak - a.peak);
  const rows = sorted.map((s, i) => `<tr data-tag="${esc(s.tag)}"><td>${i < CHART_SERIES ? `<span class="swatch" style="background:${PALETTE[i % PALETTE.length]}"></span>` : ''}<span class="mono">${esc(s.tag)}</span></td><td class="num">${esc(bytesText(s.peak))}</td><td class="num">${esc(bytesText(s.bytes))}</td></tr>`);
  const merged = pool.stride > 1 ? ` Each point covers ${pool.stride} events (the chart keeps the peak they reached).` : '';
  const still = new Set(pool.series.flatMap((s) => s.points.map((p) => p.time))).size <= 1;
  const clock = still ? ' The simulated clock did not move during the run (it moves only when the machine waits), so the axis is the order of events.' : ' The axis is the order of events, each tick labelled with its simulated time.';
  const marksList = pool.marks.length
    ? `<details><summary>${pool.marks.length} step${pool.marks.length === 1 ? '' : 's'} marked on the charts</summary><ol class="marks">${pool.marks.map((k) => `<li>${esc(k.label)} <span class="muted">(#${k.seq}, ${esc(simTime(k.time))})</span></li>`).join('')}</ol>${pool.marksDropped ? `<p class="muted">${pool.marksDropped} later steps not marked.</p>` : ''}</details>`
    : '';
  return section(
    'pool-usage',
    'Pool usage over time',
    `<p>${esc(`Bytes of tracked pool in use per tag after each allocation and free of the verified drivers (${pool.events} events).${clock}${merged}`)}</p>` +
      poolChart(m) +
      marksList +
      table('pool-tags', ['Tag', '#Peak', '#At the end'], rows),
  );
}

function irqlSection(m: HtmlReportModel): string {
  const irql = m.irql;
  if (!irql) return section('irql', 'IRQL timeline', `<p class="muted">${esc(`Not recorded: ${m.notRecorded ?? ''}.`)}</p>`);
  if (!irql.logged) return section('irql', 'IRQL timeline', '<p class="no-irql">Force IRQL checking (0x2) was off: the verifier logged no IRQL transitions.</p>');
  if (irql.entries.length === 0) return section('irql', 'IRQL timeline', '<p class="no-irql">The verified drivers changed no IRQL (no raise, lower or spin lock through the kernel).</p>');
  const shown = irql.entries.slice(-IRQL_ROWS);
  const rows = shown.map((e) => `<tr><td class="num">${e.seq}</td><td>${esc(simTime(e.time))}</td><td class="num">${e.processor}</td><td class="mono">${hex8(e.thread)}</td><td>${esc(`${irqlName(e.oldIrql)} -> ${irqlName(e.newIrql)}`)}</td><td class="mono">${esc(e.caller)}</td></tr>`);
  const kept = irql.total > irql.entries.length ? ` The last ${irql.entries.length} of ${irql.total} are kept.` : '';
  return section(
    'irql',
    'IRQL timeline',
    `<p>${esc(`The IRQL changes the verified drivers made (raise, lower, spin lock acquire and release), from Force IRQL checking's transition log: ${irql.total}.${kept}`)}</p>` +
      irqlChart(m) +
      `<details${irql.entries.length <= 16 ? ' open="open"' : ''}><summary>${esc(`The last ${shown.length} transitions`)}</summary>` +
      table('irql-table', ['#Event', 'Time', '#CPU', 'Thread', 'Transition', 'Caller'], rows) +
      '</details>',
  );
}

function requestsSection(m: HtmlReportModel): string {
  if (m.requests.length === 0) return section('requests', 'Requests', '<p class="muted">No requests were sent.</p>');
  const rows = m.requests.map(
    (r) =>
      `<tr class="${r.result.replace(' ', '-')}"><td>${esc(r.step)}</td><td class="mono">${esc(r.what)}</td><td class="mono">${r.status !== undefined ? esc(`${statusName(r.status)}${statusName(r.status).startsWith('STATUS_') ? ` (${hexs(r.status)})` : ''}`) : ''}</td><td class="num">${r.information !== undefined ? r.information : ''}</td><td class="mono">${esc(r.output ?? '')}</td><td>${esc(r.result)}${r.note ? `<div class="muted">${esc(r.note)}</div>` : ''}</td></tr>`,
  );
  return section('requests', 'Requests', table('request-table', ['Step', 'Request', 'Status', '#Information', 'Output', 'Result'], rows));
}

export function renderHtmlReport(m: HtmlReportModel, version: string): string {
  const facts = m.facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('');
  const analysis = m.analysis
    ? section('analysis', '!analyze -v', `<details><summary>The debugger's analysis of the stop</summary><pre>${esc(m.analysis)}</pre></details>`)
    : m.analysisOmitted
      ? section('analysis', '!analyze -v', `<p class="muted">${esc(m.analysisOmitted)}</p>`)
      : '';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><meta name="generator" content="driver-verifier ${esc(version)}"/>`,
    `<title>${esc(`${m.verdict.kind === 'clean' ? 'Clean' : m.verdict.kind === 'hang' ? 'Hang' : m.verdict.kind === 'failed' ? 'Failed' : 'Bug check'}: ${m.title} - driver-verifier`)}</title>`,
    `<style>${STYLE}</style></head>`,
    '<body>',
    `<header><h1>${esc(m.title)}</h1><div id="verdict" class="verdict ${m.verdict.kind}">${esc(m.verdict.text)}</div><dl class="facts">${facts}</dl></header>`,
    bugCheckSection(m),
    stackSection(m),
    leaksSection(m),
    poolSection(m),
    irqlSection(m),
    requestsSection(m),
    analysis,
    `<footer><p class="muted">${esc(`driver-verifier ${version}: a deterministic simulated NT kernel; the same driver and inputs give the same page.`)}</p></footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
