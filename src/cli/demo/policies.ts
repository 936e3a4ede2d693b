/**
 * The demo group's rules as data: its owners' club (loyalty program), the
 * complaint SLA policy (the OEM promise) and the stores' service calendars.
 */
import { defaultComplaintSlaPolicy, defineChinaBusinessCalendar, type BusinessCalendar, type SlaPolicy } from '../../complaints/index.js';
import { defineLoyaltyProgram, type LoyaltyProgram } from '../../loyalty/index.js';

const OFFICE = [
  { start: '08:30', end: '12:00' },
  { start: '13:30', end: '18:00' },
];

/** The service department hours of every demo store, on China's holiday calendar. */
export const demoStoreCalendar: BusinessCalendar = defineChinaBusinessCalendar({
  name: 'Store service department',
  weeklyHours: { monday: OFFICE, tuesday: OFFICE, wednesday: OFFICE, thursday: OFFICE, friday: OFFICE, saturday: [{ start: '09:00', end: '17:00' }] },
  makeUpDayHours: OFFICE,
});

/** The group's complaint promise: the OEM's default, around the clock. */
export const demoSlaPolicy: SlaPolicy = defaultComplaintSlaPolicy;

/**
 * The group's owners' club: 1 point per yuan of customer-paid labor and parts,
 * 0.1 per yuan of a car, points valid to the end of the month two years on,
 * three tiers on qualifying points over a rolling year, yearly washes, waxes
 * and inspections, discounts for the top tier.
 */
export const demoLoyaltyProgram: LoyaltyProgram = defineLoyaltyProgram({
  id: 'yrd-club',
  name: '长三角大众车主俱乐部',
  currency: 'CNY',
  timeZone: 'Asia/Shanghai',
  earning: {
    rates: { vehicle_sale: 0.1, repair_order: { labor: 1, parts: 1 }, parts_sale: { parts: 1 } },
    rounding: 'floor',
    excludedPayTypes: ['warranty', 'internal', 'insurance'],
    excludedServiceKinds: ['recall'],
    maxPointsPerTransaction: { vehicle_sale: 30_000 },
  },
  bonuses: {
    welcome: { points: 2000, withinDays: 30 },
    birthday: { points: 500, windowDays: 30 },
  },
  expiry: { kind: 'after_months', months: 24, at: 'end_of_month' },
  tiers: {
    basis: 'qualifying_points',
    window: { kind: 'rolling', months: 12 },
    review: { kind: 'yearly', month: 1, day: 1 },
    graceDays: 60,
    maxLevelsDown: 1,
    levels: [
      { id: 'silver', name: '银卡', threshold: 0, quotas: { wash: 2 } },
      { id: 'gold', name: '金卡', threshold: 4000, earnMultiplier: 1.25, quotas: { wash: 6, wax: 2, inspection: 4 }, discounts: { labor: 0.1 } },
      { id: 'platinum', name: '铂金卡', threshold: 15000, earnMultiplier: 1.5, quotas: { wash: 12, wax: 4, inspection: 6 }, discounts: { labor: 0.3, parts: 0.05 } },
    ],
  },
  benefits: {
    catalogue: [
      { id: 'wash', name: '洗车' },
      { id: 'wax', name: '打蜡' },
      { id: 'inspection', name: '多项检查' },
    ],
  },
  rewards: [
    { id: 'oil-service', name: '机油机滤保养', points: 8000 },
    { id: 'floor-mats', name: '全天候脚垫', points: 5000 },
  ],
  reversal: { shortfall: 'claw_back' },
});

/** The value of one point for the liability figure: ¥0.01 (one fen). */
export const demoPointValue = { amountMinor: 1, perPoints: 1 } as const;
