/**
 * docs/migrating.md has a table row for every input and output of Docker's five actions (as their
 * action.yml declared them in the versions the guide names), each with a known status, and a row
 * that says "same" or "renamed" names an input or output this action declares. Its yaml blocks
 * are checked with the others (yaml-blocks.test.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

const ROOT = path.join(__dirname, '..', '..', '..');
const guide = fs.readFileSync(path.join(ROOT, 'docs', 'migrating.md'), 'utf8');
const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
};

/** Docker's actions, from their action.yml at the versions the guide names. */
const DOCKER: Record<string, { version: string; inputs: string[]; outputs: string[] }> = {
  'setup-qemu-action': { version: 'v4.2', inputs: ['image', 'platforms', 'reset', 'cache-image'], outputs: ['platforms'] },
  'setup-buildx-action': {
    version: 'v4.3',
    inputs: [
      'version',
      'driver',
      'driver-opts',
      'buildkitd-flags',
      'buildkitd-config',
      'buildkitd-config-inline',
      'use',
      'name',
      'endpoint',
      'platforms',
      'append',
      'keep-state',
      'cache-binary',
      'cleanup'
    ],
    outputs: ['name', 'driver', 'platforms', 'nodes', 'endpoint', 'status', 'flags']
  },
  'login-action': { version: 'v4.1', inputs: ['registry', 'username', 'password', 'ecr', 'scope', 'logout', 'registry-auth'], outputs: [] },
  'metadata-action': {
    version: 'v6.2',
    inputs: [
      'context',
      'images',
      'tags',
      'flavor',
      'labels',
      'annotations',
      'sep-tags',
      'sep-labels',
      'sep-annotations',
      'bake-target',
      'github-token'
    ],
    outputs: [
      'version',
      'tags',
      'tag-names',
      'labels',
      'annotations',
      'json',
      'bake-file-tags',
      'bake-file-labels',
      'bake-file-annotations',
      'bake-file'
    ]
  },
  'build-push-action': {
    version: 'v7.3',
    inputs: [
      'add-hosts',
      'allow',
      'annotations',
      'attests',
      'build-args',
      'build-contexts',
      'builder',
      'cache-from',
      'cache-to',
      'call',
      'cgroup-parent',
      'context',
      'file',
      'labels',
      'load',
      'network',
      'no-cache',
      'no-cache-filters',
      'outputs',
      'platforms',
      'provenance',
      'pull',
      'push',
      'sbom',
      'secrets',
      'secret-envs',
      'secret-files',
      'shm-size',
      'ssh',
      'tags',
      'target',
      'ulimit',
      'github-token'
    ],
    outputs: ['imageid', 'digest', 'metadata']
  }
};

interface Row {
  name: string;
  status: string;
}

/** The rows of the `| Input |` or `| Output |` table under `## docker/<name>`. */
function rows(name: string, kind: 'Input' | 'Output'): Row[] {
  const start = guide.indexOf(`\n## docker/${name}\n`);
  expect(start).toBeGreaterThan(-1);
  const end = guide.indexOf('\n## ', start + 1);
  const section = guide.slice(start, end === -1 ? undefined : end).split('\n');
  const head = section.findIndex(l => l.startsWith(`| ${kind} |`));
  if (head === -1) return [];
  const out: Row[] = [];
  for (const line of section.slice(head + 2)) {
    const cells = /^\| `([a-z-]+)` \| ([^|]*) \|/.exec(line);
    if (!cells) break;
    out.push({ name: cells[1], status: cells[2].trim() });
  }
  return out;
}

const STATUS = /^(same|not needed|missing|renamed: `([a-z-]+)`)$/;

describe.each(Object.entries(DOCKER))('docker/%s', (name, docker) => {
  test('the guide names the version its tables were checked against', () => {
    expect(guide).toContain(`${name} ${docker.version}`);
  });

  test.each([
    ['Input', docker.inputs, Object.keys(action.inputs)],
    ['Output', docker.outputs, Object.keys(action.outputs)]
  ] as const)('every %s has one row, with a status; same and renamed name what action.yml declares', (kind, theirs, ours) => {
    const table = rows(name, kind);
    expect(table.map(r => r.name).sort()).toEqual([...theirs].sort());
    for (const row of table) {
      const status = STATUS.exec(row.status);
      expect([row.name, row.status, status !== null]).toEqual([row.name, row.status, true]);
      const here = status?.[1] === 'same' ? row.name : status?.[2];
      if (here !== undefined) expect([row.name, ours.includes(here)]).toEqual([row.name, true]);
    }
  });
});
