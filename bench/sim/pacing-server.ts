import type { UsagePlan } from '../../src/index.js';

/**
 * The server's side of a usage plan: one token bucket for every client, full at the start, a
 * token taken by each request that finds one, 429 for a request that finds none. Written out
 * here rather than built on src/pacing/token-bucket.ts on purpose: the study checks the
 * library's bucket against an independent one, so a shared bug cannot cancel out.
 */
export class PlanServer {
  private tokens: number;
  private at = 0;

  constructor(private readonly plan: UsagePlan) {
    this.tokens = plan.burst;
  }

  /** A request arrives at `nowMs`: true if it is served, false for 429 QuotaExceeded. */
  admit(nowMs: number): boolean {
    // Continuous refill, no rounding: the server owes the client nothing it did not earn.
    this.tokens = Math.min(this.plan.burst, this.tokens + ((nowMs - this.at) / 1000) * this.plan.ratePerSecond);
    this.at = nowMs;
    // The epsilon forgives float sums only (2000 ms at 0.5/s must make a whole token).
    if (this.tokens < 1 - 1e-9) return false;
    this.tokens -= 1;
    return true;
  }
}
