import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/index.js';
import { readCustomersCsv } from '../../src/cli/import/customers-csv.js';
import { readTransactionsCsv } from '../../src/cli/import/transactions-csv.js';

const CUSTOMERS = `\ufeffcustomer_no,kind,type,name,dealer_code,source,lifecycle_stage,created_at,mobile,sms_marketing,consent_at,id_number,tags
C-1,person,private,王芳,D-1,walk_in,customer,2024-01-05T10:00:00+08:00,138 1234 5678,Y,2024-01-05T10:00:00+08:00,11010519491231002X,vip;fleet-contact
C-2,organisation,fleet,"上海顺通物流有限公司",D-1,fleet_tender,customer,2024-02-01T09:00:00+08:00,,,,,
`;

describe('customers.csv', () => {
  it('reads customers with contact points, consents and tags', () => {
    const { customers, errors } = readCustomersCsv(CUSTOMERS);
    expect(errors).toEqual([]);
    expect(customers).toHaveLength(2);
    const [wang, fleet] = customers;
    expect(wang!.contactPoints[0]).toMatchObject({ kind: 'mobile', value: '+8613812345678' });
    expect(wang!.contactPoints[0]!.consents[0]).toMatchObject({ purpose: 'marketing', channel: 'sms', status: 'granted', source: 'import' });
    expect(wang!.tags).toEqual(['vip', 'fleet-contact']);
    expect(fleet!.name).toBe('上海顺通物流有限公司');
    expect(fleet!.updatedAt).toEqual(fleet!.createdAt);
  });

  it('reports every bad row with its line and column, and imports nothing', () => {
    const text = `${CUSTOMERS}C-3,person,private,李雷,D-1,walk_in,customer,2024-13-01T00:00:00Z,12345,maybe,,,
C-1,person,private,重复,D-1,walk_in,customer,2024-01-05T10:00:00+08:00,,,,,
`;
    const { customers, errors } = readCustomersCsv(text);
    expect(customers).toEqual([]);
    expect(errors.map((e) => [e.line, e.record, e.path])).toEqual([
      [4, 'C-3', 'sms_marketing'],
      [4, 'C-3', 'mobile'],
      [4, 'C-3', 'created_at'],
      [5, 'C-1', 'customer_no'],
    ]);
    expect(errors[3]!.message).toBe('duplicate customer number, first on line 2');
  });

  it('refuses a file without the required columns or with unknown ones', () => {
    expect(() => readCustomersCsv('customer_no,name\nC-1,x\n')).toThrow(ValidationError);
    expect(() => readCustomersCsv(`${CUSTOMERS.split('\n')[0]},shoe_size\n`)).toThrow(/unknown column "shoe_size"/);
    expect(() => readCustomersCsv('')).toThrow(/empty/);
  });
});

const TRANSACTIONS = `doc_no,doc_type,dealer_code,customer_no,invoice_at,currency,revenue,cost,vehicle_id,service_kind,line_category,quantity,pay_type
RO-1,repair_order,D-1,C-1,2024-03-02T10:00:00+08:00,CNY,300.00,120.00,V-1,maintenance,labor,1.5,customer
RO-1,repair_order,D-1,C-1,2024-03-02T10:00:00+08:00,CNY,500.5,300.25,V-1,maintenance,parts,1,customer
S-1,vehicle_sale,D-1,C-1,2024-01-05T10:00:00+08:00,CNY,150000,148500,V-1,,,,
`;

describe('transactions.csv', () => {
  it('groups lines into documents with exact minor-unit totals', () => {
    const { transactions, errors } = readTransactionsCsv(TRANSACTIONS);
    expect(errors).toEqual([]);
    const ro = transactions.find((t) => t.id === 'RO-1')!;
    // 300.00 + 500.50 = 800.50 yuan → 80,050 fen; profit (300 − 120) + (500.50 − 300.25) = 380.25 → 38,025 fen.
    expect(ro).toMatchObject({ type: 'repair_order', revenueMinor: 80_050, grossProfitMinor: 38_025, serviceKind: 'maintenance' });
    const sale = transactions.find((t) => t.id === 'S-1')!;
    expect(sale).toMatchObject({ type: 'vehicle_sale', revenueMinor: 15_000_000, grossProfitMinor: 150_000, saleKind: 'new' });
  });

  it('reports bad lines by line and column, documents that disagree with themselves, and imports nothing', () => {
    const text = `${TRANSACTIONS}RO-2,repair_order,D-1,C-1,2024-03-05T10:00:00+08:00,CNY,12.345,1,V-1,repair,labor,-1,customer
RO-2,repair_order,D-2,C-1,2024-03-05T10:00:00+08:00,CNY,10,1,V-1,repair,parts,1,customer
`;
    const { transactions, errors } = readTransactionsCsv(text);
    expect(transactions).toEqual([]);
    expect(errors.map((e) => [e.line, e.record, e.path])).toEqual([
      [5, 'RO-2', 'revenue'],
      [5, 'RO-2', 'quantity'],
      [6, 'RO-2', 'dealer_code'],
    ]);
    expect(errors[0]!.message).toContain('2 minor digits');
  });

  it('reports model errors at the line they come from', () => {
    const text = `${TRANSACTIONS}RO-3,repair_order,D-1,C-1,2024-03-05T10:00:00+08:00,CNY,10,1,V-1,repair,labor,1,customer
RO-3,repair_order,D-1,C-1,2024-03-05T10:00:00+08:00,CNY,10,1,V-1,repair,parts,-2,customer
`;
    const { errors } = readTransactionsCsv(text);
    expect(errors).toEqual([{ line: 6, record: 'RO-3', path: 'quantity', message: 'quantity must be positive' }]);
  });
});
