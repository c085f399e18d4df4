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
    // Components log as JSON; a test run shows errors only unless LOG_LEVEL asks for more.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' },
  },
})
