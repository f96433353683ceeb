/**
 * The reusable fan-out workflow (.github/workflows/multiarch.yml): it runs this action from the
 * repository and commit it was called at, passes every input to the step that uses it, holds no
 * more token scopes than pushing needs, and publishes one run per ref and images at a time.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { runBashStep, type StepRun } from './run-step';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

interface Job {
  'runs-on'?: unknown;
  needs?: string | string[];
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  steps: Step[];
}

interface Workflow {
  on: {
    workflow_call: {
      inputs: Record<string, { description?: string; type: string; default?: unknown }>;
      secrets: Record<string, { description?: string; required?: boolean }>;
      outputs: Record<string, { value: string }>;
    };
  };
  permissions?: Record<string, string>;
  concurrency?: string | { group: string; 'cancel-in-progress'?: boolean };
  jobs: Record<string, Job>;
}

const ROOT = path.join(__dirname, '..', '..', '..');
const readYaml = <T>(file: string): T => parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as T;
const workflow = readYaml<Workflow>('.github/workflows/multiarch.yml');
const action = readYaml<{ inputs: Record<string, { default?: string }> }>('action.yml');

const SIDE_PATH = '.multiarch-action';
const ACTION = `./${SIDE_PATH}`;
const JOBS = ['plan', 'leg', 'merge'] as const;
const expr = (e: string): string => `\${{ ${e} }}`;

function job(name: string): Job {
  const j = workflow.jobs[name];
  expect(j).toBeDefined();
  return j;
}

function actionStepIndex(name: string): number {
  const steps = job(name).steps;
  expect(steps.filter(s => s.uses === ACTION)).toHaveLength(1);
  return steps.findIndex(s => s.uses === ACTION);
}

const actionWith = (name: string): Record<string, unknown> => job(name).steps[actionStepIndex(name)].with ?? {};
const needs = (j: Job): string[] => (j.needs === undefined ? [] : ([] as string[]).concat(j.needs));

/** Every `uses:` value anywhere in the document (job-level calls and steps). */
function allUses(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(allUses);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) => (k === 'uses' && typeof v === 'string' ? [v] : allUses(v)));
}

describe('where the action comes from', () => {
  test('no remote reference to the action: only actions/checkout and the checked-out side path', () => {
    const uses = allUses(workflow);
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u === ACTION || /^actions\/checkout@/.test(u)).toBe(true);
    expect(uses).toContain(ACTION);
  });

  test('the plan finds the repository and commit the workflow was called at, with the inputs as the fallback', () => {
    const source = job('plan').steps.find(s => s.id === 'action-source');
    expect(source?.env).toEqual({
      WORKFLOW_REPOSITORY: expr('job.workflow_repository'),
      WORKFLOW_SHA: expr('job.workflow_sha'),
      FALLBACK_REPOSITORY: expr('inputs.action-repository'),
      FALLBACK_REF: expr('inputs.action-ref')
    });
    expect(job('plan').outputs).toMatchObject({
      'action-repository': expr('steps.action-source.outputs.repository'),
      'action-ref': expr('steps.action-source.outputs.ref')
    });
  });

  // plan resolves the source itself; the legs and the merge take what the plan found.
  test.each([
    ['plan', 'steps.action-source.outputs.repository', 'steps.action-source.outputs.ref'],
    ['leg', 'needs.plan.outputs.action-repository', 'needs.plan.outputs.action-ref'],
    ['merge', 'needs.plan.outputs.action-repository', 'needs.plan.outputs.action-ref']
  ])('%s checks the action out to the side path just before using it', (name, repository, ref) => {
    const steps = job(name).steps;
    const i = actionStepIndex(name);
    const checkout = steps[i - 1];
    expect(checkout.uses).toMatch(/^actions\/checkout@/);
    expect(checkout.with).toEqual({
      repository: expr(repository),
      ref: expr(ref),
      path: SIDE_PATH,
      token: expr('secrets.action-token || github.token'),
      'persist-credentials': false
    });
    if (name !== 'plan') expect(needs(job(name))).toContain('plan');
    if (name === 'plan') expect(steps.findIndex(s => s.id === 'action-source')).toBeLessThan(i - 1);
  });

  test("a leg checks out the caller's code first (that checkout empties the workspace), without keeping credentials", () => {
    const [first, second] = job('leg').steps;
    expect(first.uses).toMatch(/^actions\/checkout@/);
    expect(first.with).toEqual(expect.objectContaining({ 'persist-credentials': false }));
    expect(second.with?.path).toBe(SIDE_PATH);
  });

  test("a leg of a workflow_run builds the triggering run's commit; other events check out the defaults", () => {
    const [first] = job('leg').steps;
    expect(first.with).toEqual({
      repository:
        "${{ github.event.workflow_run.head_repository.full_name || (github.event_name == 'pull_request_target' && github.event.pull_request.head.repo.full_name) || github.repository }}",
      ref: "${{ github.event.workflow_run.head_sha || (github.event_name == 'pull_request_target' && github.event.pull_request.head.sha) || (github.event.issue.pull_request && format('refs/pull/{0}/head', github.event.issue.number)) || '' }}",
      'persist-credentials': false
    });
  });
});

describe('the action-source step: the guard for servers without the contexts', () => {
  const step = job('plan').steps.find(s => s.id === 'action-source') as Step;
  const SHA = 'a'.repeat(40);

  function runStep(env: Record<string, string>): StepRun {
    const base = { WORKFLOW_REPOSITORY: '', WORKFLOW_SHA: '', FALLBACK_REPOSITORY: '', FALLBACK_REF: '' };
    return runBashStep(step.run ?? '', { ...base, ...env });
  }

  test('is a bash script that reads everything from env (no expressions to inject into)', () => {
    expect(step.shell).toBe('bash');
    expect(step.run).not.toContain('${{');
  });

  test.each([
    [
      'the contexts',
      { WORKFLOW_REPOSITORY: 'example-org/multiarch-publish-action', WORKFLOW_SHA: SHA },
      'example-org/multiarch-publish-action',
      SHA,
      /^(?!.*::(warning|error))/s
    ],
    [
      'the contexts over the inputs',
      {
        WORKFLOW_REPOSITORY: 'example-org/multiarch-publish-action',
        WORKFLOW_SHA: SHA,
        FALLBACK_REPOSITORY: 'mirror/copy',
        FALLBACK_REF: 'b'.repeat(40)
      },
      'example-org/multiarch-publish-action',
      SHA,
      /::notice::action-repository and action-ref are ignored/
    ],
    [
      'the inputs without the contexts',
      { FALLBACK_REPOSITORY: 'ghes-org/multiarch-publish-action', FALLBACK_REF: SHA },
      'ghes-org/multiarch-publish-action',
      SHA,
      /^(?!.*::(warning|error))/s
    ],
    [
      'a tag as the fallback ref, with a warning',
      { FALLBACK_REPOSITORY: 'ghes-org/multiarch-publish-action', FALLBACK_REF: 'v1.4.2' },
      'ghes-org/multiarch-publish-action',
      'v1.4.2',
      /::warning::action-ref v1\.4\.2 is not a commit SHA/
    ]
  ])('uses %s', (_, env, repository, ref, log) => {
    const r = runStep(env);
    expect(r.status).toBe(0);
    expect(r.outputs).toEqual({ repository, ref });
    expect(r.stdout).toMatch(log);
  });

  test.each([
    ['no contexts and no inputs', {}, /::error::Cannot tell which action to run.*action-repository.*action-ref/],
    [
      'only the repository context',
      { WORKFLOW_REPOSITORY: 'example-org/multiarch-publish-action' },
      /::error::Cannot tell which action to run/
    ],
    [
      'no contexts and only action-repository',
      { FALLBACK_REPOSITORY: 'ghes-org/multiarch-publish-action' },
      /::error::Cannot tell which action to run/
    ],
    [
      'a fallback repository that is not owner/name',
      { FALLBACK_REPOSITORY: 'multiarch-publish-action', FALLBACK_REF: SHA },
      /::error::action-repository must be owner\/name/
    ],
    [
      'a fallback ref that looks like an option',
      { FALLBACK_REPOSITORY: 'ghes-org/multiarch-publish-action', FALLBACK_REF: '--upload-pack' },
      /::error::action-repository must be owner\/name/
    ]
  ])('fails with %s, naming no action', (_, env, message) => {
    const r = runStep(env);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(message);
    expect(r.outputs).toEqual({});
  });
});

describe('inputs and secrets reach the step that uses them', () => {
  const declared = workflow.on.workflow_call.inputs;

  // [workflow input, job, the action input it becomes]
  const ROUTES: [string, (typeof JOBS)[number], string][] = [
    ['platforms', 'plan', 'platforms'],
    ['runners', 'plan', 'runners'],
    ...(
      [
        'context',
        'file',
        'target',
        'build-args',
        'labels',
        'annotations',
        'cache-from',
        'cache-to',
        'provenance',
        'sbom',
        'images',
        'tag-rules',
        'meta-tags',
        'flavor',
        'push',
        'handoff-key',
        'handoff-dir',
        'handoff-retention-days',
        'qemu',
        'qemu-image',
        'buildx-version',
        'buildx-download-url',
        'buildkitd-config-inline',
        'registry',
        'smoke-test',
        'preflight',
        'network',
        'no-cache',
        'pull',
        'attests',
        'add-hosts',
        'allow',
        'build-contexts',
        'cgroup-parent',
        'no-cache-filters',
        'shm-size',
        'ulimit',
        'allow-untrusted-secrets',
        'push-pull-requests',
        'allow-pull-request-target',
        'buildx-allow-unverified'
      ] as const
    ).map(i => [i, 'leg', i] as [string, 'leg', string]),
    ...(
      [
        'platforms',
        'images',
        'tags',
        'tag-rules',
        'meta-tags',
        'flavor',
        'sep-tags',
        'annotations',
        'push',
        'push-pull-requests',
        'allow-pull-request-target',
        'handoff-key',
        'handoff-dir',
        'buildkitd-config-inline',
        'registry',
        'sign',
        'attest',
        'transparency-log',
        'sigstore'
      ] as const
    ).map(i => [i, 'merge', i] as [string, 'merge', string])
  ];
  // Inputs that configure the workflow itself rather than an action input.
  const WORKFLOW_ONLY: Record<string, (w: Workflow) => string> = {
    'plan-runner': w => JSON.stringify(w.jobs.plan['runs-on']),
    'merge-runner': w => JSON.stringify(w.jobs.merge['runs-on']),
    'action-repository': w => JSON.stringify(w.jobs.plan.steps),
    'action-ref': w => JSON.stringify(w.jobs.plan.steps)
  };

  test('the inputs a fan-out needs are all declared, each with a description', () => {
    const existing = [
      'platforms',
      'images',
      'context',
      'file',
      'build-args',
      'tags',
      'tag-rules',
      'runners',
      'provenance',
      'sbom',
      'registry'
    ];
    const forFanOut = [
      'target',
      'labels',
      'annotations',
      'cache-from',
      'cache-to',
      'qemu',
      'qemu-image',
      'buildx-version',
      'push',
      'handoff-key'
    ];
    expect(Object.keys(declared)).toEqual(expect.arrayContaining([...existing, ...forFanOut, 'plan-runner', 'merge-runner']));
    for (const [name, input] of Object.entries(declared)) {
      expect([name, input.type]).toEqual([name, 'string']);
      expect([name, (input.description ?? '').length > 0]).toEqual([name, true]);
    }
  });

  test('every declared input is routed somewhere (a new input needs a route here)', () => {
    const routed = new Set([...ROUTES.map(r => r[0]), ...Object.keys(WORKFLOW_ONLY)]);
    expect(Object.keys(declared).sort()).toEqual([...routed].sort());
  });

  test.each(ROUTES)('inputs.%s → %s step, with %s', (input, jobName, key) => {
    expect(declared[input]).toBeDefined();
    expect(actionWith(jobName)[key]).toBe(expr(`inputs.${input}`));
  });

  test.each(Object.entries(WORKFLOW_ONLY))('inputs.%s configures the workflow', (input, where) => {
    expect(where(workflow)).toContain(`inputs.${input}`);
  });

  test.each([
    ['plan', 'plan-runner'],
    ['merge', 'merge-runner']
  ])('%s runs on %s: one label, or a JSON array of labels; default ubuntu-24.04', (jobName, input) => {
    expect(job(jobName)['runs-on']).toBe(expr(`startsWith(inputs.${input}, '[') && fromJSON(inputs.${input}) || inputs.${input}`));
    expect(declared[input].default).toBe('ubuntu-24.04');
  });

  test('each leg builds the platform the plan gave it, on the runner the plan chose', () => {
    expect(actionWith('leg').platforms).toBe(expr('matrix.platform'));
    expect(job('leg')['runs-on']).toBe(expr('matrix.runner'));
  });

  test.each([
    ['username', 'leg', 'username'],
    ['password', 'leg', 'password'],
    ['build-secrets', 'leg', 'secrets'],
    ['registry-auth', 'leg', 'registry-auth'],
    ['username', 'merge', 'username'],
    ['password', 'merge', 'password'],
    ['registry-auth', 'merge', 'registry-auth'],
    ['signing-key', 'merge', 'signing-key'],
    ['signing-key-password', 'merge', 'signing-key-password']
  ])('secrets.%s → %s step, with %s', (secret, jobName, key) => {
    expect(workflow.on.workflow_call.secrets[secret]).toBeDefined();
    expect(actionWith(jobName)[key]).toBe(expr(`secrets.${secret}`));
  });

  test('every secret is described and optional', () => {
    const secrets = workflow.on.workflow_call.secrets;
    expect(Object.keys(secrets).sort()).toEqual([
      'action-token',
      'build-secrets',
      'password',
      'registry-auth',
      'signing-key',
      'signing-key-password',
      'username'
    ]);
    for (const [name, s] of Object.entries(secrets))
      expect([name, s.required ?? false, (s.description ?? '').length > 0]).toEqual([name, false, true]);
  });

  // An explicit empty value replaces the action's default, so the workflow must repeat it.
  const defaults = [...new Map(ROUTES.map(([input, , key]) => [input, key])).entries()];
  test.each(defaults)('inputs.%s repeats the default of the action input %s', (input, key) => {
    expect(declared[input].default ?? '').toBe(action.inputs[key]?.default ?? '');
  });
});

describe('each mode gets what it uses', () => {
  test.each(JOBS)('every with: key of the %s step is an input of action.yml', name => {
    for (const key of Object.keys(actionWith(name))) expect([key, key in action.inputs]).toEqual([key, true]);
  });

  test.each(JOBS)('the %s step runs in the mode of the same name', name => {
    expect(actionWith(name).mode).toBe(name);
  });

  test('the plan gets platforms and runners only', () => {
    expect(Object.keys(actionWith('plan')).sort()).toEqual(['mode', 'platforms', 'runners']);
  });

  test('tags go to the merge only (a leg refuses them); build inputs go to the legs only', () => {
    expect(actionWith('leg')).not.toHaveProperty('tags');
    expect(actionWith('merge')).toHaveProperty('tags');
    const buildOnly = [
      'context',
      'file',
      'target',
      'build-args',
      'labels',
      'secrets',
      'cache-from',
      'cache-to',
      'provenance',
      'sbom',
      'qemu',
      'qemu-image',
      'buildx-version'
    ];
    for (const key of buildOnly) expect([key, key in actionWith('merge')]).toEqual([key, false]);
  });

  test('the workflow outputs come from the merge step', () => {
    expect(workflow.on.workflow_call.outputs.digest.value).toBe(expr('jobs.merge.outputs.digest'));
    expect(workflow.on.workflow_call.outputs.tags.value).toBe(expr('jobs.merge.outputs.tags'));
    expect(workflow.on.workflow_call.outputs.digests.value).toBe(expr('jobs.merge.outputs.digests'));
    expect(job('merge').outputs).toEqual({
      digest: expr('steps.merge.outputs.digest'),
      digests: expr('steps.merge.outputs.digests'),
      tags: expr('steps.merge.outputs.tags')
    });
  });
});

describe('least privilege', () => {
  test('no workflow-level grant', () => {
    for (const scope of Object.values(workflow.permissions ?? {})) expect(scope).not.toBe('write');
  });

  test('every job declares its permissions', () => {
    for (const [name, j] of Object.entries(workflow.jobs)) expect([name, j.permissions !== undefined]).toEqual([name, true]);
  });

  test('the plan holds no scope', () => {
    expect(job('plan').permissions).toEqual({});
  });

  test("a leg (which runs the caller's Dockerfile) holds exactly contents: read and packages: write: no signing identity", () => {
    expect(job('leg').permissions).toEqual({ contents: 'read', packages: 'write' });
    for (const key of ['sign', 'attest', 'signing-key']) expect(actionWith('leg')[key]).toBeUndefined();
  });

  test("the merge, which signs and runs none of the caller's code, adds id-token: write", () => {
    expect(job('merge').permissions).toEqual({ contents: 'read', packages: 'write', 'id-token': 'write' });
  });
});

describe('concurrency', () => {
  const concurrency = workflow.concurrency;
  const group = typeof concurrency === 'string' ? concurrency : (concurrency?.group ?? '');

  test('one group per built ref and images: the pull request, a workflow_run head branch, else the ref', () => {
    expect(group).toContain('github.ref');
    expect(group).toContain("format('pr-{0}', github.event.pull_request.number || github.event.issue.number)");
    // A fork's branch named like ours lands in a group of its own.
    expect(group).toContain(
      "format('run-{0}:{1}', github.event.workflow_run.head_repository.full_name, github.event.workflow_run.head_branch)"
    );
    expect(group).toContain('inputs.images');
  });

  test('a running publish is queued behind, never cancelled', () => {
    expect(typeof concurrency === 'object' && concurrency['cancel-in-progress']).toBe(false);
  });

  test("the group cannot equal the caller's: a literal prefix, not github.workflow (the caller's name here)", () => {
    expect(group).toMatch(/^multiarch-publish-\$\{\{/);
    expect(group).not.toContain('github.workflow');
  });
});

describe('README', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  test('names the action one way throughout', () => {
    expect(readme).not.toMatch(/OWNER\/REPO/);
    const uses = [...readme.matchAll(/^\s*(?:- )?uses: *(\S+)/gm)]
      .map(m => m[1])
      // GitHub's and AWS's own actions, which the examples use beside ours.
      .filter(u => !/^(aws-)?actions\//.test(u));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) {
      expect([
        'example-org/multiarch-publish-action@v1',
        'example-org/multiarch-publish-action/.github/workflows/multiarch.yml@v1'
      ]).toContain(u);
    }
  });
});
