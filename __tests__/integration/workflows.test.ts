/** Every workflow in .github/workflows passes actionlint. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { lintWorkflows } = require('../../scripts/lint-workflows.js');

test('actionlint finds nothing in .github/workflows', async () => {
  expect(await lintWorkflows()).toEqual([]);
}, 60_000);
