import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Test files start real servers and child processes: separate processes, and no more of them
    // than the 2 cores of the CI machine.
    pool: 'forks',
    maxWorkers: 2,
    // Components log as JSON; a test run shows errors only unless LOG_LEVEL asks for more.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' },
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: ['test/faults/**'],
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
      {
        // The fault-injection cases run their own servers and a dozen processes each, with faults
        // that last seconds: they run after the rest, alone, so that no other test starves them.
        extends: true,
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})
