/** The base-image preflight of a build: the Dockerfile the build will read, checked before anything runs. */
import * as core from '@actions/core';
import * as fs from 'fs';
import * as path from 'path';
import { hostPlatform } from '../oci/platform';
import { Config } from '../policy/config';
import { preflight } from '../registry/preflight';
import { RegistryReader } from '../registry/registry';
import { ReportedError } from '../report/reported-error';

/** No Dockerfile is this large: a bigger file (or a device) is not read. */
const MAX_DOCKERFILE_BYTES = 4 * 1024 * 1024;

/** A remote build context has no Dockerfile here to read, unless `file` names one. */
function dockerfilePath(cfg: Config): string | undefined {
  if (cfg.file) return cfg.file;
  if (/^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(cfg.context)) return undefined;
  return path.join(cfg.context, 'Dockerfile');
}

/** Any base image that cannot serve its platforms ends the step before QEMU, the builder or the build. */
export async function checkBaseImages(cfg: Config, client: RegistryReader): Promise<void> {
  if (!cfg.preflight) return;
  const file = dockerfilePath(cfg);
  if (!file || !fs.existsSync(file)) {
    core.info(`Preflight: skipped (no Dockerfile to read${file ? ` at ${file}` : ' for a remote context'})`);
    return;
  }
  const stat = fs.statSync(file);
  if (!stat.isFile() || stat.size > MAX_DOCKERFILE_BYTES) {
    core.warning(`Preflight: skipped: ${file} is not a Dockerfile-sized regular file`);
    return;
  }
  const input = { file, text: fs.readFileSync(file, 'utf8'), buildArgs: cfg.buildArgs, platforms: cfg.platforms, target: cfg.target };
  const misses = await preflight(client, { ...input, buildPlatform: hostPlatform(process.arch) });
  if (misses > 0) throw new ReportedError(`Preflight: ${misses} base image(s) cannot serve the requested platforms; nothing was built`);
}
