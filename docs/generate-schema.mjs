// Part of `npm run docs` (after a build): writes policy.schema.json, the JSON Schema of policy
// files, at the package root from the built tooling entry's policySchema(), which derives it
// from the validator's own registries and field records. test/policy/schema-file.test.ts fails
// when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { policySchema } from '../dist/tooling.js';

export function writePolicySchema() {
  writeFileSync(new URL('../policy.schema.json', import.meta.url), `${JSON.stringify(policySchema(), null, 2)}\n`);
  console.log('policy.schema.json regenerated');
}
