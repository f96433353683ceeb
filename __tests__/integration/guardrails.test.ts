/**
 * Guardrails against publishing something other than what was asked, driven through dist/ on the
 * real stack. Secret-looking build-args: masked before the build, never in the argv.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES, REGISTRY, localStackInputs, runAction, tagList, uniqueRepo } from './stack';

jest.setTimeout(300_000);

/** The command lines of every process now running whose command line mentions `word`. */
function processesMentioning(word: string): string[] {
  const out: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
    try {
      const cmdline = fs
        .readFileSync(path.join('/proc', pid, 'cmdline'), 'utf8')
        .split('\0')
        .join(' ');
      if (cmdline.includes(word)) out.push(cmdline);
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

describe('a build-arg whose name looks secret', () => {
  const token = `npm_s3cr3t_${Date.now().toString(36)}`;
  const repo = uniqueRepo('secret-arg');
  const seen: string[] = [];
  let stdout = '';
  let code: number | null = null;

  beforeAll(async () => {
    const run = runAction({
      inputs: {
        ...localStackInputs(),
        file: path.join(FIXTURES, 'secret-arg', 'Dockerfile'),
        platforms: 'linux/amd64',
        tags: `${REGISTRY}/${repo}:1`,
        'build-args': `NPM_TOKEN=${token}\nVERSION=1.0`,
        provenance: 'false'
      }
    });
    // Read the process table while the build runs (its RUN step sleeps 3 s).
    let done = false;
    void run.finally(() => (done = true));
    while (!done) {
      seen.push(...processesMentioning('--build-arg'));
      await new Promise(r => setTimeout(r, 50));
    }
    const r = await run;
    stdout = r.main.stdout;
    code = r.main.code;
  });

  test('the build succeeds and publishes', async () => {
    expect(code).toBe(0);
    expect(await tagList(REGISTRY, repo)).toEqual(['1']);
  });

  test('it is warned about by name, with the way to pass it safely', () => {
    expect(stdout).toContain('::warning::build-args: NPM_TOKEN looks like a secret.');
    expect(stdout).toContain('pass it with secrets instead');
  });

  test('its value is masked before anything can print it: the first line holding it is the mask', () => {
    const lines = stdout.split('\n').filter(l => l.includes(token));
    expect(lines[0]).toBe(`::add-mask::${token}`);
    const firstCommand = stdout.split('\n').findIndex(l => l.startsWith('[command]'));
    expect(stdout.split('\n').indexOf(`::add-mask::${token}`)).toBeLessThan(firstCommand);
  });

  test('no value is in the [command] echo of the build', () => {
    const build = stdout.split('\n').filter(l => l.startsWith('[command]') && l.includes(' build '));
    expect(build).toHaveLength(1);
    expect(build[0]).toContain('--build-arg NPM_TOKEN --build-arg VERSION ');
    expect(build[0]).not.toContain(token);
    expect(build[0]).not.toContain('1.0');
  });

  test('no value is in the argv of any process while the build runs', () => {
    const buildx = seen.filter(c => c.includes('buildx') && c.includes(' build '));
    expect(buildx.length).toBeGreaterThan(0);
    expect(seen.filter(c => c.includes(token))).toEqual([]);
  });
});
