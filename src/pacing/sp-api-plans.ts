import { checkOptionKeys } from '../shared/option-keys.js';
import { OptionsError } from '../shared/options-error.js';
import { rateLimiter, type RateLimiter, type RateLimiterOptions } from './rate-limiter.js';
import type { UsagePlan } from './token-bucket.js';

/**
 * Amazon SP-API's documented default usage plans, per operation: the "Usage Plan" table in each
 * operation's description in Amazon's API models (amzn/selling-partner-api-models at 34dc93fe),
 * which the per-API "rate limits" pages repeat. Limits apply per selling partner and
 * application pair ("All usage plans are specific to application-Selling Partner pairs").
 *
 * @example
 * ```ts
 * SP_API_USAGE_PLANS.getOrders; // { ratePerSecond: 0.0167, burst: 20, source: 'models/orders-api-model/ordersV0.json' }
 * ```
 */
export const SP_API_USAGE_PLANS = /* @__PURE__ */ Object.freeze({
  getOrders: /* @__PURE__ */ plan(0.0167, 20, 'models/orders-api-model/ordersV0.json'),
  getOrder: /* @__PURE__ */ plan(0.5, 30, 'models/orders-api-model/ordersV0.json'),
  getOrderItems: /* @__PURE__ */ plan(0.5, 30, 'models/orders-api-model/ordersV0.json'),
  getCatalogItem: /* @__PURE__ */ plan(2, 2, 'models/catalog-items-api-model/catalogItems_2022-04-01.json'),
  searchCatalogItems: /* @__PURE__ */ plan(2, 2, 'models/catalog-items-api-model/catalogItems_2022-04-01.json'),
  getPricing: /* @__PURE__ */ plan(0.5, 1, 'models/product-pricing-api-model/productPricingV0.json'),
  getItemOffers: /* @__PURE__ */ plan(0.5, 1, 'models/product-pricing-api-model/productPricingV0.json'),
  getItemOffersBatch: /* @__PURE__ */ plan(0.1, 1, 'models/product-pricing-api-model/productPricingV0.json'),
  createFeed: /* @__PURE__ */ plan(0.0083, 15, 'models/feeds-api-model/feeds_2021-06-30.json'),
  getFeed: /* @__PURE__ */ plan(2, 15, 'models/feeds-api-model/feeds_2021-06-30.json'),
  getFeeds: /* @__PURE__ */ plan(0.0222, 10, 'models/feeds-api-model/feeds_2021-06-30.json'),
  createReport: /* @__PURE__ */ plan(0.0167, 15, 'models/reports-api-model/reports_2021-06-30.json'),
  getReport: /* @__PURE__ */ plan(2, 15, 'models/reports-api-model/reports_2021-06-30.json'),
  getReportDocument: /* @__PURE__ */ plan(0.0167, 15, 'models/reports-api-model/reports_2021-06-30.json'),
  getInventorySummaries: /* @__PURE__ */ plan(2, 2, 'models/fba-inventory-api-model/fbaInventory.json'),
  listFinancialEvents: /* @__PURE__ */ plan(0.5, 30, 'models/finances-api-model/financesV0.json'),
});

/**
 * An SP-API operation with a documented usage plan in {@link SP_API_USAGE_PLANS}.
 *
 * @example
 * ```ts
 * const operation: SpApiOperation = 'getOrderItems';
 * SP_API_USAGE_PLANS[operation]; // { ratePerSecond: 0.5, burst: 30, source: 'models/orders-api-model/ordersV0.json' }
 * ```
 */
export type SpApiOperation = keyof typeof SP_API_USAGE_PLANS;

/**
 * Who the limit belongs to: SP-API limits are per selling partner and application.
 *
 * @example
 * ```ts
 * const options: SpApiLimiterOptions = { sellerId: 'A2EXAMPLE', applicationId: 'amzn1.sp.solution.example', store: new RedisRateLimiterStore(redis) };
 * const limiter = spApiLimiter('getOrders', options);
 * limiter.key; // 'spapi:amzn1.sp.solution.example:A2EXAMPLE:getOrders'
 * ```
 */
export interface SpApiLimiterOptions extends Pick<RateLimiterOptions, 'store' | 'learn'> {
  /** The selling partner (seller or vendor) id the calls are made for. */
  readonly sellerId: string;
  /** The application's id, when several applications share a store. @defaultValue 'app' */
  readonly applicationId?: string;
}

/**
 * A rate limiter for one SP-API operation, from its documented usage plan, keyed by
 * (application, selling partner, operation): `withRetry(spApiPolicy, { rateLimiter: spApiLimiter('getOrders', { sellerId }) })`
 * needs no numbers from you. The limiter then follows `x-amzn-RateLimit-Limit` when Amazon sends
 * it, and slows down on 429s. One limiter per operation and seller: create it once and share it.
 *
 * @param operation - the operation's name in Amazon's models, e.g. `getOrders`
 * @param options - the selling partner, the application, the store
 * @example
 * ```ts
 * const limiter = spApiLimiter('getOrderItems', { sellerId: 'A2EXAMPLE' });
 * const getOrderItems = withRetry(spApiPolicy, { rateLimiter: limiter })(callGetOrderItems);
 * ```
 */
export function spApiLimiter(operation: SpApiOperation, options: SpApiLimiterOptions): RateLimiter {
  const plan = Object.hasOwn(SP_API_USAGE_PLANS, operation) ? SP_API_USAGE_PLANS[operation] : undefined;
  if (plan === undefined) throw new OptionsError('operation', operation, `must be an SP-API operation with a documented plan: ${Object.keys(SP_API_USAGE_PLANS).join(', ')}`);
  checkOptionKeys('spApiLimiter', options, ['sellerId', 'applicationId', 'store', 'learn']);
  const { sellerId, applicationId = 'app', ...rest } = options ?? ({} as SpApiLimiterOptions);
  if (typeof sellerId !== 'string' || sellerId === '') throw new OptionsError('sellerId', sellerId, 'must be the selling partner id, a non-empty string');
  return rateLimiter({ ratePerSecond: plan.ratePerSecond, burst: plan.burst }, { ...rest, key: `spapi:${applicationId}:${sellerId}:${operation}` });
}

function plan(ratePerSecond: number, burst: number, source: string): UsagePlan & { readonly source: string } {
  return Object.freeze({ ratePerSecond, burst, source });
}
