import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Generous: some tests train tiny models, and CI machines may be slower or busier than ours.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
