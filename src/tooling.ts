// `retry-table/tooling`: renderers for docs and dashboards. Kept out of the core entry so an
// application that only retries does not ship them.
export { explainPolicy, policyTableMarkdown, type ExplainedRule } from './explain/explain-policy.js';
export { policyTimelineSvg } from './explain/timeline-svg.js';
export { policySchema, POLICY_SCHEMA_ID, type PolicySchema } from './policy/policy-schema.js';
