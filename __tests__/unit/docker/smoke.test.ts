import { smokeArgs, smokeTest } from '../../../src/docker/smoke';
import { stubRunner } from '../stub-runner';

test('each platform runs the image by digest, as an argument vector', () => {
  expect(smokeArgs('ghcr.io/o/app@sha256:abc', 'linux/arm64', ['/app', '--version'], 'host')).toEqual([
    'run',
    '--rm',
    '--quiet',
    '--platform',
    'linux/arm64',
    '--network',
    'host',
    'ghcr.io/o/app@sha256:abc',
    '/app',
    '--version'
  ]);
});

test('a failing platform is reported with its output, the others still run, and the test image is removed', async () => {
  const { run, calls } = stubRunner((_command, args) => {
    const arm = args.includes('linux/arm64');
    return { exitCode: arm ? 1 : 0, stdout: arm ? '' : 'x86_64', stderr: arm ? 'exec format error' : '' };
  });
  const results = await smokeTest(
    run,
    {},
    { image: 'r/app@sha256:abc', platforms: ['linux/amd64', 'linux/arm64'], command: ['/bin/uname', '-m'] }
  );
  expect(results).toEqual([
    {
      platform: 'linux/amd64',
      command: expect.stringContaining('docker run --rm --quiet --platform linux/amd64') as string,
      exitCode: 0,
      output: 'x86_64'
    },
    {
      platform: 'linux/arm64',
      command: expect.stringContaining('docker run --rm --quiet --platform linux/arm64') as string,
      exitCode: 1,
      output: 'exec format error'
    }
  ]);
  expect(calls.at(-1)?.args).toEqual(['image', 'rm', 'r/app@sha256:abc']);
});

test('on the classic image store the platforms run one after the other, the image removed in between', async () => {
  const { run, calls } = stubRunner(() => ({ exitCode: 0, stdout: 'ok', stderr: '' }));
  await smokeTest(
    run,
    {},
    { image: 'r/app@sha256:abc', platforms: ['linux/amd64', 'linux/arm64'], command: ['/bin/true'], onePlatformAtATime: true }
  );
  const step = (args: string[]): string =>
    args.includes('--platform') ? `run ${args[args.indexOf('--platform') + 1]}` : args.slice(0, 2).join(' ');
  expect(calls.map(c => step(c.args))).toEqual(['run linux/amd64', 'image rm', 'run linux/arm64', 'image rm']);
});
