/** Customer fixtures of the customer module, shared by the modules' tests. */
import type { CustomerInput } from 'dealer-crm/customer';

/** A minimal valid private customer of dealer D-1; override what the test is about. */
export function person(overrides: Partial<CustomerInput> & { id: string }): CustomerInput {
  return {
    kind: 'person',
    type: 'private',
    name: '王芳',
    dealerId: 'D-1',
    source: 'walk_in',
    lifecycleStage: 'customer',
    createdAt: '2023-01-01T00:00:00+08:00',
    updatedAt: '2023-01-01T00:00:00+08:00',
    ...overrides,
  } as CustomerInput;
}
