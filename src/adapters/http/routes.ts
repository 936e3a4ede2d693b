/*
 * The routes of the storage protocol over HTTP: one per driver call, under
 * `/v1`. The client builds paths from this table and the handler matches
 * requests against it, so the two cannot drift apart.
 */

/** A call of the storage protocol over HTTP; what `authorize` is asked about. */
export type CrmHttpOperation =
  | 'describe'
  | 'getRecords'
  | 'putRecords'
  | 'deleteRecord'
  | 'queryRecords'
  | 'importRows'
  | 'appendToStream'
  | 'readStream'
  | 'beginTransaction'
  | 'commitTransaction'
  | 'rollbackTransaction'
  | 'claimOutbox'
  | 'completeOutbox'
  | 'readOutboxDelivery';

/** The HTTP methods the protocol uses. */
export type CrmHttpMethod = 'GET' | 'POST';

/** One route: a method and a path of literal segments and `:parameters`. */
export interface CrmHttpRoute {
  /** The call it serves. */
  readonly operation: CrmHttpOperation;
  /** Its method. */
  readonly method: CrmHttpMethod;
  /** Its path segments after the base path; `:name` is a parameter. */
  readonly segments: readonly string[];
}

/** The parameters a route path may hold. */
export interface CrmHttpRouteParams {
  readonly tenantId?: string;
  readonly collection?: string;
  readonly kind?: string;
  readonly streamId?: string;
  readonly position?: string;
  readonly transactionId?: string;
}

const route = (operation: CrmHttpOperation, method: CrmHttpMethod, path: string): CrmHttpRoute =>
  Object.freeze({ operation, method, segments: Object.freeze(path.split('/')) });

const tenant = 'v1/tenants/:tenantId';

/**
 * Every route of the protocol (paths relative to the handler's base path):
 * POST for calls with a body (reads of many ids and query plans included),
 * GET for reads named by their path.
 */
export const crmHttpRoutes: readonly CrmHttpRoute[] = Object.freeze([
  route('describe', 'GET', 'v1/contract'),
  route('getRecords', 'POST', `${tenant}/collections/:collection/get`),
  route('putRecords', 'POST', `${tenant}/collections/:collection/put`),
  route('deleteRecord', 'POST', `${tenant}/collections/:collection/delete`),
  route('queryRecords', 'POST', `${tenant}/collections/:collection/query`),
  route('importRows', 'POST', `${tenant}/collections/:collection/import`),
  route('appendToStream', 'POST', `${tenant}/streams/:kind/:streamId/append`),
  route('readStream', 'GET', `${tenant}/streams/:kind/:streamId`),
  route('beginTransaction', 'POST', `${tenant}/transactions`),
  route('commitTransaction', 'POST', `${tenant}/transactions/:transactionId/commit`),
  route('rollbackTransaction', 'POST', `${tenant}/transactions/:transactionId/rollback`),
  route('claimOutbox', 'POST', `${tenant}/outbox/:streamId/claim`),
  route('completeOutbox', 'POST', `${tenant}/outbox/:streamId/complete`),
  route('readOutboxDelivery', 'GET', `${tenant}/outbox/:streamId/deliveries/:position`),
]);

const byOperation = new Map(crmHttpRoutes.map((item) => [item.operation, item]));

/** The route of an operation. */
export function routeOf(operation: CrmHttpOperation): CrmHttpRoute {
  return byOperation.get(operation)!;
}

/**
 * The relative path of an operation with its parameters filled in, each
 * percent-encoded (`encodeURIComponent`), so that any id, a `/` or
 * Chinese text included, is one path segment.
 */
export function routePath(operation: CrmHttpOperation, params: CrmHttpRouteParams): string {
  return routeOf(operation)
    .segments.map((segment) => {
      if (!segment.startsWith(':')) return segment;
      const value = params[segment.slice(1) as keyof CrmHttpRouteParams];
      if (value === undefined) throw new TypeError(`routePath: missing ${segment} for ${operation}`);
      return encodeURIComponent(value);
    })
    .join('/');
}

/** The outcome of matching a request path against {@link crmHttpRoutes}. */
export type RouteMatch =
  | { readonly kind: 'found'; readonly route: CrmHttpRoute; readonly params: CrmHttpRouteParams }
  /** The path exists with other methods. */
  | { readonly kind: 'method_not_allowed'; readonly allowed: readonly CrmHttpMethod[] }
  | { readonly kind: 'not_found' };

/**
 * Matches raw (still percent-encoded) path segments. A parameter that is not
 * valid percent-encoding throws `URIError`.
 */
export function matchRoute(method: string, segments: readonly string[]): RouteMatch {
  const allowed: CrmHttpMethod[] = [];
  for (const candidate of crmHttpRoutes) {
    if (candidate.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let matches = true;
    for (let i = 0; i < segments.length && matches; i++) {
      const pattern = candidate.segments[i]!;
      const segment = segments[i]!;
      if (pattern.startsWith(':')) {
        if (segment === '') matches = false;
        else params[pattern.slice(1)] = segment;
      } else if (pattern !== segment) {
        matches = false;
      }
    }
    if (!matches) continue;
    if (candidate.method !== method) {
      allowed.push(candidate.method);
      continue;
    }
    const decoded: Record<string, string> = {};
    for (const [name, value] of Object.entries(params)) decoded[name] = decodeURIComponent(value);
    return { kind: 'found', route: candidate, params: decoded };
  }
  return allowed.length > 0 ? { kind: 'method_not_allowed', allowed } : { kind: 'not_found' };
}
