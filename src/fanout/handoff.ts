/**
 * Handing leg records to the merge job: a shared directory (self-hosted runners with shared
 * storage, tests), or workflow-run artifacts on GitHub. Each record gets its own name (platform
 * and run attempt), so re-runs never conflict and the merge can pick the newest per platform.
 */
import * as core from '@actions/core';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { platformSlug } from './plan';
import { LegRecord, isLegRecord } from './records';

export interface Handoff {
  describe: string;
  put(record: LegRecord): Promise<void>;
  all(): Promise<LegRecord[]>;
}

/** Separates several fan-outs in one workflow run: derived from the images unless given. */
export function handoffKey(explicit: string, images: string[]): string {
  if (explicit) return explicit;
  return crypto
    .createHash('sha256')
    .update([...images].sort().join('\n'))
    .digest('hex')
    .slice(0, 12);
}

function recordName(r: LegRecord): string {
  return `${platformSlug(r.platform)}.a${r.runAttempt}.${crypto.randomBytes(4).toString('hex')}`;
}

function parseRecords(files: string[]): LegRecord[] {
  const out: LegRecord[] = [];
  for (const f of files) {
    const parsed: unknown = JSON.parse(fs.readFileSync(f, 'utf8'));
    if (!isLegRecord(parsed)) throw new Error(`handoff record ${path.basename(f)} is malformed`);
    out.push(parsed);
  }
  return out;
}

/** Records live under `<dir>/<run id>/<key>/`: shared storage keeps other runs' records apart. */
export function directoryHandoff(dir: string, runId: string, key: string): Handoff {
  const root = path.join(dir, runId, key);
  const rel = path.relative(dir, root);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`handoff: run ${runId} and key ${key} leave ${dir}`);
  return {
    describe: `directory ${root}`,
    put(record) {
      fs.mkdirSync(root, { recursive: true });
      const file = path.join(root, `${recordName(record)}.json`);
      // Write then rename, so a merge never reads half a record.
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2));
      fs.renameSync(`${file}.tmp`, file);
      return Promise.resolve();
    },
    all() {
      if (!fs.existsSync(root)) return Promise.resolve([]);
      const files = fs
        .readdirSync(root)
        .filter(f => f.endsWith('.json'))
        .map(f => path.join(root, f));
      return Promise.resolve(parseRecords(files));
    }
  };
}

const ARTIFACT_PREFIX = 'multiarch';

/** `multiarch.<key>.<record name>`: a key holds no dot, so `web` never matches `web-debug`'s artifacts. */
function artifactName(key: string, record: LegRecord): string {
  return `${ARTIFACT_PREFIX}.${key}.${recordName(record)}`;
}

function isArtifactOf(key: string, name: string): boolean {
  const [prefix, k] = name.split('.');
  return prefix === ARTIFACT_PREFIX && k === key;
}

/**
 * Workflow-run artifacts, which belong to this run, kept `retentionDays` (GitHub.com; GHES without
 * the v4 artifact backend needs handoff-dir).
 */
export async function artifactHandoff(key: string, retentionDays = 30): Promise<Handoff> {
  // Loaded only when a fan-out runs on GitHub: the artifact client is most of the bundle.
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const client = new DefaultArtifactClient();
  return {
    describe: `artifacts ${ARTIFACT_PREFIX}.${key}.*`,
    async put(record) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-'));
      const file = path.join(dir, 'record.json');
      fs.writeFileSync(file, JSON.stringify(record, null, 2));
      await client.uploadArtifact(artifactName(key, record), [file], dir, { retentionDays });
    },
    async all() {
      const { artifacts } = await client.listArtifacts();
      const files: string[] = [];
      for (const a of artifacts.filter(x => isArtifactOf(key, x.name))) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-'));
        await client.downloadArtifact(a.id, { path: dir });
        files.push(path.join(dir, 'record.json'));
      }
      core.info(`Found ${files.length} leg record artifact(s) named ${ARTIFACT_PREFIX}.${key}.*`);
      return parseRecords(files);
    }
  };
}

export async function chooseHandoff(dir: string, runId: string, key: string, retentionDays?: number): Promise<Handoff> {
  if (dir) return directoryHandoff(dir, runId, key);
  if (!process.env.ACTIONS_RUNTIME_TOKEN) {
    throw new Error('no handoff: set handoff-dir (shared storage) when not running on GitHub Actions');
  }
  return artifactHandoff(key, retentionDays);
}
