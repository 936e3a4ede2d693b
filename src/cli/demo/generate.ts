/**
 * A deterministic, realistic dealer group for the demo: three Volkswagen 4S
 * stores in the Yangtze delta, about 20,000 customers, five years of vehicle
 * sales and service visits (labor and parts lines, warranty work), interactions,
 * consents and leads. The same seed always yields the same data.
 *
 * Service behaviour follows the buy-till-you-die story the retention module
 * models: every vehicle has its own visit rate (gamma-distributed across
 * customers) and after every visit a chance of never coming back, higher once
 * the warranty has ended.
 */
import type {
  Consent,
  ContactPoint,
  Customer,
  Interaction,
  Lead,
  Ownership,
  RepairOrder,
  Transaction,
  TransactionLine,
  Vehicle,
  VehicleSale,
} from '../../customer/index.js';
import { residentIdCheckCharacter, vinCheckCharacter } from '../../customer/index.js';
import { SeededRandom } from './random.js';

/** A dealer (4S store) of the demo group. */
export interface DemoDealer {
  readonly id: string;
  readonly name: string;
  readonly city: string;
  readonly platePrefix: string;
  readonly province: string;
  /** The GB/T 2260 code of the store's district (the first six digits of local ID numbers). */
  readonly regionCode: string;
  readonly timeZone: string;
}

/** Everything the generator makes. */
export interface DemoDataset {
  readonly seed: number;
  readonly asOf: Date;
  readonly start: Date;
  readonly dealers: readonly DemoDealer[];
  readonly customers: Customer[];
  readonly vehicles: Vehicle[];
  readonly ownerships: Ownership[];
  readonly transactions: Transaction[];
  readonly interactions: Interaction[];
  readonly leads: Lead[];
}

/** Options of {@link generateDemoDataset}. */
export interface GenerateOptions {
  readonly seed?: number;
  /** How many customer records to make (buyers, prospects and duplicates together). */
  readonly customers?: number;
  /** The end of the generated history. */
  readonly asOf?: Date;
  /** Years of history before `asOf`. */
  readonly years?: number;
}

export const DEMO_DEALERS: readonly DemoDealer[] = [
  { id: 'D-SH-01', name: '上海浦东大众4S店', city: '上海', province: '上海', platePrefix: '沪', regionCode: '310115', timeZone: 'Asia/Shanghai' },
  { id: 'D-HZ-01', name: '杭州西湖大众4S店', city: '杭州', province: '浙江', platePrefix: '浙A', regionCode: '330106', timeZone: 'Asia/Shanghai' },
  { id: 'D-SZ-01', name: '苏州园区大众4S店', city: '苏州', province: '江苏', platePrefix: '苏E', regionCode: '320506', timeZone: 'Asia/Shanghai' },
];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤'.split('');
const COMPOUND_SURNAMES = ['欧阳', '上官', '司马', '诸葛'];
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏飞鑫宇浩婷雪琳晨欣睿哲思怡子涵梓轩'.split('');
const RARE_GIVEN = ['䶮', '𠇔', '堃', '犇'];
const FLEET_NAMES = ['出租汽车有限公司', '物流有限公司', '汽车租赁有限公司', '网约车服务有限公司', '建设工程有限公司'];
const GOV_NAMES = ['区人民政府机关事务管理局', '市公安局交通警察支队', '区城市管理局'];

interface ModelSpec {
  readonly model: string;
  readonly priceYuan: number;
  readonly fuelType: Vehicle['fuelType'];
  readonly wmi: string;
  readonly weight: number;
}

const MODELS: readonly ModelSpec[] = [
  { model: 'Lavida', priceYuan: 115_000, fuelType: 'petrol', wmi: 'LSV', weight: 30 },
  { model: 'Sagitar', priceYuan: 145_000, fuelType: 'petrol', wmi: 'LFV', weight: 20 },
  { model: 'Passat', priceYuan: 215_000, fuelType: 'petrol', wmi: 'LSV', weight: 14 },
  { model: 'Tiguan L', priceYuan: 245_000, fuelType: 'petrol', wmi: 'LSV', weight: 14 },
  { model: 'Teramont', priceYuan: 325_000, fuelType: 'petrol', wmi: 'LSV', weight: 6 },
  { model: 'ID.4 X', priceYuan: 195_000, fuelType: 'bev', wmi: 'LSV', weight: 10 },
  { model: 'Passat PHEV', priceYuan: 235_000, fuelType: 'phev', wmi: 'LSV', weight: 6 },
];

const VIN_ALPHABET = '0123456789ABCDEFGHJKLMNPRSTUVWXYZ';
const MODEL_YEAR_CODES: Readonly<Record<number, string>> = {
  2018: 'J', 2019: 'K', 2020: 'L', 2021: 'M', 2022: 'N', 2023: 'P', 2024: 'R', 2025: 'S', 2026: 'T', 2027: 'V',
};

const DAY_MS = 86_400_000;
const FEN_PER_YUAN = 100;

/**
 * Generates the demo dealer group. Pure and deterministic for a given seed
 * and options.
 */
export function generateDemoDataset(options: GenerateOptions = {}): DemoDataset {
  const seed = options.seed ?? 2024;
  const rng = new SeededRandom(seed);
  const asOf = options.asOf ?? new Date('2026-11-01T00:00:00+08:00');
  const years = options.years ?? 5;
  const start = new Date(asOf.getTime() - Math.round(years * 365.25) * DAY_MS);
  const target = options.customers ?? 20_000;

  const customers: Customer[] = [];
  const vehicles: Vehicle[] = [];
  const ownerships: Ownership[] = [];
  const transactions: Transaction[] = [];
  const interactions: Interaction[] = [];
  const leads: Lead[] = [];
  const usedMobiles = new Set<string>();
  let saleSeq = 0;
  let roSeq = 0;
  let interactionSeq = 0;
  let serial = 100_000;

  const span = asOf.getTime() - start.getTime();
  const at = (offsetMs: number) => new Date(Math.round(offsetMs / 60_000) * 60_000);
  const workingHour = (day: number) => at(day + (9 + rng.int(0, 8)) * 3_600_000 + rng.int(0, 59) * 60_000 - 8 * 3_600_000);

  const mobile = () => {
    for (;;) {
      const value = `1${rng.pick(['3', '5', '7', '8', '9'])}${String(rng.int(0, 999_999_999)).padStart(9, '0')}`;
      if (!usedMobiles.has(value)) {
        usedMobiles.add(value);
        return value;
      }
    }
  };

  const makeVin = (spec: ModelSpec, modelYear: number) => {
    let body = spec.wmi;
    for (let i = 0; i < 5; i++) body += rng.pick(VIN_ALPHABET.split(''));
    const tail = `${MODEL_YEAR_CODES[modelYear] ?? 'T'}${rng.pick(['A', 'B', 'C', 'K'])}${String(serial++).padStart(6, '0')}`;
    const draft = `${body}0${tail}`;
    return `${body}${vinCheckCharacter(draft)!}${tail}`;
  };

  const plate = (dealer: DemoDealer, fuel: Vehicle['fuelType']) => {
    const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
    const prefix = dealer.platePrefix.length === 1 ? `${dealer.platePrefix}${rng.pick(['A', 'B', 'C'])}` : dealer.platePrefix;
    if (fuel === 'bev' || fuel === 'phev') return `${prefix}${fuel === 'bev' ? 'D' : 'F'}${String(rng.int(10_000, 99_999))}`;
    let rest = '';
    for (let i = 0; i < 5; i++) rest += rng.chance(0.3) ? rng.pick(letters.split('')) : String(rng.int(0, 9));
    return `${prefix}${rest}`;
  };

  const consentsFor = (createdAt: Date, channels: readonly Consent['channel'][]): Consent[] => {
    const consents: Consent[] = [];
    for (const channel of channels) {
      if (rng.chance(0.85)) consents.push({ purpose: 'service_reminder', channel, status: 'granted', at: createdAt, source: 'paper_form' });
      if (rng.chance(0.65)) {
        consents.push({ purpose: 'marketing', channel, status: 'granted', at: createdAt, source: rng.pick(['paper_form', 'app', 'in_store_tablet'] as const) });
        if (rng.chance(0.08)) {
          const withdrawnAt = at(createdAt.getTime() + rng.next() * (asOf.getTime() - createdAt.getTime()));
          consents.push({ purpose: 'marketing', channel, status: 'withdrawn', at: withdrawnAt, source: 'phone_recording' });
        }
      }
      if (rng.chance(0.5)) consents.push({ purpose: 'survey', channel, status: 'granted', at: createdAt, source: 'paper_form' });
    }
    return consents;
  };

  const personName = () => {
    const family = rng.chance(0.01) ? rng.pick(COMPOUND_SURNAMES) : rng.pick(SURNAMES);
    let given = rng.pick(GIVEN);
    if (rng.chance(0.6)) given += rng.chance(0.002) ? rng.pick(RARE_GIVEN) : rng.pick(GIVEN);
    return { family, given };
  };

  const newCustomer = (index: number, dealer: DemoDealer, createdAt: Date, stage: Customer['lifecycleStage']): Customer => {
    const roll = rng.next();
    const type: Customer['type'] = roll < 0.92 ? 'private' : roll < 0.98 ? 'fleet' : 'government';
    const id = `C-${String(index).padStart(6, '0')}`;
    const contactPoints: ContactPoint[] = [
      { kind: 'mobile', value: `+86${mobile()}`, primary: true, verifiedAt: createdAt, consents: consentsFor(createdAt, ['sms', 'phone']) },
    ];
    if (rng.chance(0.55)) contactPoints.push({ kind: 'wechat', value: `wx_${id.toLowerCase()}`, consents: consentsFor(createdAt, ['wechat']) });
    if (rng.chance(0.3)) contactPoints.push({ kind: 'email', value: `${id.toLowerCase()}@example.cn`, consents: consentsFor(createdAt, ['email']) });
    const source = rng.weighted<Customer['source']>([['walk_in', 40], ['phone', 12], ['web', 20], ['referral', 12], ['event', 6], ['oem_lead', 10]]);
    const base = {
      id,
      type,
      contactPoints,
      dealerId: dealer.id,
      source,
      sourceSystem: `dms-${dealer.id.toLowerCase()}`,
      lifecycleStage: stage,
      tags: [] as string[],
      createdAt,
      updatedAt: createdAt,
      lastVerifiedAt: createdAt,
    };
    if (type === 'private') {
      const { family, given } = personName();
      const birthYear = rng.int(1955, 2002);
      const birthday = `${birthYear}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
      // Most buyers show an ID card at the sale; a few numbers are mistyped.
      let idNumber: string | undefined;
      if (rng.chance(0.6)) {
        const first17 = `${rng.chance(0.8) ? dealer.regionCode : rng.pick(DEMO_DEALERS).regionCode}${birthday.replace(/-/g, '')}${String(rng.int(0, 999)).padStart(3, '0')}`;
        const check = residentIdCheckCharacter(first17);
        idNumber = `${first17}${rng.chance(0.02) ? (check === '0' ? '1' : '0') : check}`;
      }
      return {
        ...base,
        ...(idNumber === undefined ? {} : { idNumber }),
        kind: 'person',
        name: `${family}${given}`,
        familyName: family,
        givenName: given,
        gender: rng.chance(0.55) ? 'male' : 'female',
        birthday,
      };
    }
    const name = type === 'fleet' ? `${dealer.city}${rng.pick(['安达', '顺通', '东方', '华润', '锦江', '申通'])}${rng.pick(FLEET_NAMES)}` : `${dealer.city}${rng.pick(['浦东新', '西湖', '工业园'])}${rng.pick(GOV_NAMES)}`;
    return { ...base, kind: 'organisation', name };
  };

  const serviceLines = (kind: RepairOrder['serviceKind'], inWarranty: boolean): TransactionLine[] => {
    const lines: TransactionLine[] = [];
    const laborRate = 320 * FEN_PER_YUAN;
    const payType: TransactionLine['payType'] = kind === 'warranty' || kind === 'recall' ? 'warranty' : kind === 'accident' && rng.chance(0.7) ? 'insurance' : 'customer';
    const hours = kind === 'maintenance' ? 1 + rng.int(0, 2) * 0.5 : kind === 'inspection' ? 0.5 : 1 + rng.int(0, 8) * 0.5;
    const laborRevenue = Math.round(hours * laborRate);
    lines.push({ category: 'labor', code: kind === 'maintenance' ? 'MNT-OIL' : 'REP-GEN', quantity: hours, revenueMinor: laborRevenue, costMinor: Math.round(laborRevenue * 0.38), payType });
    const partsCount = kind === 'inspection' ? 0 : kind === 'maintenance' ? rng.int(2, 4) : rng.int(1, 5);
    for (let i = 0; i < partsCount; i++) {
      const price = kind === 'maintenance' ? rng.int(80, 450) : rng.int(150, kind === 'accident' ? 6000 : 2500);
      const revenue = price * FEN_PER_YUAN;
      lines.push({ category: 'parts', code: `P-${rng.int(10_000, 99_999)}`, quantity: 1, revenueMinor: revenue, costMinor: Math.round(revenue * (0.6 + rng.next() * 0.1)), payType });
    }
    if (!inWarranty && kind === 'repair' && rng.chance(0.15)) {
      const revenue = rng.int(300, 1500) * FEN_PER_YUAN;
      lines.push({ category: 'sublet', quantity: 1, revenueMinor: revenue, costMinor: Math.round(revenue * 0.8), payType });
    }
    return lines;
  };

  const totals = (lines: readonly TransactionLine[]) => {
    let revenue = 0;
    let profit = 0;
    for (const line of lines) {
      revenue += line.revenueMinor;
      profit += line.revenueMinor - line.costMinor;
    }
    return { revenue, profit };
  };

  const interaction = (customerId: string, dealerId: string, when: Date, fields: Pick<Interaction, 'channel' | 'direction' | 'purpose'> & Partial<Interaction>) => {
    if (when.getTime() > asOf.getTime()) return;
    interactions.push({ id: `I-${String(++interactionSeq).padStart(7, '0')}`, customerId, dealerId, at: when, ...fields });
  };

  // Buyers, prospects and cross-dealer duplicates in roughly 82 / 15 / 3 shares.
  let index = 0;
  while (customers.length < target) {
    index += 1;
    const dealer = rng.weighted(DEMO_DEALERS.map((d, i) => [d, [45, 33, 22][i]!] as const));
    const roll = rng.next();
    const joinedAt = workingHour(start.getTime() + Math.floor(rng.next() * span / DAY_MS) * DAY_MS);

    if (roll < 0.15) {
      const customer = newCustomer(index, dealer, joinedAt, 'prospect');
      customers.push(customer);
      const spec = rng.weighted(MODELS.map((m) => [m, m.weight] as const));
      const stage = rng.weighted<Lead['stage']>([['new', 20], ['contacted', 30], ['qualified', 20], ['test_drive', 12], ['negotiation', 8], ['lost', 10]]);
      const answer = () => rng.weighted<'yes' | 'partly' | 'no' | 'unknown'>([['yes', 45], ['partly', 20], ['no', 10], ['unknown', 25]]);
      leads.push({
        id: `L-${String(index).padStart(6, '0')}`,
        customerId: customer.id,
        dealerId: dealer.id,
        source: customer.source,
        interest: { make: 'Volkswagen', model: spec.model, budgetMinor: spec.priceYuan * FEN_PER_YUAN, currency: 'CNY', timeframe: rng.pick(['now', 'within_1_month', 'within_3_months', 'within_6_months', 'later'] as const), tradeIn: rng.chance(0.3), financing: rng.chance(0.4) },
        stage,
        aware: { ability: answer(), want: answer(), authority: answer(), reasonable: answer(), eligible: answer() },
        createdAt: joinedAt,
        updatedAt: joinedAt,
      });
      interaction(customer.id, dealer.id, joinedAt, { channel: rng.pick(['showroom', 'web', 'phone'] as const), direction: 'inbound', purpose: 'enquiry', outcome: 'reached' });
      continue;
    }

    if (roll < 0.18 && customers.length > 100) {
      // The same person registered again at another dealer, with the same mobile.
      const original = customers[rng.int(0, customers.length - 1)]!;
      if (original.kind !== 'person' || original.lifecycleStage === 'prospect') continue;
      const other = DEMO_DEALERS.find((d) => d.id !== original.dealerId)!;
      const createdAt = new Date(Math.max(original.createdAt.getTime(), joinedAt.getTime()));
      customers.push({
        ...original,
        id: `C-${String(index).padStart(6, '0')}`,
        dealerId: other.id,
        sourceSystem: `dms-${other.id.toLowerCase()}`,
        contactPoints: original.contactPoints.filter((cp) => cp.kind === 'mobile'),
        createdAt,
        updatedAt: createdAt,
        lastVerifiedAt: createdAt,
        lifecycleStage: 'prospect',
      });
      continue;
    }

    const customer = newCustomer(index, dealer, joinedAt, 'customer');
    customers.push(customer);
    const vehicleCount = customer.type === 'fleet' ? rng.int(2, 5) : rng.chance(0.12) ? 2 : 1;
    let purchaseDay = joinedAt.getTime();
    let activeVehicles = 0;
    let roCount = 0;
    let lastActivity = joinedAt.getTime();
    for (let v = 0; v < vehicleCount; v++) {
      if (v > 0) purchaseDay += Math.floor(rng.exponential(400)) * DAY_MS;
      if (purchaseDay > asOf.getTime() - 7 * DAY_MS) break;
      const soldAt = workingHour(Math.floor(purchaseDay / DAY_MS) * DAY_MS);
      const spec = rng.weighted(MODELS.map((m) => [m, m.weight] as const));
      const modelYear = Math.min(new Date(soldAt).getUTCFullYear() + (new Date(soldAt).getUTCMonth() >= 8 ? 1 : 0), 2027);
      const vehicleId = `V-${String(vehicles.length + 1).padStart(6, '0')}`;
      const purchaseDate = new Date(soldAt.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
      const warrantyEndDate = new Date(soldAt.getTime() + 3 * 365 * DAY_MS + 8 * 3_600_000).toISOString().slice(0, 10);
      const kmPerDay = Math.max(8, Math.min(150, 38 + rng.normal() * 16 + (customer.type === 'fleet' ? 60 : 0)));
      const odometer: Vehicle['odometer'] = [{ at: soldAt, km: rng.int(5, 30), source: 'sale' }];
      const vehicle: Vehicle = {
        id: vehicleId,
        vin: makeVin(spec, modelYear),
        make: 'Volkswagen',
        model: spec.model,
        modelYear,
        fuelType: spec.fuelType,
        plates: [{ plate: plate(dealer, spec.fuelType), from: soldAt }],
        odometer,
        purchaseDate,
        sellingDealerId: dealer.id,
        warrantyStart: purchaseDate,
        warrantyEnd: warrantyEndDate,
        warrantyKm: 100_000,
      };
      vehicles.push(vehicle);
      ownerships.push({ id: `O-${vehicleId.slice(2)}`, customerId: customer.id, vehicleId, role: 'owner', from: soldAt });
      activeVehicles += 1;

      const priceFen = Math.round(spec.priceYuan * (0.9 + rng.next() * 0.12)) * FEN_PER_YUAN;
      const sale: VehicleSale = {
        type: 'vehicle_sale',
        id: `S-${String(++saleSeq).padStart(6, '0')}`,
        dealerId: dealer.id,
        customerId: customer.id,
        vehicleId,
        at: soldAt,
        currency: 'CNY',
        revenueMinor: priceFen,
        // New-car margins in China are thin and often negative before OEM rebates.
        grossProfitMinor: Math.round(priceFen * (rng.next() * 0.06 - 0.015)),
        saleKind: 'new',
        financed: rng.chance(0.45),
      };
      transactions.push(sale);
      interaction(customer.id, dealer.id, new Date(soldAt.getTime() - rng.int(3, 30) * DAY_MS), { channel: 'showroom', direction: 'inbound', purpose: 'test_drive', outcome: 'reached' });
      interaction(customer.id, dealer.id, new Date(soldAt.getTime() + 3 * DAY_MS), { channel: 'phone', direction: 'outbound', purpose: 'follow_up', outcome: rng.chance(0.8) ? 'reached' : 'no_answer' });

      // Service visits: a personal rate and a chance of dropping out after each visit.
      const visitsPerYear = Math.max(0.4, rng.gamma(6, 0.45));
      const dropout = Math.min(0.6, rng.gamma(1.5, 0.06));
      let day = soldAt.getTime();
      let km = odometer[0]!.km;
      for (;;) {
        const gapDays = Math.max(30, Math.round(rng.exponential(365 / visitsPerYear)));
        day += gapDays * DAY_MS;
        if (day >= asOf.getTime()) break;
        const visitAt = workingHour(Math.floor(day / DAY_MS) * DAY_MS);
        km += Math.round(gapDays * kmPerDay * (0.8 + rng.next() * 0.4));
        const inWarranty = visitAt.toISOString().slice(0, 10) <= warrantyEndDate;
        const kind = rng.weighted<RepairOrder['serviceKind']>([
          ['maintenance', 62],
          ['repair', 18],
          ['warranty', inWarranty ? 9 : 0],
          ['accident', 4],
          ['recall', 1],
          ['inspection', 6],
        ]);
        const lines = serviceLines(kind, inWarranty);
        const { revenue, profit } = totals(lines);
        transactions.push({
          type: 'repair_order',
          id: `RO-${String(++roSeq).padStart(7, '0')}`,
          dealerId: dealer.id,
          customerId: customer.id,
          vehicleId,
          at: visitAt,
          currency: 'CNY',
          revenueMinor: revenue,
          grossProfitMinor: profit,
          roNumber: `${dealer.id.slice(2, 4)}${String(roSeq).padStart(8, '0')}`,
          odometerKm: km,
          serviceKind: kind,
          lines,
        });
        odometer.push({ at: visitAt, km, source: 'repair_order' });
        roCount += 1;
        lastActivity = Math.max(lastActivity, visitAt.getTime());
        interaction(customer.id, dealer.id, new Date(visitAt.getTime() - 7 * DAY_MS), { channel: rng.pick(['sms', 'wechat'] as const), direction: 'outbound', purpose: 'service_reminder', outcome: 'reached' });
        if (rng.chance(0.4)) interaction(customer.id, dealer.id, new Date(visitAt.getTime() + 2 * DAY_MS), { channel: 'phone', direction: 'outbound', purpose: 'survey', outcome: rng.chance(0.7) ? 'reached' : 'no_answer', durationSeconds: rng.int(40, 400) });
        const hazard = inWarranty ? dropout : Math.min(0.9, dropout * 2.2);
        if (rng.chance(hazard)) break;
      }
      lastActivity = Math.max(lastActivity, soldAt.getTime());
    }
    if (activeVehicles === 0) {
      customer.lifecycleStage = 'prospect';
      continue;
    }
    const idleDays = (asOf.getTime() - lastActivity) / DAY_MS;
    customer.lifecycleStage = idleDays > 900 ? 'lost' : idleDays > 540 ? 'dormant' : activeVehicles >= 2 || roCount >= 8 ? 'loyal' : 'customer';
    customer.updatedAt = new Date(Math.min(asOf.getTime(), lastActivity));
    if (customer.lifecycleStage === 'loyal') customer.tags.push('loyal');
    if (customer.type === 'fleet') customer.tags.push('fleet');
  }

  transactions.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : 1));
  interactions.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : 1));
  return { seed, asOf, start, dealers: DEMO_DEALERS, customers, vehicles, ownerships, transactions, interactions, leads };
}
