/** What each mode demands of the inputs (policy/modes.ts). */
import { RunContext } from '../../../src/inputs/context';
import { readInputs } from '../../../src/inputs/inputs';
import { Problems } from '../../../src/inputs/problems';
import { modeProblems } from '../../../src/policy/modes';

const ctx = { eventName: 'push', payload: {}, repository: 'o/r', actor: 'a', sha: '1', ref: 'refs/heads/main' } as RunContext;

function problems(inputs: Record<string, string>, run = { push: true, actionsRuntime: true }): string[] {
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
  [{ mode: 'merge' }, []]
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
