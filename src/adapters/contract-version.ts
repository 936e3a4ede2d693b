/**
 * The version of the storage contract this release of dealer-crm speaks.
 * A {@link StorageDriver} declares the version it implements in
 * `contractVersion`; {@link createCrmStorage} refuses a driver that declares
 * another one, so an adapter written against an older contract fails at
 * start-up with `UNSUPPORTED` instead of misbehaving later.
 *
 * The number changes only when the meaning of an existing driver call
 * changes; new optional capabilities do not change it.
 */
export const STORAGE_CONTRACT_VERSION = 1;
