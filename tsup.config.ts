import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', tooling: 'src/tooling.ts', redis: 'src/redis.ts', bullmq: 'src/adapters/bullmq.ts', axios: 'src/adapters/axios.ts', aws: 'src/adapters/aws.ts', undici: 'src/adapters/undici.ts', otel: 'src/adapters/otel.ts', cli: 'src/cli/bin.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  treeshake: true,
});
