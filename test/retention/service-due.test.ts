import { describe, expect, test } from 'vitest';
import { parse, ValidationError } from 'dealer-crm/core';
import { VehicleSchema, type VehicleInput } from 'dealer-crm/customer';
import { defaultServiceIntervalPolicy, defineServiceIntervalPolicy, serviceDue, type ServiceDueVisit } from 'dealer-crm/retention';

const vehicle = (extra: Partial<VehicleInput> = {}) =>
  parse(VehicleSchema, { id: 'V1', vin: 'LFV2A21KXB3012345', make: 'Volkswagen', model: 'Lavida', modelYear: 2024, purchaseDate: '2024-01-01', ...extra });
const at = (iso: string) => new Date(iso);
const maintenance = (iso: string, odometerKm?: number): ServiceDueVisit => ({ at: at(iso), serviceKind: 'maintenance', ...(odometerKm === undefined ? {} : { odometerKm }) });

// Day numbers of 2024 (a leap year) from Jan 1 = day 0: Apr 10 = 100, Jun 18 = 169, Jul 1 = 182, Aug 13 = 225.

describe('serviceDue', () => {
  test('is due by mileage when the car is driven hard: 40 km a day from 4 000 km reaches 9 000 km on Aug 13', () => {
    const car = vehicle({ odometer: [{ at: '2024-06-18T00:00:00+08:00', km: 6760, source: 'telematics' }] });
    const due = serviceDue(car, [maintenance('2024-04-10T00:00:00+08:00', 4000)], defaultServiceIntervalPolicy, { asOf: at('2024-07-01T00:00:00+08:00') });
    // Readings 0 km (purchase, day 0), 4000 (day 100), 6760 (day 169) lie on 40 km/day exactly.
    expect(due.kmPerDay).toBeCloseTo(40, 9);
    expect(due.rateSource).toBe('readings');
    expect(due.dueKm).toBe(9000);
    expect(due.basis).toBe('mileage');
    expect(due.dueAt).toEqual(at('2024-08-13T00:00:00+08:00'));
    expect(due.dueByTimeAt).toEqual(at('2024-10-10T00:00:00+08:00'));
    expect(due.estimatedKmAtAsOf).toBeCloseTo(6760 + 40 * 13, 6);
    expect(due).toMatchObject({ status: 'not_due', daysUntilDue: 43, overdueDays: 0 });
    expect(due.lastService).toEqual({ at: at('2024-04-10T00:00:00+08:00'), km: 4000 });
  });

  test('is overdue by time when the car is barely driven: six months after Apr 10 is Oct 10, 22 days before Nov 1', () => {
    const car = vehicle({ odometer: [{ at: '2024-06-18T00:00:00+08:00', km: 845, source: 'customer' }] });
    const due = serviceDue(car, [maintenance('2024-04-10T00:00:00+08:00', 500)], defaultServiceIntervalPolicy, { asOf: at('2024-11-01T00:00:00+08:00') });
    expect(due.kmPerDay).toBeCloseTo(5, 9);
    expect(due.basis).toBe('time');
    expect(due.dueAt).toEqual(at('2024-10-10T00:00:00+08:00'));
    expect(due).toMatchObject({ status: 'overdue', overdueDays: 22, daysUntilDue: 0 });
  });

  test('schedules the first service from the purchase date, at the default rate when nothing else is known', () => {
    const car = vehicle();
    const policy = defaultServiceIntervalPolicy;
    const early = serviceDue(car, [], policy, { asOf: at('2024-03-01T00:00:00+08:00') });
    // 3 000 km at the default 33 km/day: 90.9 days after Jan 1, before the 3-month limit (Apr 1).
    expect(early.rateSource).toBe('default');
    expect(early.kmPerDay).toBe(33);
    expect(early.basis).toBe('mileage');
    expect(early.dueAt!.getTime()).toBe(Math.round(at('2024-01-01T00:00:00+08:00').getTime() + (3000 / 33) * 86_400_000));
    expect(early.dueByTimeAt).toEqual(at('2024-04-01T00:00:00+08:00'));
    expect(early.lastService).toBeNull();
    // Mar 1 is day 60: ceil(90.9 − 60) = 31 days to go; a day later it is within the 30 due-soon days.
    expect(early).toMatchObject({ status: 'not_due', daysUntilDue: 31 });
    expect(serviceDue(car, [], policy, { asOf: at('2024-03-02T00:00:00+08:00') })).toMatchObject({ status: 'due_soon', daysUntilDue: 30 });
  });

  test('counts only the kinds in the policy and this vehicle’s visits', () => {
    const car = vehicle({ odometer: [{ at: '2024-06-18T00:00:00+08:00', km: 6760, source: 'telematics' }] });
    const history: ServiceDueVisit[] = [
      maintenance('2024-04-10T00:00:00+08:00', 4000),
      { at: at('2024-05-20T00:00:00+08:00'), serviceKind: 'repair', odometerKm: 5600 },
      { at: at('2024-06-01T00:00:00+08:00'), serviceKind: 'maintenance', vehicleId: 'V2', odometerKm: 100 },
    ];
    const due = serviceDue(car, history, defaultServiceIntervalPolicy, { asOf: at('2024-07-01T00:00:00+08:00') });
    expect(due.lastService!.at).toEqual(at('2024-04-10T00:00:00+08:00'));
    // The repair's reading (day 140, 5 600 km) is on the same 40 km/day line.
    expect(due.kmPerDay).toBeCloseTo(40, 9);
    const withRepairs = defineServiceIntervalPolicy({ ...defaultServiceIntervalPolicy, serviceKinds: ['maintenance', 'repair'] });
    expect(serviceDue(car, history, withRepairs, { asOf: at('2024-07-01T00:00:00+08:00') }).lastService!.at).toEqual(at('2024-05-20T00:00:00+08:00'));
  });

  test('adds calendar months in the policy time zone, clamping to the month end', () => {
    const car = vehicle();
    const due = serviceDue(car, [maintenance('2024-08-31T10:00:00+08:00')], defaultServiceIntervalPolicy, { asOf: at('2024-09-01T00:00:00+08:00') });
    expect(due.dueByTimeAt).toEqual(at('2025-02-28T10:00:00+08:00'));
  });

  test('says the schedule is unknown when nothing anchors it', () => {
    const car = parse(VehicleSchema, { id: 'V9', vin: 'LFV2A21KXB3012345', make: 'Volkswagen', model: 'Lavida', modelYear: 2020 });
    expect(serviceDue(car, [], defaultServiceIntervalPolicy, { asOf: at('2024-09-01T00:00:00+08:00') })).toMatchObject({ status: 'unknown', dueAt: null, basis: null });
  });

  test('rejects readings and visits after asOf, and bad policies', () => {
    const car = vehicle({ odometer: [{ at: '2024-12-18T00:00:00+08:00', km: 6760, source: 'telematics' }] });
    try {
      serviceDue(car, [maintenance('2024-12-10T00:00:00+08:00', 4000)], defaultServiceIntervalPolicy, { asOf: at('2024-07-01T00:00:00+08:00') });
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['vehicle.odometer[0].at', 'history[0].at']);
    }
    expect(() => defineServiceIntervalPolicy({ ...defaultServiceIntervalPolicy, intervalKm: -5 })).toThrow(ValidationError);
    expect(() => serviceDue(vehicle(), [], defaultServiceIntervalPolicy, { asOf: 'yesterday' as unknown as Date })).toThrow(ValidationError);
    expect(Object.isFrozen(defaultServiceIntervalPolicy.serviceKinds)).toBe(true);
  });
});
