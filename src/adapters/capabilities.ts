/**
 * What optional features a storage driver offers. The conformance kit skips
 * the tests of a feature a driver declares absent (and checks that using it
 * fails with `UNSUPPORTED`); {@link createCrmStorage} checks that the driver
 * has the methods its flags promise.
 */
export interface StorageCapabilities {
  /**
   * `transaction(tenantId, fn)` is all-or-nothing across records and streams.
   * Without it, `transaction` throws `UNSUPPORTED`.
   */
  readonly transactions: boolean;
  /**
   * Outbox entries carry a delivery state with `claimOutbox`,
   * `completeOutbox` and `readOutboxDelivery`. Without it those throw `UNSUPPORTED`.
   */
  readonly outbox: boolean;
  /**
   * The driver stores collections and stream kinds beyond the built-in
   * registry (or built-ins with other indexes). Without it,
   * {@link createCrmStorage} refuses an extended registry that adds any.
   */
  readonly customCollections: boolean;
  /**
   * The driver has a native bulk path (`importRows`, e.g. COPY). Without it,
   * `importRecords` writes through `putRecords`; the result is the same.
   */
  readonly bulkImport: boolean;
}
