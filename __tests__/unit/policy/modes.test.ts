/** What each mode demands of the inputs (policy/modes.ts). */
import { RunContext } from '../../../src/inputs/context';
import { readInputs } from '../../../src/inputs/inputs';
import { Problems } from '../../../src/inputs/problems';
import { ModeChecks, modeProblems } from '../../../src/policy/modes';

const ctx = { eventName: 'push', payload: {}, repository: 'o/r', actor: 'a', sha: '1', ref: 'refs/heads/main' } as RunContext;

function problems(inputs: Record<string, string>, run: ModeChecks = { push: true, actionsRuntime: true, commit: '1234567' }): string[] {
  return modeProblems(
    readInputs(n => inputs[n] ?? '', ctx, new Problems()),
    run
  );
}

test.each([
  [{ mode: 'build' }, []],
  [{ mode: 'plan' }, []],
  [{ mode: 'leg', platforms: 'linux/amd64' }, []],
  [{ mode: 'leg' }, [/^platforms: "linux\/amd64,linux\/arm64" must name exactly one platform in leg mode/]],
  [{ mode: 'leg', platforms: 'linux/amd64', tags: 'ghcr.io/o/r:1' }, [/^tags: a leg pushes by digest only/]],
  [{ mode: 'leg', platforms: 'linux/amd64', load: 'true' }, [/^outputs\/load: a leg pushes by digest/]],
  [{ mode: 'merge' }, []],
  [{ mode: 'promote', source: 'ghcr.io/o/r:sha-1234567' }, []],
  [{ mode: 'promote', source: 'ghcr.io/o/r' }, []],
  [{ mode: 'promote' }, [/^source: mode: promote copies a published image/]],
  [
    { mode: 'promote', source: 'ghcr.io/o/r:1', 'smoke-test': '/app --version' },
    [/^outputs\/load\/smoke-test: mode: promote copies an image already published/]
  ],
  [{ mode: 'promote', source: 'ghcr.io/o/r:1', sign: 'true' }, [/^sign: mode: promote signs nothing; it copies the signatures/]],
  [{ mode: 'promote', source: 'ghcr.io/o/r:1', sign: 'true', attest: 'true' }, [/^sign, attest: mode: promote signs nothing/]],
  [{ mode: 'promote', source: 'ghcr.io/o/r:1', attest: 'true' }, [/^attest: mode: promote signs nothing/]],
  [{ mode: 'build', source: 'ghcr.io/o/r:1' }, [/^source: only mode: promote reads it \(mode is build\)/]],
  [{ mode: 'merge', source: 'ghcr.io/o/r:1' }, [/^source: only mode: promote reads it \(mode is merge\)/]]
])('%j', (inputs, expected) => {
  const got = problems(inputs);
  expect(got).toHaveLength(expected.length);
  expected.forEach((re, i) => expect(got[i]).toMatch(re));
});

test.each(['leg', 'merge'])('a pushing %s off GitHub Actions needs handoff-dir; one that does not push does not', mode => {
  const inputs = { mode, platforms: 'linux/amd64' };
  expect(problems(inputs, { push: true, actionsRuntime: false })).toEqual([expect.stringMatching(/^handoff-dir: a .* off GitHub Actions/)]);
  expect(problems(inputs, { push: false, actionsRuntime: false })).toEqual([]);
  expect(problems({ ...inputs, 'handoff-dir': '/tmp' }, { push: true, actionsRuntime: false })).toEqual([]);
});

test('promote: a source without tag or digest needs the run to name a commit', () => {
  expect(problems({ mode: 'promote', source: 'ghcr.io/o/r' }, { push: true, actionsRuntime: true, commit: '' })).toEqual([
    expect.stringMatching(/^source: "ghcr.io\/o\/r" names no tag or digest, and this run names no commit/)
  ]);
});
