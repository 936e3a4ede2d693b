import type { Clock } from '../core/index.js';
import type { CrmStorageOperations } from '../adapters/index.js';
import type { BusinessCalendar, SlaPolicy } from '../complaints/index.js';
import type { SurvivorshipPolicy } from '../customer/index.js';
import type { LoyaltyProgram } from '../loyalty/index.js';
import type { ChurnRiskPolicy } from '../retention/index.js';
import type { CrmAccessPolicy } from './access-policy.js';
import type { CrmKeyRing } from './field-crypto.js';
import type { CrmPersonalField } from './personal-fields.js';
import type { CrmCollectionSchemas, CrmFacadeStorage, CrmStreamSchemas } from './storage-registry.js';

/** The calls of a storage transaction over the facade's registry. Internal to the facade. */
export type CrmTx = CrmStorageOperations<CrmCollectionSchemas, CrmStreamSchemas>;

/** Everything a facade instance works with, checked once by `createCrm`. Internal to the facade. */
export interface CrmRuntime {
  readonly storage: CrmFacadeStorage;
  readonly access: CrmAccessPolicy;
  readonly clock: Clock;
  readonly ids: () => string;
  /** The key ring, or null when the facade runs without keys (no encrypted fields). */
  readonly ring: CrmKeyRing | null;
  readonly encrypted: ReadonlySet<CrmPersonalField>;
  readonly perCustomerKeys: boolean;
  readonly programs: ReadonlyMap<string, LoyaltyProgram>;
  readonly sla: { readonly default: SlaPolicy; readonly byDealer: ReadonlyMap<string, SlaPolicy> };
  readonly survivorship: SurvivorshipPolicy;
  readonly churnRisk: ChurnRiskPolicy;
  /** Business calendars by dealer id, `default` for the rest: working days of contact plans. */
  readonly calendars: ReadonlyMap<string, BusinessCalendar>;
  /** Days without activity after which a prospect's personal data is erased by the retention-limits job. */
  readonly prospectRetentionDays: number;
  readonly outboxStreamId: string;
  readonly retry: { readonly maxAttempts: number; readonly maxDelayMs: number };
}
