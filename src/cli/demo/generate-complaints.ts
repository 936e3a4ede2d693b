/**
 * Complaint cases for the demo group, as the event logs a DMS records: every
 * severity of the OEM promise (enquiries, complex and difficult complaints,
 * roadside rescues with their 30-minute updates), pauses while waiting on the
 * customer, reopens, satisfaction scores, and a few cases still open at the
 * demo's `asOf`. Dealers differ in how fast they answer, so the SLA board has
 * something to show.
 */
import type { ComplaintCategory, ComplaintEventInput, ComplaintRootCause, ComplaintSeverity } from '../../complaints/index.js';
import type { Customer, Vehicle } from '../../customer/index.js';
import type { DemoDealer } from './generate.js';
import { SeededRandom } from './random.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const RECENT_CASES = 30;

/** How quickly a dealer answers: multiplies every response and resolution time. */
const DEALER_PACE: Readonly<Record<string, number>> = { 'D-SH-01': 0.7, 'D-HZ-01': 1, 'D-SZ-01': 1.6 };

const CATEGORY_BY_SEVERITY: Readonly<Record<ComplaintSeverity, readonly (readonly [ComplaintCategory, number])[]>> = {
  enquiry: [['billing', 3], ['warranty', 3], ['parts_availability', 2], ['other', 2]],
  complex: [['service_quality', 4], ['waiting_time', 3], ['price', 2], ['staff_attitude', 2], ['parts_availability', 2]],
  difficult: [['product_quality', 5], ['warranty', 2], ['service_quality', 2], ['sales_process', 1]],
  emergency: [['roadside_rescue', 1]],
};

const ROOT_CAUSE_BY_CATEGORY: Partial<Record<ComplaintCategory, readonly ComplaintRootCause[]>> = {
  service_quality: ['service_quality', 'process', 'communication'],
  waiting_time: ['waiting_time', 'process', 'parts_availability'],
  price: ['price', 'customer_expectation', 'communication'],
  staff_attitude: ['staff_attitude', 'communication'],
  parts_availability: ['parts_availability', 'third_party'],
  product_quality: ['product_quality', 'no_fault_found', 'product_quality'],
  warranty: ['product_quality', 'customer_expectation', 'process'],
  sales_process: ['process', 'communication'],
  roadside_rescue: ['product_quality', 'third_party', 'customer_expectation'],
};

/** An event without the fields the generator fills in; `at` in epoch ms, defaulting to the case clock. */
type EventDraft = ComplaintEventInput extends infer E ? (E extends unknown ? Omit<E, 'id' | 'caseId' | 'at'> & { at?: number } : never) : never;

/** Options of {@link generateComplaints}. */
export interface GenerateComplaintsOptions {
  readonly seed: number;
  readonly asOf: Date;
  readonly start: Date;
  readonly dealers: readonly DemoDealer[];
  readonly customers: readonly Customer[];
  /** Vehicles by owning customer, to put a VIN on product complaints and rescues. */
  readonly vehiclesByCustomer: ReadonlyMap<string, readonly Vehicle[]>;
  /** Cases per customer over the whole history. */
  readonly rate?: number;
}

/** Generates the complaint event logs, one array of events per case, each in time order. */
export function generateComplaints(options: GenerateComplaintsOptions): ComplaintEventInput[][] {
  const rng = new SeededRandom(options.seed ^ 0x0c0ffee);
  const buyers = options.customers.filter((c) => c.lifecycleStage !== 'prospect');
  const count = Math.round(buyers.length * (options.rate ?? 0.08));
  const span = options.asOf.getTime() - options.start.getTime();
  const cases: ComplaintEventInput[][] = [];

  for (let n = 0; n < count; n++) {
    const customer = rng.pick(buyers);
    const pace = DEALER_PACE[customer.dealerId] ?? 1;
    // More cases lately (a square-root draw leans towards the end of the history),
    // and the last few opened in the 30 hours before asOf, so some are still open.
    const offset = n >= count - RECENT_CASES ? span - rng.next() * 30 * HOUR : Math.sqrt(rng.next()) * span;
    const openedAt = new Date(options.start.getTime() + Math.floor(offset / MINUTE) * MINUTE);
    const severity = rng.weighted<ComplaintSeverity>([['enquiry', 45], ['complex', 32], ['difficult', 15], ['emergency', 8]]);
    const category = rng.weighted(CATEGORY_BY_SEVERITY[severity]);
    const caseId = `K-${String(n + 1).padStart(6, '0')}`;
    const vin = options.vehiclesByCustomer.get(customer.id)?.[0]?.vin;
    const events: ComplaintEventInput[] = [];
    let seq = 0;
    let clock = openedAt.getTime();
    const push = (event: EventDraft) => {
      const at = event.at ?? clock;
      if (at > options.asOf.getTime()) return false;
      events.push({ ...event, id: `${caseId}-${++seq}`, caseId, at: new Date(at) } as ComplaintEventInput);
      return true;
    };
    const channel = severity === 'emergency' ? 'oem_hotline' : rng.pick(['oem_hotline', 'dealer_phone', 'walk_in', 'wechat', 'app'] as const);
    push({
      type: 'opened',
      dealerId: customer.dealerId,
      customerId: customer.id,
      ...(vin && (category === 'product_quality' || category === 'roadside_rescue' || category === 'warranty') ? { vin } : {}),
      channel,
      severity,
      category,
    });
    const rootCauses = ROOT_CAUSE_BY_CATEGORY[category] ?? ['other'];
    const resolve = (afterMs: number) => {
      clock += afterMs;
      if (!push({ type: 'resolved', rootCause: rng.pick(rootCauses) })) return false;
      if (rng.chance(0.75)) {
        clock += rng.int(4, 60) * HOUR * pace;
        push({ type: 'satisfaction_recorded', score: rng.weighted([[5, 40], [4, 30], [3, 15], [2, 10], [1, 5]] as const) });
      }
      return true;
    };

    if (severity === 'enquiry') {
      // Answered on the call itself, unless the line was busy.
      clock += rng.chance(0.88 / pace) ? 0 : rng.int(5, 240) * MINUTE * pace;
      if (push({ type: 'public_reply' })) resolve(rng.int(1, 60) * MINUTE);
    } else if (severity === 'emergency') {
      clock += rng.chance(0.96) ? 0 : rng.int(2, 15) * MINUTE;
      if (push({ type: 'public_reply' })) {
        const updates = rng.int(2, 7);
        for (let u = 0; u < updates; u++) {
          const late = rng.chance(0.12 * pace);
          clock += (late ? rng.int(31, 55) : rng.int(15, 29)) * MINUTE;
          if (!push({ type: 'public_reply' })) break;
        }
        resolve(rng.int(5, 25) * MINUTE);
      }
    } else {
      const targetHours = severity === 'complex' ? 24 : 72;
      clock += rng.int(5, 120) * MINUTE * pace;
      if (!push({ type: 'public_reply' })) {
        cases.push(events);
        continue;
      }
      push({ type: 'status_changed', to: 'in_progress', at: clock + 10 * MINUTE });
      clock += 10 * MINUTE;
      if (rng.chance(0.3)) {
        clock += rng.int(1, 6) * HOUR;
        push({ type: 'status_changed', to: 'waiting_on_customer' });
        clock += rng.int(2, 48) * HOUR;
        push({ type: 'customer_reply' });
      }
      // Most cases close inside the target; slow dealers overrun more often.
      const share = rng.chance(Math.min(0.95, 0.88 / pace)) ? 0.2 + rng.next() * 0.7 : 1.05 + rng.next() * 1.5;
      if (resolve(share * targetHours * HOUR) && rng.chance(0.06)) {
        clock += rng.int(1, 10) * 24 * HOUR;
        if (push({ type: 'reopened', reason: '问题再次出现' })) resolve(rng.int(2, 30) * HOUR * pace);
      }
    }
    cases.push(events);
  }
  return cases;
}
