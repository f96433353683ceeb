import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const uploaded: { name: string; record: unknown }[] = [];
jest.mock('@actions/artifact', () => ({
  DefaultArtifactClient: class {
    uploadArtifact(name: string, files: string[]) {
      if (uploaded.some(u => u.name === name)) return Promise.reject(new Error(`artifact name conflict: ${name}`));
      uploaded.push({ name, record: JSON.parse(fs.readFileSync(files[0], 'utf8')) as unknown });
      return Promise.resolve({ id: uploaded.length });
    }
    listArtifacts() {
      return Promise.resolve({ artifacts: uploaded.map((u, i) => ({ id: i + 1, name: u.name })) });
    }
    downloadArtifact(id: number, o: { path: string }) {
      fs.writeFileSync(path.join(o.path, 'record.json'), JSON.stringify(uploaded[id - 1].record));
      return Promise.resolve({});
    }
  }
}));

import { artifactHandoff, directoryHandoff, handoffKey } from '../../../src/fanout/handoff';
import { LegRecord, selectRecords } from '../../../src/fanout/records';

const rec = (platform: string, d: string, runAttempt: number): LegRecord => ({ platform, digest: `sha256:${d.repeat(64)}`, runAttempt });

test('artifacts: re-running a leg adds a record under a new name; the merge takes the re-run one', async () => {
  const h = await artifactHandoff(handoffKey('', ['ghcr.io/o/app']));
  await h.put(rec('linux/amd64', 'a', 1));
  await h.put(rec('linux/arm64', 'b', 1));
  await h.put(rec('linux/arm64', 'c', 2)); // the failed arm64 leg, re-run
  expect(new Set(uploaded.map(u => u.name)).size).toBe(3);
  expect(uploaded.every(u => u.name.startsWith(`multiarch-${handoffKey('', ['ghcr.io/o/app'])}-linux-`))).toBe(true);
  const chosen = selectRecords(await h.all(), ['linux/amd64', 'linux/arm64']);
  expect(chosen.map(r => r.digest[7])).toEqual(['a', 'c']);
});

test('artifacts of another fan-out (other images) are not read', async () => {
  const other = await artifactHandoff(handoffKey('', ['ghcr.io/o/other']));
  expect(await other.all()).toEqual([]);
});

test('directory handoff: records are scoped to the run', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-unit-'));
  await directoryHandoff(dir, 'run-1', 'k').put(rec('linux/amd64', 'a', 1));
  expect(await directoryHandoff(dir, 'run-2', 'k').all()).toEqual([]);
  expect((await directoryHandoff(dir, 'run-1', 'k').all()).map(r => r.platform)).toEqual(['linux/amd64']);
});
