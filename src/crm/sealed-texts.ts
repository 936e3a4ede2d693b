import { digestId } from './bounded-id.js';
import { queryAll } from './reads.js';
import type { OperationScope } from './operation.js';
import type { CrmTx } from './runtime.js';
import type { SealedText } from './stored-records.js';
import { cipherFor } from './subject-keys.js';

/** Where a piece of free text belongs. Internal to the facade. */
export interface TextOwner {
  readonly owner: SealedText['owner'];
  readonly ownerId: string;
  /** The complaint event, or null. */
  readonly itemId: string | null;
  /** The customer the text is about, or null. */
  readonly customerId: string | null;
}

const subjectOf = (owner: TextOwner) => (owner.customerId === null ? `case:${owner.ownerId}` : owner.customerId);

/**
 * Encrypts free-text fields into `sealed_texts` (one record per field,
 * bound to the customer, or to the case when it has none). Absent fields
 * are skipped. Internal to the facade.
 */
export async function sealTexts(scope: Pick<OperationScope<unknown>, 'rt' | 'tenantId'>, tx: CrmTx, owner: TextOwner, texts: Readonly<Record<string, string | undefined>>): Promise<void> {
  const entries = Object.entries(texts).filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (entries.length === 0) return;
  const cipher = await cipherFor(scope.rt, tx, scope.tenantId, owner.customerId === null ? { subjectId: subjectOf(owner) } : { customerId: owner.customerId }, true);
  const records: SealedText[] = [];
  for (const [field, text] of entries) {
    records.push({
      id: digestId(owner.owner, owner.ownerId, owner.itemId ?? '', field),
      customerId: owner.customerId,
      subjectId: subjectOf(owner),
      owner: owner.owner,
      ownerId: owner.ownerId,
      itemId: owner.itemId,
      field,
      value: await cipher.seal(`${owner.owner}.${field}`, text),
    });
  }
  await tx.putMany(scope.tenantId, 'sealed_texts', records.map((record) => ({ record })));
}

/** Decrypts stored texts: `[itemId ?? ownerId][field] → text`; texts whose data key was destroyed are left out. Internal to the facade. */
export async function openTexts(scope: Pick<OperationScope<unknown>, 'rt' | 'tenantId'>, tx: CrmTx, records: readonly SealedText[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  const ciphers = new Map<string, Awaited<ReturnType<typeof cipherFor>>>();
  for (const record of records) {
    let cipher = ciphers.get(record.subjectId);
    if (cipher === undefined) {
      cipher = await cipherFor(scope.rt, tx, scope.tenantId, record.customerId === null ? { subjectId: record.subjectId } : { customerId: record.customerId }, false);
      ciphers.set(record.subjectId, cipher);
    }
    const text = await cipher.open(`${record.owner}.${record.field}`, record.value);
    if (typeof text !== 'string') continue;
    const key = record.itemId ?? record.ownerId;
    out.set(key, { ...(out.get(key) ?? {}), [record.field]: text });
  }
  return out;
}

/** Every stored text of an owner (an interaction or a case). Internal to the facade. */
export async function textsOfOwner(scope: Pick<OperationScope<unknown>, 'tenantId'>, tx: CrmTx, ownerId: string): Promise<SealedText[]> {
  return (await queryAll(tx, scope.tenantId, 'sealed_texts', { ownerId })).map((item) => item.record);
}

/** Every stored text about a customer. Internal to the facade. */
export async function textsOfCustomer(scope: Pick<OperationScope<unknown>, 'tenantId'>, tx: CrmTx, customerId: string): Promise<SealedText[]> {
  return (await queryAll(tx, scope.tenantId, 'sealed_texts', { customerId })).map((item) => item.record);
}
