import { z } from 'zod';
import {
  CurrencyCodeSchema,
  IdSchema,
  InstantSchema,
  MetadataSchema,
  MinorUnitsSchema,
  NonNegativeMinorUnitsSchema,
} from '../../core/index.js';

/**
 * Who pays for a repair-order line: the `customer`, the OEM under `warranty`,
 * the dealer itself (`internal`, e.g. reconditioning a used car) or an `insurance` company.
 */
export const PayTypeSchema = z.enum(['customer', 'warranty', 'internal', 'insurance']);

/** The kind of a line: `labor`, `parts`, `sublet` (work bought in) or `other` (fees, consumables). */
export const LineCategorySchema = z.enum(['labor', 'parts', 'sublet', 'other']);

/**
 * One line of a repair order or a parts sale, with its revenue and cost in
 * minor units. Quantity is positive (labor hours may be fractional).
 */
export const TransactionLineSchema = z.strictObject({
  category: LineCategorySchema,
  /** The labor operation code or part number. */
  code: z.string().max(64).optional(),
  description: z.string().max(500).optional(),
  quantity: z.number().positive({ error: 'quantity must be positive' }).finite(),
  /** What the line earned, after discounts, in minor units. */
  revenueMinor: NonNegativeMinorUnitsSchema,
  /** What the line cost the dealer, in minor units. */
  costMinor: NonNegativeMinorUnitsSchema,
  payType: PayTypeSchema.default('customer'),
});

const base = {
  id: IdSchema,
  /** The dealer (4S store) where the transaction happened. */
  dealerId: IdSchema,
  customerId: IdSchema,
  /** When the transaction was completed (invoiced). */
  at: InstantSchema,
  currency: CurrencyCodeSchema,
  /** Total revenue in minor units. */
  revenueMinor: NonNegativeMinorUnitsSchema,
  /** Gross profit (revenue minus cost of sales) in minor units; negative for a loss. */
  grossProfitMinor: MinorUnitsSchema,
  metadata: MetadataSchema.optional(),
};

/** A vehicle sale: revenue and gross profit of the deal. */
export const VehicleSaleSchema = z.strictObject({
  type: z.literal('vehicle_sale'),
  ...base,
  vehicleId: IdSchema,
  saleKind: z.enum(['new', 'used', 'demo']),
  /** Whether the deal was financed (a loan or lease through the dealer). */
  financed: z.boolean().optional(),
});

/**
 * A service repair order (工单): labor and parts lines for one vehicle visit.
 * Totals must equal the sum of the lines.
 */
export const RepairOrderSchema = z.strictObject({
  type: z.literal('repair_order'),
  ...base,
  vehicleId: IdSchema,
  /** The dealer's repair-order number. */
  roNumber: z.string().max(64).optional(),
  /** The odometer at check-in, in kilometres. */
  odometerKm: z.number().nonnegative().max(5_000_000).optional(),
  serviceKind: z.enum(['maintenance', 'repair', 'warranty', 'accident', 'recall', 'inspection', 'other']),
  lines: z.array(TransactionLineSchema).min(1, { error: 'a repair order has at least one line' }),
});

/** A parts counter sale, with or without a vehicle. Totals must equal the sum of the lines. */
export const PartsSaleSchema = z.strictObject({
  type: z.literal('parts_sale'),
  ...base,
  vehicleId: IdSchema.optional(),
  lines: z.array(TransactionLineSchema).min(1, { error: 'a parts sale has at least one line' }),
});

/**
 * A transaction, discriminated by `type`: a vehicle sale, a service repair
 * order or a parts counter sale. Every transaction names its dealer, customer,
 * time, currency, revenue and gross profit in minor units; orders with lines
 * must have totals equal to the sum of their lines.
 *
 * @example
 * ```ts
 * const ro = parse(TransactionSchema, {
 *   type: 'repair_order', id: 'RO-1', dealerId: 'D1', customerId: 'C1', vehicleId: 'V1',
 *   at: '2024-03-02T10:00:00+08:00', currency: 'CNY', serviceKind: 'maintenance',
 *   revenueMinor: 80000, grossProfitMinor: 38000,
 *   lines: [
 *     { category: 'labor', quantity: 1.5, revenueMinor: 30000, costMinor: 12000 },
 *     { category: 'parts', quantity: 1, revenueMinor: 50000, costMinor: 30000 },
 *   ],
 * });
 * ```
 */
export const TransactionSchema = z
  .discriminatedUnion('type', [VehicleSaleSchema, RepairOrderSchema, PartsSaleSchema])
  .superRefine((transaction, ctx) => {
    if (transaction.type === 'vehicle_sale') return;
    let revenue = 0;
    let profit = 0;
    for (const line of transaction.lines) {
      revenue += line.revenueMinor;
      profit += line.revenueMinor - line.costMinor;
    }
    if (revenue !== transaction.revenueMinor) {
      ctx.addIssue({
        code: 'custom',
        path: ['revenueMinor'],
        message: `revenueMinor is ${transaction.revenueMinor} but the lines sum to ${revenue}`,
      });
    }
    if (profit !== transaction.grossProfitMinor) {
      ctx.addIssue({
        code: 'custom',
        path: ['grossProfitMinor'],
        message: `grossProfitMinor is ${transaction.grossProfitMinor} but the lines' revenue minus cost is ${profit}`,
      });
    }
  });

/** A transaction; see {@link TransactionSchema}. */
export type Transaction = z.output<typeof TransactionSchema>;
/** A transaction as accepted on input. */
export type TransactionInput = z.input<typeof TransactionSchema>;
/** A vehicle sale; see {@link VehicleSaleSchema}. */
export type VehicleSale = z.output<typeof VehicleSaleSchema>;
/** A repair order; see {@link RepairOrderSchema}. */
export type RepairOrder = z.output<typeof RepairOrderSchema>;
/** A parts counter sale; see {@link PartsSaleSchema}. */
export type PartsSale = z.output<typeof PartsSaleSchema>;
/** One line of an order; see {@link TransactionLineSchema}. */
export type TransactionLine = z.output<typeof TransactionLineSchema>;
/** The kind of transaction. */
export type TransactionType = Transaction['type'];
/** Who pays for a line. */
export type PayType = z.infer<typeof PayTypeSchema>;
/** The kind of a line. */
export type LineCategory = z.infer<typeof LineCategorySchema>;
