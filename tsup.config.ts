import { defineConfig } from 'tsup';

const shared = {
  // No source maps in the package: they doubled its size, and dist/ is readable ESM/CJS already.
  sourcemap: false,
  target: 'node20',
  treeshake: true,
} as const;

export default defineConfig([
  {
    ...shared,
    entry: {
      index: 'src/index.ts',
      tooling: 'src/tooling.ts',
      redis: 'src/redis.ts',
      bullmq: 'src/adapters/bullmq.ts',
      axios: 'src/adapters/axios.ts',
      aws: 'src/adapters/aws.ts',
      undici: 'src/adapters/undici.ts',
      otel: 'src/adapters/otel.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    clean: false,
  },
  // The command is only ever run, never imported: ESM alone, no types. (Neither config cleans
  // dist/: they build at once, and one's clean could remove the other's output; `npm run build` does.)
  { ...shared, entry: { cli: 'src/cli/bin.ts' }, format: ['esm'], dts: false, clean: false },
]);
