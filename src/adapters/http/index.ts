/**
 * The HTTP adapter: the storage contract over HTTP. The client
 * ({@link createCrmHttpDriver}, {@link connectCrmHttpStorage}) speaks the
 * driver protocol with ky — retries with backoff on idempotent calls only,
 * timeouts, an auth hook, idempotency keys on appends, every failure a
 * `CrmError`; its counterpart {@link createCrmHttpHandler} is a
 * fetch-standard handler that serves any storage adapter, with
 * {@link toNodeRequestListener} to mount it in Node's http server. Webhooks:
 * {@link deliverOutbox} delivers outbox events signed with HMAC-SHA256,
 * {@link verifyCrmWebhook} checks them on the receiver's side.
 *
 * @packageDocumentation
 */
export { createCrmHttpDriver } from './http-driver.js';
export { connectCrmHttpStorage, type CrmHttpConnectOptions } from './connect.js';
export { defaultCrmHttpRetryPolicy, type CrmHttpBeforeRequest, type CrmHttpClientOptions, type CrmHttpRetryPolicy } from './client-options.js';
export {
  createCrmHttpHandler,
  defaultCrmHttpMaxBodyBytes,
  type CrmHttpAuthorize,
  type CrmHttpAuthorizeContext,
  type CrmHttpHandler,
  type CrmHttpHandlerOptions,
} from './handler.js';
export type { TransactionSessionLimits } from './transaction-sessions.js';
export { toNodeRequestListener, type CrmHttpFetchHandler, type CrmHttpNodeListener } from './node-listener.js';
export { crmHttpRoutes, type CrmHttpMethod, type CrmHttpOperation, type CrmHttpRoute } from './routes.js';
export { crmHttpHeaders } from './wire-headers.js';
export { crmHttpErrorStatus, type CrmHttpErrorBody } from './wire-errors.js';
export {
  crmWebhookHeaders,
  signCrmWebhook,
  verifyCrmWebhook,
  verifyCrmWebhookSignature,
  type CrmWebhookEvent,
  type CrmWebhookSecret,
  type SignCrmWebhookInput,
  type VerifyCrmWebhookInput,
} from './webhook-signature.js';
export {
  deliverOutbox,
  defaultWebhookRetryPolicy,
  type DeliverOutboxOptions,
  type OutboxDeliveryReport,
  type OutboxDeliveryResult,
  type OutboxStorage,
  type WebhookRetryPolicy,
} from './deliver-outbox.js';
