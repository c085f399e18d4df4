import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Test files start real servers and child processes: separate processes, and no more of them
    // than the 2 cores of the CI machine.
    pool: 'forks',
    maxWorkers: 2,
  },
})
