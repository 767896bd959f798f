import { OptionsError } from '../../shared/options-error.js';
import type { BudgetRules } from './budget-rules.js';
import { compileAwsQuotaDesign, type AwsQuotaDesign, type AwsQuotaRules } from './aws-quota.js';
import { compileAwsQuota2026Design, type AwsQuota2026Design, type AwsQuota2026Rules } from './aws-quota-2026.js';
import { compileGrpcDesign, type GrpcBudgetDesign, type GrpcBudgetRules } from './grpc.js';

/**
 * Every budget design by its `type`: the design a user writes and the rules it compiles to. A
 * design is added here and nowhere else; the types below are derived from this map.
 */
export type DesignKinds = {
  readonly grpc: { readonly design: GrpcBudgetDesign; readonly rules: GrpcBudgetRules };
  readonly 'aws-quota': { readonly design: AwsQuotaDesign; readonly rules: AwsQuotaRules };
  readonly 'aws-quota-2026': { readonly design: AwsQuota2026Design; readonly rules: AwsQuota2026Rules };
};

/**
 * Which published design a {@link retryBudget} follows.
 *
 * @example
 * ```ts
 * const design: BudgetDesign = { type: 'grpc', maxTokens: 10, tokenRatio: 0.1 };
 * ```
 */
export type BudgetDesign = GrpcBudgetDesign | AwsQuotaDesign | AwsQuota2026Design;

/**
 * A design compiled: its numbers in the stored unit and its token math.
 *
 * @example
 * ```ts
 * const rules: CompiledBudgetDesign = retryBudget({ type: 'aws-quota' }).design;
 * ```
 */
export type CompiledBudgetDesign = GrpcBudgetRules | AwsQuotaRules | AwsQuota2026Rules;

// The unions above are spelled out for the docs; the compiler checks them against the map.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const designsListed: Same<BudgetDesign, DesignKinds[keyof DesignKinds]['design']> & Same<CompiledBudgetDesign, DesignKinds[keyof DesignKinds]['rules']> = true;
void designsListed;

/** A map of design kinds, as {@link DesignKinds} is one. */
type KindMap = { readonly [type: string]: { readonly design: { readonly type: string }; readonly rules: BudgetRules } };

/**
 * A compiler for every kind of a map: a mapped type, so a map with one more kind needs one more
 * compiler (test/budget/registry.test-d.ts shows it).
 */
export type DesignCompilers<M extends KindMap> = { readonly [K in keyof M]: (design: M[K]['design']) => M[K]['rules'] };

/**
 * The compilers, one per design. Typed as {@link DesignCompilers} of {@link DesignKinds}, so a
 * design added to the map without a compiler here fails to compile.
 */
export const BUDGET_DESIGNS: DesignCompilers<DesignKinds> = {
  grpc: compileGrpcDesign,
  'aws-quota': compileAwsQuotaDesign,
  'aws-quota-2026': compileAwsQuota2026Design,
};

const DESIGN_TYPES = /* @__PURE__ */ Object.keys(BUDGET_DESIGNS) as readonly string[];

/** Validates a design where it is given and compiles it (a typed error names the bad field). */
export function compileBudgetDesign(design: BudgetDesign): CompiledBudgetDesign {
  if (design === null || typeof design !== 'object') throw new OptionsError('budget design', design, `must be an object with a type: ${DESIGN_TYPES.join(' or ')}`);
  if (!DESIGN_TYPES.includes(design.type)) throw new OptionsError('budget design type', design.type, `must be ${DESIGN_TYPES.map((t) => `"${t}"`).join(' or ')}`);
  return compileWith(design);
}

/** Looks the compiler up by the design's own type: the correlated lookup keeps kind and design together without a cast. */
function compileWith<K extends keyof DesignKinds>(design: DesignKinds[K]['design'] & { readonly type: K }): DesignKinds[K]['rules'] {
  const compile: (design: DesignKinds[K]['design']) => DesignKinds[K]['rules'] = BUDGET_DESIGNS[design.type];
  return compile(design);
}
