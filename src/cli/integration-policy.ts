/**
 * The access policy the CLI runs the facade under: the default roles plus
 * `dms_integration`, the account a DMS's load runs as — group-wide writes of
 * customers and transactions, no reading of personal data. An example of a
 * policy being data: spread the default and add what your deployment needs.
 */
import { defaultCrmAccessPolicy, defineCrmAccessPolicy, type CrmAccessPolicy, type CrmCallContext } from '../crm/index.js';

/** The default policy with the `dms_integration` role added. */
export const cliAccessPolicy: CrmAccessPolicy = defineCrmAccessPolicy({
  ...defaultCrmAccessPolicy,
  roles: {
    ...defaultCrmAccessPolicy.roles,
    dms_integration: {
      description: 'A DMS load: writes customers, members and transactions group-wide.',
      scope: 'group',
      permissions: ['customers.write', 'loyalty.write', 'transactions.write'],
      purposes: ['customer_service'],
      personalData: { default: 'none', byPurpose: {} },
    },
  },
});

/** The call context of a CLI load into a tenant. */
export function integrationContext(tenantId: string): CrmCallContext {
  return { tenantId, actor: { userId: 'dealer-crm-cli', role: 'dms_integration' }, purpose: 'customer_service' };
}
