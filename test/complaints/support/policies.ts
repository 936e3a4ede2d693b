/** Policies and event helpers shared by the SLA tests. */
import { alwaysOpenCalendarConfig, defineSlaPolicy, type ComplaintEventInput } from 'dealer-crm/complaints';
import { HOUR, MINUTE, china } from './calendars.js';

/**
 * A dealer's own promise on its office hours (China office calendar,
 * 08:30–12:00 and 13:30–18:00 on working days): first response within 1
 * business hour, complex matters resolved within 24 business hours, difficult
 * ones within 72; rescue on the 24×7 hotline.
 */
export const dealerPolicy = defineSlaPolicy({
  id: 'dealer-0571',
  name: 'Store 0571 promise',
  calendars: { office: china, hotline: alwaysOpenCalendarConfig('Asia/Shanghai') },
  targets: {
    enquiry: { firstResponse: { targetMs: 2 * HOUR, calendar: 'office' } },
    complex: { firstResponse: { targetMs: HOUR, calendar: 'office' }, resolution: { targetMs: 24 * HOUR, calendar: 'office' } },
    difficult: { firstResponse: { targetMs: HOUR, calendar: 'office' }, resolution: { targetMs: 72 * HOUR, calendar: 'office' } },
    emergency: { firstResponse: { targetMs: 0, calendar: 'hotline' }, periodicUpdate: { targetMs: 30 * MINUTE, calendar: 'hotline' } },
  },
  escalations: [
    { level: 'service_advisor', atShare: 0.5 },
    { level: 'service_manager', atShare: 0.75 },
    { level: 'general_manager', atShare: 1 },
    { level: 'oem_region', atShare: 1.5, metrics: ['resolution'] },
  ],
});

/** Builds the events of one case: `opened` first, then one call per event. */
export function caseLog(caseId: string, opened: { at: string; severity: string; category?: string; dealerId?: string }) {
  let n = 0;
  const events: ComplaintEventInput[] = [
    {
      type: 'opened',
      id: `${caseId}-e0`,
      caseId,
      at: opened.at,
      dealerId: opened.dealerId ?? 'D-0571',
      channel: 'oem_hotline',
      severity: opened.severity,
      category: opened.category ?? 'service_quality',
    } as ComplaintEventInput,
  ];
  const log = {
    events,
    add(type: string, at: string, extra: Record<string, unknown> = {}) {
      n += 1;
      events.push({ id: `${caseId}-e${n}`, caseId, at, type, ...extra } as ComplaintEventInput);
      return log;
    },
  };
  return log;
}
