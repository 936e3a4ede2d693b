import { z } from 'zod';

/**
 * How customers with equal values are handled at a zone or class boundary:
 * - `by_customer_id` (the default) — equal values are ordered by customer id
 *   (ascending, UTF-16 code-unit order, as `<` compares strings), so the
 *   boundary falls between them in the same place on every run, whatever the
 *   input order, and zone sizes stay exactly as apportioned;
 * - `same_zone` — a group of equal values is never split: the whole group
 *   goes to the zone of its best-ranked member, and the zone below is that
 *   much smaller (counts still sum to the base).
 */
export const RankingTieRuleSchema = z.enum(['by_customer_id', 'same_zone']);

/** How equal values are handled at a boundary; see {@link RankingTieRuleSchema}. */
export type RankingTieRule = z.infer<typeof RankingTieRuleSchema>;
