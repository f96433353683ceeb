/** Running the one `docker buildx build`: its secret files, the build itself, and its metadata. */
import * as core from '@actions/core';
import * as fs from 'fs';
import * as path from 'path';
import { BuildSecret } from '../inputs/secrets';
import { Buildx, buildxArgs } from './buildx';
import { Runner } from './command';

/** Writes each secret to its own 0600 file so no value ever appears in an argument vector. */
export function writeSecretFiles(dir: string, secrets: BuildSecret[]): Record<string, string> {
  const files: Record<string, string> = {};
  const secretDir = path.join(dir, 'secrets');
  fs.mkdirSync(secretDir, { recursive: true, mode: 0o700 });
  for (const s of secrets) {
    const file = path.join(secretDir, s.id);
    fs.writeFileSync(file, s.value, { mode: 0o600 });
    files[s.id] = file;
  }
  return files;
}

export interface BuildMetadata {
  digest?: string;
  imageId?: string;
  raw: Record<string, unknown>;
}

export function parseMetadata(text: string): BuildMetadata {
  const raw = text.trim() === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  const str = (k: string): string | undefined => {
    const v = raw[k];
    return typeof v === 'string' ? v : undefined;
  };
  return { digest: str('containerimage.digest'), imageId: str('containerimage.config.digest'), raw };
}

export async function runBuild(
  run: Runner,
  bx: Buildx,
  args: string[],
  env: Record<string, string>,
  metadataFile: string
): Promise<BuildMetadata> {
  await core.group('Build log', async () => {
    await run(...buildxArgs(bx, args), { env });
  });
  return parseMetadata(fs.existsSync(metadataFile) ? fs.readFileSync(metadataFile, 'utf8') : '');
}
