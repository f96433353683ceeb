/** Unit tests are pure and fast; integration tests drive dist/ against the real local stack. */
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
// The stack the integration tests run on (.ci/testenv.sh): every result line names it.
const stack = process.env.TESTENV_STACK || 'minimum';
module.exports = {
  testTimeout: 30000,
  verbose: true,
  projects: [
    { displayName: 'unit', testEnvironment: 'node', transform, testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'] },
    {
      displayName: `integration:${stack}`,
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/__tests__/integration/**/*.test.ts'],
      // Fails (never skips) when the real stack is not there.
      globalSetup: '<rootDir>/__tests__/integration/global-setup.ts'
    }
  ]
};
