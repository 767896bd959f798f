// retry-table as users get it: the built dist/ (npm run bench builds it first), not the
// TypeScript source through tsx, whose transform wraps every function made per call in a naming
// helper, a cost no user pays. The types come from the source, which dist/ is built from.
import type * as RetryTable from '../src/index.js';

export type { CompiledRule, Failure, Policy } from '../src/index.js';

const built = (await import(new URL('../dist/index.js', import.meta.url).href)) as typeof RetryTable;

export const { definePolicy, withRetry, mwsPolicy, scraperPolicy, normalizeFailure } = built;
