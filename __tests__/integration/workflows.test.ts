/** Every workflow in .github/workflows passes actionlint. */
import { lintWorkflows } from '../../scripts/lint-workflows.js';

/** The parts of .github/workflows/multiarch.yml (a reusable workflow) these tests read. */
interface ReusableWorkflow {
  on: { workflow_call: { inputs: Record<string, unknown> } };
  jobs: Record<string, unknown>;
}

/** The parts of the README's fan-out example (a workflow calling the reusable one) these tests read. */
interface CallerWorkflow {
  jobs: { image: { with: Record<string, unknown> } };
}

test('actionlint finds nothing in .github/workflows', async () => {
  expect(await lintWorkflows()).toEqual([]);
}, 60_000);

test('the README fan-out example is at most 8 lines and a valid workflow', async () => {
  const fs = await import('fs');
  const path = await import('path');
  const os = await import('os');
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const example = /<!-- fan-out-example -->\n```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  expect(example.trim().split('\n').length).toBeLessThanOrEqual(8);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-'));
  fs.writeFileSync(path.join(dir, 'caller.yml'), example);
  expect(await lintWorkflows(dir)).toEqual([]);
}, 60_000);

test('the reusable workflow takes every input the README example passes, and passes them on', async () => {
  const fs = await import('fs');
  const path = await import('path');
  const YAML = await import('yaml');
  const root = path.join(__dirname, '..', '..');
  const wf = YAML.parse(fs.readFileSync(path.join(root, '.github', 'workflows', 'multiarch.yml'), 'utf8')) as ReusableWorkflow;
  const declared = Object.keys(wf.on.workflow_call.inputs);
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const example = YAML.parse(/<!-- fan-out-example -->\n```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '') as CallerWorkflow;
  for (const key of Object.keys(example.jobs.image.with)) expect(declared).toContain(key);
  // Every declared input reaches at least one of the action steps.
  const steps = JSON.stringify(wf.jobs);
  for (const input of declared) expect(steps).toContain(`inputs.${input}`);
});
