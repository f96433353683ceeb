/**
 * The engine's own BuildKit (`driver: docker`, containerd image store) on each stack: three
 * platforms built under QEMU and loaded into the engine, with no builder created or removed; a
 * push through it is refused up front (it cannot push by digest).
 */
import {
  ActionRun,
  BINFMT_STANDIN,
  REGISTRY,
  clearQemuHandlers,
  commandLines,
  docker,
  errorLines,
  localStackInputs,
  runAction,
  tagList,
  uniqueRepo
} from './stack';

jest.setTimeout(600_000);

describe('driver: docker builds three platforms with the engine builder and loads them into the engine', () => {
  const tag = `localhost/test/engine-builder:${Date.now().toString(36)}`;
  let run: ActionRun;

  beforeAll(async () => {
    clearQemuHandlers();
    run = await runAction({
      inputs: { ...engineBuilderInputs(), push: 'false', load: 'true', 'no-cache': 'true', tags: tag }
    });
  });
  afterAll(() => {
    docker(['image', 'rm', '--force', tag]);
  });

  test('main and post succeed, on the default builder, which is neither created nor removed', () => {
    expect(run.main.code).toBe(0);
    expect(run.post?.code).toBe(0);
    const commands = commandLines(run.main.stdout + (run.post?.stdout ?? ''));
    expect(commands.filter(c => / buildx (create|rm) /.test(c))).toEqual([]);
    expect(commands.find(c => / buildx build /.test(c))).toContain('--builder default');
  });

  test('the engine builder, started before this run registered emulators, still builds the emulated platforms', () => {
    // The engine's builder fixed its platform list when first used; whatever it left out is named.
    const listed = /BuildKit version:.*\n\s*Platforms:\s*(.*)/.exec(run.main.stdout)?.[1].split(', ') ?? [];
    const unlisted = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'].filter(p => !listed.includes(p));
    const note = `builder default lists its platforms as of its start; ${unlisted.join(', ')} run on the QEMU emulators registered since`;
    if (unlisted.length > 0) expect(run.main.stdout).toContain(note);
    else expect(run.main.stdout).not.toContain('lists its platforms as of its start');
    for (const m of ['x86_64', 'aarch64', 'armv7l']) expect(run.main.stdout).toContain(`RUN step executed as ${m}`);
  });

  test('the engine holds the image for each platform (containerd image store)', () => {
    for (const [platform, machine] of [
      ['linux/amd64', 'x86_64'],
      ['linux/arm64', 'aarch64'],
      ['linux/arm/v7', 'armv7l']
    ]) {
      expect(docker(['run', '--rm', '--pull', 'never', '--network', 'host', '--platform', platform, tag]).trim()).toBe(machine);
    }
  });
});

test('driver: docker with push is refused before anything runs, with what to use instead', async () => {
  const repo = uniqueRepo('engine-builder-push');
  const r = await runAction({ inputs: { ...engineBuilderInputs(), tags: `${REGISTRY}/${repo}:1` } });
  expect(r.main.code).toBe(1);
  expect(errorLines(r.main.stdout)).toEqual([
    expect.stringMatching(/driver: docker .* cannot push by digest.*use driver: docker-container/)
  ]);
  expect(commandLines(r.main.stdout)).toEqual([]);
  expect(await tagList(REGISTRY, repo)).toBeUndefined();
});

/** The engine's builder takes no driver-opts or buildkitd config (its registry config is the engine's). */
function engineBuilderInputs(): Record<string, string> {
  return {
    ...localStackInputs(),
    'driver-opts': '',
    'buildkitd-config-inline': '',
    driver: 'docker',
    platforms: 'linux/amd64,linux/arm64,linux/arm/v7',
    'qemu-image': BINFMT_STANDIN
  };
}
