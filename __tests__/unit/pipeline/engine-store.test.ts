/** The classic image store is refused up front where a multi-platform image would have to live in it. */
import { RunContext } from '../../../src/inputs/context';
import { checkEngineStore } from '../../../src/pipeline/engine-store';
import { loadConfig } from '../../../src/policy/config';
import { ok, stubRunner } from '../stub-runner';

const ctx = { eventName: 'push', payload: {}, repository: 'o/r', actor: 'a', sha: '1', ref: 'refs/heads/main' } as RunContext;
const CLASSIC = '[["Backing Filesystem","extfs"],["Supports d_type","true"]]';
const CONTAINERD = '[["driver-type","io.containerd.snapshotter.v1"]]';

function cfg(inputs: Record<string, string>) {
  return loadConfig(n => ({ 'github-token': 'x', push: 'false', ...inputs })[n] ?? '', ctx);
}

test.each([
  [
    'load, two platforms, classic store',
    { load: 'true' },
    CLASSIC,
    /^load: true with 2 platforms needs the Docker engine's containerd image store/
  ],
  [
    'the engine builder, two platforms, classic store',
    { driver: 'docker' },
    CLASSIC,
    /^driver: docker \(the engine's own builder\) with 2 platforms needs/
  ],
  ['load, two platforms, containerd store', { load: 'true' }, CONTAINERD, undefined],
  ['load, one platform, classic store', { load: 'true', platforms: 'linux/amd64' }, CLASSIC, undefined]
])('%s', async (_n, inputs, status, error) => {
  const { run } = stubRunner(() => ok(status));
  const check = checkEngineStore(cfg(inputs), run, {});
  if (error) await expect(check).rejects.toThrow(error);
  else await expect(check).resolves.toBeUndefined();
});

test('nothing is asked when nothing multi-platform is loaded', async () => {
  const { run, calls } = stubRunner(() => ok(CLASSIC));
  await checkEngineStore(cfg({}), run, {});
  expect(calls).toEqual([]);
});
