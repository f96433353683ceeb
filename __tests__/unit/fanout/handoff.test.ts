import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const uploaded: { name: string; record: unknown; retentionDays?: number }[] = [];
jest.mock('@actions/artifact', () => ({
  DefaultArtifactClient: class {
    uploadArtifact(name: string, files: string[], _root: string, options?: { retentionDays?: number }) {
      if (uploaded.some(u => u.name === name)) return Promise.reject(new Error(`artifact name conflict: ${name}`));
      uploaded.push({ name, record: JSON.parse(fs.readFileSync(files[0], 'utf8')) as unknown, retentionDays: options?.retentionDays });
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

// Every test starts from an empty artifact store: none relies on another's uploads.
beforeEach(() => {
  uploaded.length = 0;
});

test('artifacts: re-running a leg adds a record under a new name; the merge takes the re-run one', async () => {
  const key = handoffKey('', ['ghcr.io/o/app']);
  const h = await artifactHandoff(key);
  await h.put(rec('linux/amd64', 'a', 1));
  await h.put(rec('linux/arm64', 'b', 1));
  await h.put(rec('linux/arm64', 'c', 2)); // the failed arm64 leg, re-run
  expect(new Set(uploaded.map(u => u.name)).size).toBe(3);
  expect(uploaded.map(u => u.name.split('.').slice(0, 3).join('.'))).toEqual([
    `multiarch.${key}.linux-amd64`,
    `multiarch.${key}.linux-arm64`,
    `multiarch.${key}.linux-arm64`
  ]);
  const chosen = selectRecords(await h.all(), ['linux/amd64', 'linux/arm64']);
  expect(chosen.map(r => r.digest[7])).toEqual(['a', 'c']);
});

test('artifacts of another fan-out (other images) are not read', async () => {
  await (await artifactHandoff(handoffKey('', ['ghcr.io/o/app']))).put(rec('linux/amd64', 'a', 1));
  const other = await artifactHandoff(handoffKey('', ['ghcr.io/o/other']));
  expect(uploaded).toHaveLength(1);
  expect(await other.all()).toEqual([]);
});

test("the merge takes exactly its key's records: web never takes web-debug's", async () => {
  await (await artifactHandoff('web')).put(rec('linux/amd64', 'a', 1));
  await (await artifactHandoff('web-debug')).put(rec('linux/amd64', 'b', 1));
  expect((await (await artifactHandoff('web')).all()).map(r => r.digest[7])).toEqual(['a']);
  expect((await (await artifactHandoff('web-debug')).all()).map(r => r.digest[7])).toEqual(['b']);
});

test("records are kept for GitHub's 30-day re-run window unless told otherwise", async () => {
  await (await artifactHandoff('k')).put(rec('linux/amd64', 'a', 1));
  await (await artifactHandoff('k', 7)).put(rec('linux/arm64', 'b', 1));
  expect(uploaded.map(u => u.retentionDays)).toEqual([30, 7]);
});

test('directory handoff: records are scoped to the run', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-unit-'));
  await directoryHandoff(dir, 'run-1', 'k').put(rec('linux/amd64', 'a', 1));
  expect(await directoryHandoff(dir, 'run-2', 'k').all()).toEqual([]);
  expect((await directoryHandoff(dir, 'run-1', 'k').all()).map(r => r.platform)).toEqual(['linux/amd64']);
});

test('a directory hand-off never leaves its directory', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-unit-'));
  expect(() => directoryHandoff(dir, '..', '..')).toThrow(/leave/);
});
