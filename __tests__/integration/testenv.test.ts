/** The test stack cleans up after the action's own builders only, never anyone else's. */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { ROOT, docker } from './stack';

jest.setTimeout(120_000);

function createBuilder(name: string): void {
  docker(['buildx', 'create', '--name', name, '--driver', 'docker-container', '--driver-opt', 'network=host']);
  docker(['buildx', 'inspect', '--bootstrap', '--builder', name]);
}

function builderContainer(name: string): string {
  return docker(['ps', '-aq', '--filter', `name=^buildx_buildkit_${name}0$`]).trim();
}

test('clean-builders removes leftover multiarch-* builders and leaves other builders running', () => {
  const suffix = Date.now().toString(36);
  const ours = `multiarch-testenv-${suffix}`;
  const theirs = `someone-elses-${suffix}`;
  createBuilder(ours);
  createBuilder(theirs);
  try {
    execFileSync('bash', [path.join(ROOT, '.ci', 'testenv.sh'), 'clean-builders'], { stdio: 'pipe' });
    expect(builderContainer(ours)).toBe('');
    expect(builderContainer(theirs)).not.toBe('');
    expect(docker(['buildx', 'ls'])).toContain(theirs);
  } finally {
    docker(['buildx', 'rm', '--force', theirs]);
  }
});
