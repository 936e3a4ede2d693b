/**
 * One province-level division of China (GB/T 2260): its two-digit code as it
 * leads a resident identity number, its name, and the one-character
 * abbreviation that leads a licence plate (GA 36).
 */
export interface ChinaProvince {
  /** The two-digit GB/T 2260 code: `11` for Beijing, `44` for Guangdong. */
  readonly code: string;
  /** The official name: `北京市`, `广东省`. */
  readonly name: string;
  /** The abbreviation used on licence plates (`京`, `粤`); absent where no mainland plates are issued. */
  readonly plateAbbreviation?: string;
  /**
   * Whether numbers with this prefix are residence-permit numbers for residents
   * of Hong Kong (81), Macao (82) or Taiwan (83) rather than mainland resident
   * identity card numbers.
   */
  readonly residencePermit?: boolean;
}

/**
 * The province-level divisions whose codes can lead a GB 11643 citizen
 * identity number: the 31 mainland provinces, autonomous regions and
 * municipalities, and the 81/82/83 prefixes of the residence permits issued
 * since 2018 to residents of Hong Kong, Macao and Taiwan. Ordered by code.
 */
export const chinaProvinces: readonly ChinaProvince[] = Object.freeze(
  (
    [
      ['11', '北京市', '京'],
      ['12', '天津市', '津'],
      ['13', '河北省', '冀'],
      ['14', '山西省', '晋'],
      ['15', '内蒙古自治区', '蒙'],
      ['21', '辽宁省', '辽'],
      ['22', '吉林省', '吉'],
      ['23', '黑龙江省', '黑'],
      ['31', '上海市', '沪'],
      ['32', '江苏省', '苏'],
      ['33', '浙江省', '浙'],
      ['34', '安徽省', '皖'],
      ['35', '福建省', '闽'],
      ['36', '江西省', '赣'],
      ['37', '山东省', '鲁'],
      ['41', '河南省', '豫'],
      ['42', '湖北省', '鄂'],
      ['43', '湖南省', '湘'],
      ['44', '广东省', '粤'],
      ['45', '广西壮族自治区', '桂'],
      ['46', '海南省', '琼'],
      ['50', '重庆市', '渝'],
      ['51', '四川省', '川'],
      ['52', '贵州省', '贵'],
      ['53', '云南省', '云'],
      ['54', '西藏自治区', '藏'],
      ['61', '陕西省', '陕'],
      ['62', '甘肃省', '甘'],
      ['63', '青海省', '青'],
      ['64', '宁夏回族自治区', '宁'],
      ['65', '新疆维吾尔自治区', '新'],
      ['81', '香港特别行政区', undefined],
      ['82', '澳门特别行政区', undefined],
      ['83', '台湾地区', undefined],
    ] as const
  ).map(([code, name, plateAbbreviation]): ChinaProvince =>
    Object.freeze(plateAbbreviation === undefined ? { code, name, residencePermit: true } : { code, name, plateAbbreviation }),
  ),
);

const BY_CODE: ReadonlyMap<string, ChinaProvince> = new Map(chinaProvinces.map((province) => [province.code, province]));
const BY_ABBREVIATION: ReadonlyMap<string, ChinaProvince> = new Map(
  chinaProvinces.filter((province) => province.plateAbbreviation !== undefined).map((province) => [province.plateAbbreviation!, province]),
);

/** The province with a two-digit GB/T 2260 code, if there is one. */
export function provinceByCode(code: string): ChinaProvince | undefined {
  return BY_CODE.get(code);
}

/** The mainland province whose plate abbreviation is `abbreviation` (`粤` → Guangdong), if there is one. */
export function provinceByPlateAbbreviation(abbreviation: string): ChinaProvince | undefined {
  return BY_ABBREVIATION.get(abbreviation);
}
