/** The demo's readable summary, printed to stdout. */
import { formatMoney } from '../../core/index.js';
import type { DemoAnalysis } from './analyze.js';

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const pct = (share: number | null | undefined) => (share === null || share === undefined ? '—' : `${(share * 100).toFixed(1)}%`);
const yuan = (minor: number) => formatMoney({ amountMinor: Math.round(minor), currency: 'CNY' });

/** Renders the analysis as plain text for a terminal. */
export function renderSummary(analysis: DemoAnalysis): string {
  const dealerName = new Map(analysis.dealers.map((d) => [d.id, d.name]));
  const lines: string[] = [];
  const heading = (text: string) => lines.push('', text, '─'.repeat(Math.min(72, text.length + 8)));
  lines.push(`dealer-crm demo — ${analysis.dealers.length} dealers, as of ${analysis.asOf.toISOString().slice(0, 10)}`);
  lines.push(`${int(analysis.counts.customers)} customers, ${int(analysis.counts.vehicles)} vehicles, ${int(analysis.counts.transactions)} transactions (${int(analysis.counts.repairOrders)} repair orders), ${int(analysis.counts.complaints)} complaint cases, ${int(analysis.counts.members)} club members`);

  heading('Data quality');
  const mobile = analysis.quality.fields.find((f) => f.field === 'mobile');
  const id = analysis.quality.fields.find((f) => f.field === 'idNumber');
  lines.push(`mobile filled ${pct(mobile?.fillRate)}, valid ${pct(mobile?.validityRate)}; ID number filled ${pct(id?.fillRate)}, valid ${pct(id?.validityRate)}`);
  lines.push(`duplicates: ${int(analysis.quality.duplicates.duplicateRecords)} records (${pct(analysis.quality.duplicates.duplicateRate)}) in ${int(analysis.quality.duplicates.clusterCount)} clusters; stale (not verified for a year): ${pct(analysis.quality.staleness.staleShare)}`);

  heading('Customer pyramid (gross profit, last 12 months)');
  for (const zone of analysis.pyramid.zones) {
    lines.push(`${zone.label.padEnd(14)} ${int(zone.customerCount).padStart(6)} customers (${pct(zone.customerShare).padStart(6)})  profit ${yuan(zone.profitMinor).padStart(16)} (${pct(zone.profitShare).padStart(6)})  → ${zone.strategy}`);
  }
  lines.push(`ABC: ${analysis.abc.classes.map((c) => `${c.segment} ${int(c.customerCount)} (${pct(c.revenueShare)} of revenue)`).join(', ')}`);
  lines.push(`Quadrants: ${analysis.quadrants.quadrants.map((q) => `${q.segment} ${int(q.customerCount)}`).join(', ')}`);
  lines.push(`RFM segments: ${Object.entries(analysis.rfmSegments).filter(([, n]) => n > 0).map(([name, n]) => `${name} ${int(n)}`).join(', ')}`);
  lines.push(`Contact plan: ${int(analysis.contactPlan.planned)} calls planned, ${int(analysis.contactPlan.overdue)} overdue; ${int(analysis.contactPlan.skippedNoConsent)} skipped for lack of marketing consent`);

  heading('Loyalty');
  const l = analysis.loyalty.liability;
  lines.push(`tiers: ${Object.entries(analysis.loyalty.tiers).map(([tier, n]) => `${tier} ${int(n)}`).join(', ')}`);
  lines.push(`outstanding ${int(l.outstandingPoints)} points worth ${yuan(l.valueMinor)}; expected breakage ${pct(l.breakageRate)} (${l.breakageSource}); liability to book ${yuan(l.liabilityMinor)}`);

  heading('Complaints: SLA board');
  for (const row of analysis.sla.report.rows) {
    if (row.key.dealerId === undefined) continue;
    lines.push(`${(dealerName.get(row.key.dealerId) ?? row.key.dealerId).padEnd(14)} ${int(row.cases).padStart(4)} cases, compliance ${pct(row.complianceRate)}`);
  }
  lines.push(`open cases ${int(analysis.sla.openCases)}, ${int(analysis.sla.breachedOpenCases)} breached; escalations due now: ${int(analysis.sla.escalationsDue)}`);
  lines.push(`flagged under ${pct(analysis.sla.report.complianceThreshold)}: ${analysis.sla.report.flaggedDealers.map((d) => dealerName.get(d.dealerId) ?? d.dealerId).join(', ') || 'none'}`);

  heading('Retention');
  const fit = analysis.retention.fit;
  lines.push(`BG/NBD (weeks) r ${fit.params.r.toFixed(3)} α ${fit.params.alpha.toFixed(2)} a ${fit.params.a.toFixed(3)} b ${fit.params.b.toFixed(3)}, ${fit.converged ? 'converged' : 'NOT converged'} in ${fit.iterations} iterations`);
  lines.push(`expected service visits next quarter: ${int(analysis.retention.expectedVisitsNextQuarter)} (${analysis.dealers.map((d) => `${d.id} ${int(analysis.retention.expectedVisitsByDealer[d.id] ?? 0)}`).join(', ')})`);
  lines.push(`mean P(alive) ${pct(analysis.retention.meanProbabilityAlive)}; 3-year CLV at 35% margin ${yuan(analysis.retention.totalClvMinor)}`);
  lines.push(`vehicles overdue for service ${int(analysis.service.overdueVehicles)}, due within 30 days ${int(analysis.service.dueSoonVehicles)}`);

  heading('Call this week (top 5 at-risk service customers)');
  for (const c of analysis.atRisk.slice(0, 5)) {
    const name = [...c.maskedName].length > 6 ? `${[...c.maskedName].slice(0, 5).join('')}…` : c.maskedName;
    lines.push(`${c.dealerId} ${padToColumns(name, 12)} ${String(c.maskedPhone ?? '').padEnd(12)} risk ${c.score.toFixed(2)}  ${c.reasons[0] ?? ''}`);
  }
  return lines.join('\n');
}

/** Pads to a width in terminal columns: CJK characters take two. */
function padToColumns(text: string, columns: number): string {
  let width = 0;
  for (const char of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(char) ? 2 : 1;
  return text + ' '.repeat(Math.max(0, columns - width));
}
