import {
  maskEmail,
  maskIdNumber,
  maskName,
  maskPhone,
  type Address,
  type Consent,
  type ContactPointKind,
  type Customer,
} from '../customer/index.js';
import type { CrmDataVisibility } from './access-policy.js';

/** A contact point as the facade returns it: the value in full, masked, or left out (visibility `none`). */
export interface CrmContactPoint {
  readonly kind: ContactPointKind;
  /** The value: E.164 text, an e-mail address, a WeChat id or an address (masked or absent per visibility). */
  readonly value?: string | Address | undefined;
  readonly id?: string | undefined;
  readonly primary?: boolean | undefined;
  readonly verifiedAt?: Date | undefined;
  readonly consents: readonly Consent[];
}

/**
 * A customer as the facade returns it: the customer model with the personal
 * fields in full, masked (`王*`, `138****5678`, `110***********002X`, the
 * birth year only as `1985-**-**`, an address without its street, no
 * metadata) or left out (`none`), as the actor's role and purpose allow.
 */
export interface CrmCustomer extends Omit<Customer, 'name' | 'contactPoints'> {
  /** The name, masked or absent per visibility. */
  readonly name?: string | undefined;
  readonly contactPoints: readonly CrmContactPoint[];
}

function maskWechat(value: string): string {
  const chars = Array.from(value);
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(Math.min(chars.length - 1, 6))}`;
}

function maskAddress(address: Address): Address {
  return {
    ...(address.country === undefined ? {} : { country: address.country }),
    province: address.province,
    city: address.city,
    ...(address.district === undefined ? {} : { district: address.district }),
    street: '***',
  };
}

/** A contact value masked for display. Internal to the facade. */
export function maskContactValue(kind: ContactPointKind, value: string | Address): string | Address {
  if (typeof value !== 'string') return maskAddress(value);
  if (kind === 'mobile' || kind === 'phone') return maskPhone(value);
  if (kind === 'email') return maskEmail(value);
  return maskWechat(value);
}

/**
 * A customer with its personal fields as a visibility allows. Internal to
 * the facade (the services return its result).
 */
export function presentCustomer(customer: Customer, visibility: CrmDataVisibility): CrmCustomer {
  if (visibility === 'full') return customer;
  const { name, familyName, givenName, gender, birthday, idNumber, metadata: _metadata, contactPoints, ...rest } = customer;
  if (visibility === 'none') {
    return { ...rest, contactPoints: contactPoints.map(({ value: _value, ...point }) => point) };
  }
  return {
    ...rest,
    name: maskName(name, familyName === undefined ? {} : { familyName }),
    ...(familyName === undefined ? {} : { familyName }),
    ...(givenName === undefined ? {} : { givenName: '*'.repeat(Array.from(givenName).length) }),
    ...(gender === undefined ? {} : { gender }),
    ...(birthday === undefined ? {} : { birthday: `${birthday.slice(0, 4)}-**-**` }),
    ...(idNumber === undefined ? {} : { idNumber: maskIdNumber(idNumber) }),
    contactPoints: contactPoints.map((point) => ({ ...point, value: maskContactValue(point.kind, point.value) })),
  };
}

/** The personal fields a customer holds, as the audit names them (`name`, `birthday`, `mobile`, …). Internal to the facade. */
export function personalFieldsOf(customer: Pick<Customer, 'contactPoints'> & Partial<Customer>): string[] {
  const fields: string[] = [];
  for (const field of ['name', 'familyName', 'givenName', 'gender', 'birthday', 'idNumber', 'metadata'] as const) {
    if (customer[field] !== undefined) fields.push(field);
  }
  for (const point of customer.contactPoints) fields.push(point.kind);
  return [...new Set(fields)];
}

/** The personal fields an actor saw of a customer shown at a visibility. Internal to the facade. */
export function seenFields(customer: Customer, visibility: CrmDataVisibility): string[] {
  return visibility === 'none' ? [] : personalFieldsOf(customer).filter((field) => visibility === 'full' || field !== 'metadata');
}
