// The core entry: what a user of withRetry needs, named one by one. Anything not listed here is
// internal. Tooling (explain, tables, timelines) is in `retry-table/tooling`, the Redis store in
// `retry-table/redis`, the BullMQ adapter in `retry-table/bullmq` (docs/architecture.md).

// Wrapping calls
export { withRetry, retry } from './run/with-retry.js';
export type { RetryOptions, RetryInfo, CallInfo } from './run/retry-options.js';
export { attemptSignal, type AttemptContext } from './run/attempt.js';
export { RetryError, isRetryError } from './run/retry-error.js';
export type { AttemptRecord } from './run/journal.js';
export { OptionsError, isOptionsError } from './shared/options-error.js';

// Policies as data
export { definePolicy, type Policy, type PolicyExtras } from './policy/define-policy.js';
export { PolicyError, isPolicyError } from './policy/policy-error.js';
export type { PolicySpec, RuleSpec, RuleMatch, StatusClass } from './policy/policy-spec.js';
export type { CompiledRule } from './policy/compiled-rule.js';
export type { Decision, RetryDecision, StopDecision, DecisionState, StopReason, DelaySource } from './policy/decision.js';
export { STOP_REASONS } from './policy/decision.js';
export type { ScheduleSpec } from './schedule/schedules.js';
export { fullJitter, equalJitter, decorrelatedJitter, additiveJitter, type JitterSpec } from './schedule/jitter.js';
export { mwsPolicy } from './policies/mws.js';
export { scraperPolicy } from './policies/scraper.js';
export { spApiPolicy } from './policies/sp-api.js';
export { plan, type Plan, type PlanStep, type PlanOptions } from './plan/plan.js';

// Reading failures
export type { Failure, FailureKind, Quota, ServerError, ServerVerdict } from './failure/failure.js';
export { normalizeFailure, normalizeFailureSync, type NormalizeOptions } from './failure/normalize.js';
export type { BodyReader, BodyFields, ErrorBody, FailureReaders, HintReader, HintField, Hints, PolicyReaders, ReaderSet } from './failure/readers/reader.js';
export { readHeader } from './failure/headers.js';
export { parseRetryAfter } from './failure/retry-after.js';

// Time
export { systemClock, type Clock } from './run/clock.js';
export { TestClock, type TestClockOptions } from './run/test-clock.js';
export { scaledClock } from './run/scaled-clock.js';

// Budgets shared by many calls
export { retryBudget, type RetryBudget, type RetryBudgetOptions, type BudgetGrant } from './budget/retry-budget.js';
export type {
  BudgetDesign,
  CompiledBudgetDesign,
  GrpcBudgetDesign,
  GrpcBudgetRules,
  AwsQuotaDesign,
  AwsQuotaRules,
  AwsQuota2026Design,
  AwsQuota2026Rules,
  BudgetRules,
  SpendResult,
} from './budget/designs.js';
export type { BudgetStore } from './budget/budget-store.js';
export { MemoryBudgetStore } from './budget/memory-store.js';

// Pacing: send only what the server will accept
export { rateLimiter, type RateLimiter, type RateLimiterOptions } from './pacing/rate-limiter.js';
export { MemoryRateLimiterStore, type RateLimiterStore } from './pacing/limiter-store.js';
export { adaptiveRateLimiter, type AdaptiveRateLimiterOptions } from './pacing/sdk-adaptive-limiter.js';
export type { CubicRateOptions } from './pacing/cubic-options.js';
export type { UsagePlan } from './pacing/token-bucket.js';
export { spApiLimiter, SP_API_USAGE_PLANS, type SpApiOperation, type SpApiLimiterOptions } from './pacing/sp-api-plans.js';

// Observing
export { channels, type DiagnosticsChannel } from './shared/channels.js';
export type { AttemptEvent, RetryEvent, GiveUpEvent, BudgetFallbackEvent } from './run/diagnostics.js';
