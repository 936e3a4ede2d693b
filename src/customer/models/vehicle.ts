import { z } from 'zod';
import { CalendarDateSchema, IdSchema, InstantSchema, MetadataSchema } from '../../core/index.js';
import { validateVin } from '../identifiers/vin.js';

/**
 * A VIN, normalised (upper case, no spaces) and validated under ISO 3779 /
 * GB 16735 including the check character.
 */
export const VinSchema = z.string().transform((value, ctx) => {
  const result = validateVin(value);
  if (!result.valid) {
    ctx.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  }
  return result.vin;
});

/** A licence plate the vehicle carried over a period. */
export const PlateRecordSchema = z.strictObject({
  /** The plate as issued, e.g. `沪A12345` or `粤BD12345` (new energy). */
  plate: z.string().trim().min(5).max(10),
  from: InstantSchema,
  /** When the plate was given up; absent while current. */
  to: InstantSchema.optional(),
});

/** One odometer reading: kilometres at an instant, and where it was read. */
export const OdometerReadingSchema = z.strictObject({
  at: InstantSchema,
  km: z.number().nonnegative({ error: 'odometer reading must not be negative' }).max(5_000_000),
  source: z.enum(['repair_order', 'sale', 'telematics', 'customer', 'inspection', 'other']),
});

/** Propulsion of a vehicle, as China's registration distinguishes it. */
export const FuelTypeSchema = z.enum(['petrol', 'diesel', 'hybrid', 'phev', 'bev', 'erev', 'fcev', 'other']);

/**
 * A vehicle, identified by its VIN, with its plate and odometer history and
 * its purchase and warranty dates. Who owns or drives it is an {@link Ownership}.
 */
export const VehicleSchema = z
  .strictObject({
    id: IdSchema,
    vin: VinSchema,
    make: z.string().trim().min(1).max(60),
    model: z.string().trim().min(1).max(100),
    modelYear: z.number().int().min(1950).max(2100),
    trim: z.string().max(100).optional(),
    fuelType: FuelTypeSchema.optional(),
    color: z.string().max(60).optional(),
    plates: z.array(PlateRecordSchema).default([]),
    odometer: z.array(OdometerReadingSchema).default([]),
    /** The calendar day the vehicle was first sold to an end customer. */
    purchaseDate: CalendarDateSchema.optional(),
    /** The dealer that sold it, if known. */
    sellingDealerId: IdSchema.optional(),
    warrantyStart: CalendarDateSchema.optional(),
    warrantyEnd: CalendarDateSchema.optional(),
    /** Warranty mileage limit in kilometres. */
    warrantyKm: z.number().int().positive().optional(),
    metadata: MetadataSchema.optional(),
  })
  .superRefine((vehicle, ctx) => {
    if (vehicle.warrantyStart && vehicle.warrantyEnd && vehicle.warrantyEnd < vehicle.warrantyStart) {
      ctx.addIssue({ code: 'custom', path: ['warrantyEnd'], message: 'warrantyEnd is before warrantyStart' });
    }
    vehicle.plates.forEach((plate, index) => {
      if (plate.to && plate.to.getTime() < plate.from.getTime()) {
        ctx.addIssue({ code: 'custom', path: ['plates', index, 'to'], message: 'plate period ends before it starts' });
      }
    });
  });

/** A vehicle; see {@link VehicleSchema}. */
export type Vehicle = z.output<typeof VehicleSchema>;
/** A vehicle as accepted on input. */
export type VehicleInput = z.input<typeof VehicleSchema>;
/** A plate period; see {@link PlateRecordSchema}. */
export type PlateRecord = z.output<typeof PlateRecordSchema>;
/** An odometer reading; see {@link OdometerReadingSchema}. */
export type OdometerReading = z.output<typeof OdometerReadingSchema>;
/** A vehicle's propulsion; see {@link FuelTypeSchema}. */
export type FuelType = z.infer<typeof FuelTypeSchema>;
