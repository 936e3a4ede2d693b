/**
 * The demo's report: one self-contained HTML file (inline CSS and SVG, no
 * scripts, no network) with the pyramid and its profit shares, retention
 * curves by purchase cohort, expected service visits next quarter, SLA
 * compliance per dealer, and the at-risk customers to call this week.
 */
import { formatMoney } from '../../core/index.js';
import { pyramidStrategyDescriptions } from '../../segmentation/index.js';
import type { DemoAnalysis } from './analyze.js';

const PALETTE = ['#1d4e89', '#2f77b5', '#5aa0d8', '#9cc7ea', '#d9e8f5', '#e07a5f', '#81b29a', '#f2cc8f'];
const LINE_COLORS = ['#1d4e89', '#e07a5f', '#3d8b5f', '#8e5ea2', '#c9a227', '#2f77b5', '#b5485d', '#555f6d'];
const STRATEGY_LABELS: Readonly<Record<string, string>> = {
  keep: 'Keep',
  grow: 'Grow',
  develop: 'Develop',
  serve_passively: 'Serve passively',
  reduce_cost_or_exit: 'Reduce cost or exit',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const pct = (share: number | null | undefined, digits = 1) => (share === null || share === undefined ? '—' : `${(share * 100).toFixed(digits)}%`);
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const yuan = (minor: number) => formatMoney({ amountMinor: Math.round(minor), currency: 'CNY' });

function pyramidSvg(analysis: DemoAnalysis): string {
  const zones = analysis.pyramid.zones;
  const width = 600;
  const rowHeight = 50;
  const height = zones.length * rowHeight + 10;
  const cx = 150;
  const rows = zones.map((zone, i) => {
    // A pyramid: the top zone is the narrowest; labels stand to its right.
    const topWidth = 40 + (i / zones.length) * 250;
    const bottomWidth = 40 + ((i + 1) / zones.length) * 250;
    const y = 5 + i * rowHeight;
    const points = [
      [cx - topWidth / 2, y],
      [cx + topWidth / 2, y],
      [cx + bottomWidth / 2, y + rowHeight - 4],
      [cx - bottomWidth / 2, y + rowHeight - 4],
    ]
      .map(([x, yy]) => `${x!.toFixed(1)},${yy!.toFixed(1)}`)
      .join(' ');
    const fill = PALETTE[i % PALETTE.length]!;
    const text = i < 3 ? '#fff' : '#17324d';
    return `<polygon points="${points}" fill="${fill}"/>
<text x="${cx}" y="${y + rowHeight / 2 + 2}" text-anchor="middle" fill="${text}" font-size="13" font-weight="600">${int(zone.customerCount)}</text>
<text x="310" y="${y + rowHeight / 2 - 4}" font-size="13" font-weight="600" fill="#17324d">${escapeHtml(zone.label)}</text>
<text x="310" y="${y + rowHeight / 2 + 12}" font-size="12" fill="#4a6280">${pct(zone.customerShare, 0)} of customers · ${pct(zone.profitShare)} of profit</text>`;
  });
  return `<svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="Customer pyramid">${rows.join('\n')}</svg>`;
}

function barChartSvg(bars: readonly { label: string; value: number; text: string }[], options: { max?: number; threshold?: number; thresholdLabel?: string } = {}): string {
  const width = 520;
  const barHeight = 28;
  const gap = 12;
  const left = 110;
  const right = 90;
  const max = options.max ?? Math.max(1, ...bars.map((b) => b.value));
  const scale = (v: number) => ((width - left - right) * v) / max;
  const height = bars.length * (barHeight + gap) + 24;
  const rows = bars.map((bar, i) => {
    const y = 8 + i * (barHeight + gap);
    return `<text x="${left - 8}" y="${y + barHeight / 2 + 4}" text-anchor="end" font-size="13" fill="#17324d">${escapeHtml(bar.label)}</text>
<rect x="${left}" y="${y}" width="${Math.max(1, scale(bar.value)).toFixed(1)}" height="${barHeight}" rx="3" fill="${PALETTE[i % 3 + 1]}"/>
<text x="${left + scale(bar.value) + 6}" y="${y + barHeight / 2 + 4}" font-size="13" fill="#17324d">${escapeHtml(bar.text)}</text>`;
  });
  const threshold =
    options.threshold === undefined
      ? ''
      : `<line x1="${left + scale(options.threshold)}" x2="${left + scale(options.threshold)}" y1="0" y2="${height - 16}" stroke="#e07a5f" stroke-dasharray="4 3"/>
<text x="${left + scale(options.threshold)}" y="${height - 4}" text-anchor="middle" font-size="11" fill="#e07a5f">${escapeHtml(options.thresholdLabel ?? '')}</text>`;
  return `<svg viewBox="0 0 ${width} ${height}" width="100%" role="img">${rows.join('\n')}${threshold}</svg>`;
}

function survivalSvg(analysis: DemoAnalysis): string {
  const width = 520;
  const height = 260;
  const left = 40;
  const bottom = 30;
  const strata = Object.entries(analysis.retention.survivalByCohort.strata);
  const maxTime = Math.max(1, ...strata.flatMap(([, curve]) => curve.steps.map((s) => s.time)));
  const x = (t: number) => left + ((width - left - 110) * t) / maxTime;
  const y = (s: number) => 10 + (height - bottom - 10) * (1 - s);
  const paths = strata.map(([name, curve], i) => {
    let d = `M${x(0).toFixed(1)},${y(1).toFixed(1)}`;
    let last = 1;
    for (const step of curve.steps) {
      d += ` H${x(step.time).toFixed(1)} V${y(step.survival).toFixed(1)}`;
      last = step.survival;
    }
    const end = curve.steps.length > 0 ? curve.steps[curve.steps.length - 1]!.time : 0;
    const color = LINE_COLORS[i % LINE_COLORS.length]!;
    return `<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>
<text x="${x(end) + 6}" y="${y(last) + 4}" font-size="11" fill="${color}">${escapeHtml(name)}</text>`;
  });
  const ticks = [0, 12, 24, 36, 48, 60].filter((t) => t <= maxTime);
  const axis = `<line x1="${left}" y1="${y(0)}" x2="${x(maxTime)}" y2="${y(0)}" stroke="#99a"/>
<line x1="${left}" y1="${y(0)}" x2="${left}" y2="${y(1)}" stroke="#99a"/>
${ticks.map((t) => `<text x="${x(t)}" y="${height - 10}" text-anchor="middle" font-size="11" fill="#556">${t} mo</text>`).join('')}
${[0, 0.5, 1].map((s) => `<text x="${left - 6}" y="${y(s) + 4}" text-anchor="end" font-size="11" fill="#556">${s * 100}%</text>`).join('')}`;
  return `<svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="Share of vehicles still serviced, by purchase cohort">${axis}${paths.join('\n')}</svg>`;
}

/** Renders the analysis as a self-contained HTML page. */
export function renderReportHtml(analysis: DemoAnalysis): string {
  const dealerName = new Map(analysis.dealers.map((d) => [d.id, d.name]));
  const slaRows = analysis.sla.report.rows
    .filter((row) => row.key.dealerId !== undefined)
    .map((row) => ({ label: dealerName.get(row.key.dealerId!)?.slice(0, 4) ?? row.key.dealerId!, value: row.complianceRate ?? 0, text: `${pct(row.complianceRate)} · ${int(row.cases)} cases` }));
  const visitBars = analysis.dealers.map((d) => {
    const visits = analysis.retention.expectedVisitsByDealer[d.id] ?? 0;
    return { label: d.name.slice(0, 4), value: visits, text: `${int(visits)} visits` };
  });
  const fit = analysis.retention.fit;
  const tiles: [string, string][] = [
    ['Customers', int(analysis.counts.customers)],
    ['Repair orders', int(analysis.counts.repairOrders)],
    ['Expected service visits next quarter', int(analysis.retention.expectedVisitsNextQuarter)],
    ['Mean P(alive)', pct(analysis.retention.meanProbabilityAlive)],
    ['3-year CLV (35% margin)', yuan(analysis.retention.totalClvMinor)],
    ['Loyalty liability', yuan(analysis.loyalty.liability.liabilityMinor)],
    ['Open complaint cases', `${int(analysis.sla.openCases)} (${int(analysis.sla.escalationsDue)} escalations due)`],
    ['Duplicate customer records', `${int(analysis.quality.duplicates.duplicateRecords)} (${pct(analysis.quality.duplicates.duplicateRate)})`],
  ];
  const atRiskRows = analysis.atRisk
    .map(
      (c) => `<tr><td>${escapeHtml(dealerName.get(c.dealerId)?.slice(0, 4) ?? c.dealerId)}</td><td>${escapeHtml(c.maskedName)}</td><td>${escapeHtml(c.maskedPhone ?? '—')}</td><td class="num">${c.score.toFixed(2)}</td><td class="num">${pct(c.probabilityAlive, 0)}</td><td class="num">${int(c.serviceOverdueDays)}</td><td class="num">${c.clvMinor === null ? '—' : yuan(c.clvMinor)}</td><td>${c.reasons.map(escapeHtml).join('; ')}</td></tr>`,
    )
    .join('\n');
  const zoneRows = analysis.pyramid.zones
    .map((z) => `<tr><td>${escapeHtml(z.label)}</td><td class="num">${int(z.customerCount)}</td><td class="num">${pct(z.customerShare)}</td><td class="num">${yuan(z.profitMinor)}</td><td class="num">${pct(z.profitShare)}</td><td class="num">${pct(z.revenueShare)}</td><td title="${escapeHtml(pyramidStrategyDescriptions[z.strategy])}">${escapeHtml(STRATEGY_LABELS[z.strategy] ?? z.strategy)}</td></tr>`)
    .join('\n');
  const logRank = analysis.retention.survivalByCohort.logRank;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dealer-crm demo report</title>
<style>
  body { font-family: -apple-system, "Segoe UI", "Noto Sans CJK SC", "PingFang SC", sans-serif; margin: 0; background: #f4f7fb; color: #17324d; }
  header { background: #1d4e89; color: #fff; padding: 20px 32px; }
  header h1 { margin: 0 0 4px; font-size: 22px; }
  main { padding: 20px 32px; display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 20px; }
  section { background: #fff; border-radius: 8px; padding: 16px 20px; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: 16px; margin: 0 0 12px; }
  .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; }
  .tile { background: #eef4fb; border-radius: 6px; padding: 10px 12px; }
  .tile b { display: block; font-size: 20px; }
  .tile span { font-size: 12px; color: #4a6280; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e3e9f0; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  p.note { font-size: 12px; color: #4a6280; margin: 8px 0 0; }
</style>
</head>
<body>
<header>
  <h1>dealer-crm demo · ${escapeHtml(analysis.dealers.map((d) => d.name).join(' / '))}</h1>
  <div>As of ${escapeHtml(analysis.asOf.toISOString().slice(0, 10))} · ${int(analysis.counts.customers)} customers · ${int(analysis.counts.transactions)} transactions · ${int(analysis.counts.complaints)} complaint cases</div>
</header>
<main>
<section class="wide"><h2>At a glance</h2><div class="tiles">${tiles.map(([label, value]) => `<div class="tile"><b>${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`).join('')}</div></section>
<section><h2>Customer pyramid (gross profit, last 12 months)</h2>${pyramidSvg(analysis)}
<table><thead><tr><th>Zone</th><th class="num">Customers</th><th class="num">Share</th><th class="num">Profit</th><th class="num">Profit share</th><th class="num">Revenue share</th><th>Strategy</th></tr></thead><tbody>${zoneRows}</tbody></table></section>
<section><h2>Still coming to the service lane, by purchase cohort</h2>${survivalSvg(analysis)}
<p class="note">Kaplan-Meier estimate; a vehicle lapses when it has not been serviced for 18 months.${logRank ? ` Log-rank χ² = ${logRank.statistic.toFixed(1)} on ${logRank.degreesOfFreedom} df.` : ''}</p></section>
<section><h2>Expected service visits next quarter</h2>${barChartSvg(visitBars)}
<p class="note">BG/NBD fit on ${int(analysis.retention.customers)} service customers (weeks): r = ${fit.params.r.toFixed(3)}, α = ${fit.params.alpha.toFixed(2)}, a = ${fit.params.a.toFixed(3)}, b = ${fit.params.b.toFixed(3)}; ${fit.converged ? 'converged' : 'not converged'}.</p></section>
<section><h2>Complaint SLA compliance per dealer (last 12 months)</h2>${barChartSvg(slaRows, { max: 1, threshold: analysis.sla.report.complianceThreshold, thresholdLabel: `threshold ${pct(analysis.sla.report.complianceThreshold, 0)}` })}
<p class="note">Flagged below threshold: ${escapeHtml(analysis.sla.report.flaggedDealers.map((d) => dealerName.get(d.dealerId) ?? d.dealerId).join(', ') || 'none')}. Open cases: ${int(analysis.sla.openCases)}, ${int(analysis.sla.breachedOpenCases)} already breached.</p></section>
<section class="wide"><h2>Call this week: service customers at risk of leaving</h2>
<table><thead><tr><th>Dealer</th><th>Name</th><th>Mobile</th><th class="num">Risk</th><th class="num">P(alive)</th><th class="num">Service overdue (days)</th><th class="num">3-year CLV</th><th>Why</th></tr></thead><tbody>${atRiskRows}</tbody></table>
<p class="note">Medium or high churn risk, still likely active (P(alive) above 30 %), ranked by risk × CLV; only customers whose consent allows a service call. Names and numbers are masked.</p></section>
</main>
</body>
</html>
`;
}
