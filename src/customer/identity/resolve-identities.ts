import { z } from 'zod';
import { invalid, parse } from '../../core/index.js';
import { CustomerSchema, type Customer, type CustomerInput } from '../models/customer.js';
import { OwnershipRoleSchema, OwnershipSchema, type OwnershipInput, type OwnershipRole } from '../models/ownership.js';
import { VehicleSchema, type VehicleInput } from '../models/vehicle.js';
import { compareStrings } from '../internal/util.js';
import { identityKeys, recordKeyValues, type IdentityKey } from './identity-keys.js';

/** Options for {@link resolveIdentities}. */
export interface IdentityResolutionOptions {
  /** The keys that link records; default all of {@link identityKeys}. Drop `email` where family members share one. */
  readonly keys?: readonly IdentityKey[];
  /** The ownership roles that count for the `vin` key; default `['owner']`. */
  readonly vinRoles?: readonly OwnershipRole[];
  /** Ownerships of the customers, for the `vin` key. Ownerships of customers not in the input are ignored. */
  readonly ownerships?: readonly OwnershipInput[];
  /** The vehicles the ownerships name (their VINs are what is compared). */
  readonly vehicles?: readonly VehicleInput[];
}

/** One shared key value and the records that share it. */
export interface IdentityLink {
  /** The kind of key. */
  readonly key: IdentityKey;
  /** The normalised value shared: an 18-digit ID number, an E.164 mobile, an e-mail, a VIN. */
  readonly value: string;
  /** The ids of the records sharing it, sorted. */
  readonly customerIds: readonly string[];
}

/** Records believed to be one real person (or organisation). */
export interface IdentityCluster {
  /** The cluster's id: the smallest member id (by UTF-16 code units). */
  readonly clusterId: string;
  /** The ids of the member records, sorted. A cluster of one has no links. */
  readonly customerIds: readonly string[];
  /** Which key values linked which records, sorted by key then value. */
  readonly links: readonly IdentityLink[];
}

/** The result of {@link resolveIdentities}. */
export interface IdentityResolution {
  /** Every cluster, singletons included, sorted by `clusterId`. */
  readonly clusters: readonly IdentityCluster[];
  /** The cluster id of every input record id. */
  readonly clusterOf: ReadonlyMap<string, string>;
  /** The number of input records. */
  readonly customerCount: number;
  /** The number of clusters (distinct real parties). */
  readonly clusterCount: number;
  /** Records beyond the first of their cluster: `customerCount − clusterCount`. */
  readonly duplicateCount: number;
}

const OptionsSchema = z.strictObject({
  keys: z.array(z.enum(identityKeys as [IdentityKey, ...IdentityKey[]])).min(1, { error: 'name at least one identity key' }).optional(),
  vinRoles: z.array(OwnershipRoleSchema).min(1).optional(),
  ownerships: z.array(OwnershipSchema).optional(),
  vehicles: z.array(VehicleSchema).optional(),
});

/** Parses customer records and checks that their ids are unique; shared by resolution, merge and data quality. */
export function parseCustomers(customers: unknown, path = 'customers'): Customer[] {
  const parsed = parse(z.array(CustomerSchema), customers, { path, label: 'customers' });
  const seen = new Map<string, number>();
  parsed.forEach((customer, index) => {
    const first = seen.get(customer.id);
    if (first !== undefined) invalid(`${path}[${index}].id`, `customer ids must be unique; ${JSON.stringify(customer.id)} is also ${path}[${first}]`, 'customers');
    seen.set(customer.id, index);
  });
  return parsed;
}

class UnionFind {
  private readonly parent: Int32Array;
  constructor(size: number) {
    this.parent = new Int32Array(size);
    for (let i = 0; i < size; i++) this.parent[i] = i;
  }
  find(x: number): number {
    let root = x;
    while (this.parent[root] !== root) root = this.parent[root]!;
    while (this.parent[x] !== root) {
      const next = this.parent[x]!;
      this.parent[x] = root;
      x = next;
    }
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

interface RawLink {
  readonly key: IdentityKey;
  readonly value: string;
  readonly members: number[];
}

/** Groups VIN ownership periods into blocks of overlapping periods, each a link of the customers in it. */
function vinLinks(customers: readonly Customer[], options: z.output<typeof OptionsSchema>): RawLink[] {
  const ownerships = options.ownerships ?? [];
  if (ownerships.length === 0) return [];
  const vinOf = new Map<string, string>();
  (options.vehicles ?? []).forEach((vehicle, index) => {
    if (vinOf.has(vehicle.id)) invalid(`options.vehicles[${index}].id`, `vehicle ids must be unique; ${JSON.stringify(vehicle.id)} repeats`);
    vinOf.set(vehicle.id, vehicle.vin);
  });
  const indexOf = new Map(customers.map((customer, index) => [customer.id, index]));
  const roles = new Set(options.vinRoles ?? ['owner']);
  const periods = new Map<string, { from: number; to: number; member: number }[]>();
  ownerships.forEach((ownership, index) => {
    const member = indexOf.get(ownership.customerId);
    if (member === undefined || !roles.has(ownership.role)) return;
    const vin = vinOf.get(ownership.vehicleId);
    if (vin === undefined) invalid(`options.ownerships[${index}].vehicleId`, `no vehicle with id ${JSON.stringify(ownership.vehicleId)} in vehicles`);
    let list = periods.get(vin);
    if (list === undefined) periods.set(vin, (list = []));
    list.push({ from: ownership.from.getTime(), to: ownership.to?.getTime() ?? Number.POSITIVE_INFINITY, member });
  });
  const links: RawLink[] = [];
  for (const [vin, list] of periods) {
    list.sort((a, b) => a.from - b.from || a.to - b.to || compareStrings(customers[a.member]!.id, customers[b.member]!.id));
    let block: number[] = [];
    let blockEnd = Number.NEGATIVE_INFINITY;
    const flush = () => {
      const members = [...new Set(block)];
      if (members.length > 1) links.push({ key: 'vin', value: vin, members });
    };
    for (const period of list) {
      // Periods that merely touch (one ends as the next starts) are a change of owner, not a shared car.
      if (period.from >= blockEnd) {
        flush();
        block = [];
        blockEnd = Number.NEGATIVE_INFINITY;
      }
      block.push(period.member);
      blockEnd = Math.max(blockEnd, period.to);
    }
    flush();
  }
  return links;
}

/**
 * Clusters customer records that belong to one real person, across dealers:
 * records sharing a normalised key value — the identity number (legacy
 * 15-digit numbers converted to 18), a mainland mobile number in E.164, an
 * e-mail address, or ownership of the same VIN over overlapping periods — are
 * linked, and links are transitive (A–B by mobile and B–C by ID number put A,
 * B and C together; union-find). Invalid resident identity numbers and
 * non-mobile phone numbers link nothing; ownerships that merely touch (a used
 * car changing hands) link nothing.
 *
 * The result does not depend on the order of the input: members are sorted by
 * id, a cluster's id is its smallest member id, clusters are sorted by id, and
 * links by key and value.
 *
 * @throws `ValidationError` for a malformed record (`customers[3].…`), a repeated customer id,
 * malformed options, or an ownership naming a vehicle not in `vehicles`.
 * @example
 * ```ts
 * const { clusters } = resolveIdentities([a, b, c], { keys: ['idNumber', 'mobile'] });
 * clusters[0]; // { clusterId: 'C-1', customerIds: ['C-1', 'C-7'], links: [{ key: 'mobile', value: '+8613812345678', customerIds: ['C-1', 'C-7'] }] }
 * ```
 */
export function resolveIdentities(customers: readonly CustomerInput[], options: IdentityResolutionOptions = {}): IdentityResolution {
  const records = parseCustomers(customers);
  const opts = parse(OptionsSchema, options, { path: 'options', label: 'identity resolution options' });
  return clusterCustomers(records, opts);
}

/** Clusters parsed customers; shared with the data-quality scorecard. */
export function clusterCustomers(records: readonly Customer[], opts: z.output<typeof OptionsSchema>): IdentityResolution {
  const keys = new Set(opts.keys ?? identityKeys);
  const byValue = new Map<string, RawLink>();
  records.forEach((customer, index) => {
    for (const { key, value } of recordKeyValues(customer, keys)) {
      const id = `${key}\u0000${value}`;
      const link = byValue.get(id);
      if (link === undefined) byValue.set(id, { key, value, members: [index] });
      else if (link.members[link.members.length - 1] !== index) link.members.push(index);
    }
  });
  const raw = [...byValue.values()].filter((link) => link.members.length > 1);
  if (keys.has('vin')) raw.push(...vinLinks(records, opts));

  const sets = new UnionFind(records.length);
  for (const link of raw) for (const member of link.members) sets.union(link.members[0]!, member);

  const groups = new Map<number, number[]>();
  records.forEach((_, index) => {
    const root = sets.find(index);
    const group = groups.get(root);
    if (group === undefined) groups.set(root, [index]);
    else group.push(index);
  });
  const linksByRoot = new Map<number, Map<string, Set<string>>>();
  for (const link of raw) {
    const root = sets.find(link.members[0]!);
    let byKey = linksByRoot.get(root);
    if (byKey === undefined) linksByRoot.set(root, (byKey = new Map()));
    const id = `${link.key}\u0000${link.value}`;
    let ids = byKey.get(id);
    if (ids === undefined) byKey.set(id, (ids = new Set()));
    for (const member of link.members) ids.add(records[member]!.id);
  }

  const keyRank = new Map(identityKeys.map((key, rank) => [key, rank]));
  const clusters: IdentityCluster[] = [];
  const clusterOf = new Map<string, string>();
  for (const [root, members] of groups) {
    const customerIds = members.map((member) => records[member]!.id).sort(compareStrings);
    const clusterId = customerIds[0]!;
    for (const id of customerIds) clusterOf.set(id, clusterId);
    const links: IdentityLink[] = [...(linksByRoot.get(root) ?? new Map<string, Set<string>>())].map(([id, ids]) => {
      const [key, value] = id.split('\u0000') as [IdentityKey, string];
      return { key, value, customerIds: [...ids].sort(compareStrings) };
    });
    links.sort((a, b) => keyRank.get(a.key)! - keyRank.get(b.key)! || compareStrings(a.value, b.value));
    clusters.push({ clusterId, customerIds, links });
  }
  clusters.sort((a, b) => compareStrings(a.clusterId, b.clusterId));
  return {
    clusters,
    clusterOf,
    customerCount: records.length,
    clusterCount: clusters.length,
    duplicateCount: records.length - clusters.length,
  };
}

