/**
 * Readers of the build options build-push-action users know (add-hosts, allow, attests,
 * build-contexts, call, cgroup-parent, no-cache-filters, secret-envs, secret-files, shm-size, ssh,
 * ulimit), with their list syntax: each checked for form here, before anything runs.
 */
import * as fs from 'fs';
import { csvFields } from './csv';
import { Read, ReadContext, list, lines } from './input-spec';
import { keyValueLines } from './lists';

/** An item of a list input that does not have the expected form: named with what would be valid. */
function check(rc: ReadContext, items: string[], ok: (item: string) => boolean, valid: string): string[] {
  for (const item of items.filter(i => !ok(i))) rc.p.add(rc.name, item, `is not valid; use ${valid}`);
  return items.filter(ok);
}

const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const IP = /^(\d{1,3}(\.\d{1,3}){3}|\[?[0-9a-fA-F:]+\]?|host-gateway)$/;

/** `host:ip` (or `host=ip`), comma-separated or one per line: buildx's --add-host. */
export const addHosts: Read<string[]> = (raw, rc) =>
  check(
    rc,
    list(raw, rc),
    item => {
      const sep = /[=:]/.exec(item)?.index ?? -1;
      return sep > 0 && HOST.test(item.slice(0, sep)) && IP.test(item.slice(sep + 1));
    },
    'HOST:IP (e.g. docker:10.180.0.1, or host-gateway)'
  );

/** The entitlements buildx's --allow grants. */
export const ENTITLEMENTS = ['network.host', 'security.insecure'];

export const allow: Read<string[]> = (raw, rc) => check(rc, list(raw, rc), e => ENTITLEMENTS.includes(e), ENTITLEMENTS.join(' or '));

/** `type=provenance|sbom,…` per line: buildx's --attest. */
export const attests: Read<string[]> = (raw, rc) =>
  check(rc, lines(raw, rc), a => ['provenance', 'sbom'].includes(csvFields(a).get('type') ?? ''), 'type=provenance,… or type=sbom,…');

/** `name=path|url|docker-image://…|target:…|oci-layout://…` per line: buildx's --build-context. */
export const buildContexts: Read<string[]> = (raw, rc) =>
  check(rc, lines(raw, rc), c => /^[^=\s]+=\S.*$/.test(c), 'NAME=VALUE (a path, a URL, docker-image://REF, target:STAGE)');

/** What buildx's --call evaluates instead of building (build: a normal build). */
export const CALLS = ['build', 'check', 'outline', 'targets'];

/** call: check, outline or targets evaluate the build: nothing is built, so nothing is pushed or exported. */
export function evaluatesOnly(o: { call?: string }): boolean {
  return o.call !== undefined && !/^build\b/i.test(o.call);
}

export const call: Read<string | undefined> = (raw, rc) => {
  const value = raw.trim();
  if (value === '') return undefined;
  const method = value.split(',')[0].toLowerCase();
  if (!CALLS.includes(method))
    rc.p.add(rc.name, value, `is not valid; use one of: ${CALLS.join(', ')} (with ,format=json as buildx takes it)`);
  return value;
};

export const shmSize: Read<string | undefined> = (raw, rc) => {
  const value = raw.trim();
  if (value === '') return undefined;
  if (!/^\d+(\.\d+)?[bkmgBKMG]?$/.test(value)) rc.p.add(rc.name, value, 'is not a size; use bytes or a unit, e.g. 2g, 512m');
  return value;
};

/** `name=soft[:hard]` per line: buildx's --ulimit. */
export const ulimits: Read<string[]> = (raw, rc) =>
  check(rc, lines(raw, rc), u => /^[a-z]+=-?\d+(:-?\d+)?$/.test(u), 'NAME=SOFT[:HARD], e.g. nofile=1024:1024');

export interface SecretEnv {
  id: string;
  env: string;
}

export interface SecretFile {
  id: string;
  path: string;
}

const SECRET_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** `id=ENV_NAME`, comma-separated or one per line: a secret read from this step's environment. */
export const secretEnvs: Read<SecretEnv[]> = (raw, rc) => {
  const out: SecretEnv[] = [];
  for (const item of list(raw, rc)) {
    const [id, env] = [item.slice(0, item.indexOf('=')), item.slice(item.indexOf('=') + 1)];
    if (!item.includes('=') || !SECRET_ID.test(id) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(env)) {
      rc.p.add(rc.name, item, 'is not ID=ENV_NAME (the name of an environment variable of this step)');
    } else if (process.env[env] === undefined) {
      rc.p.push(`${rc.name}: ${id} reads the environment variable ${env}, which this step does not set; add it to the step's env:`);
    } else out.push({ id, env });
  }
  return out;
};

/** `id=path` per line: a secret read from a file on the runner. */
export const secretFiles: Read<SecretFile[]> = (raw, rc) => {
  const out: SecretFile[] = [];
  for (const { line, key, value } of keyValueLines(raw)) {
    const path = value.trim();
    if (!SECRET_ID.test(key) || path === '') rc.p.add(rc.name, line, 'is not ID=PATH');
    else if (!fs.existsSync(path) || !fs.statSync(path).isFile()) rc.p.push(`${rc.name}: ${key}: no file at ${path}`);
    else out.push({ id: key, path });
  }
  return out;
};

/** `default`, `default=SOCKET`, `ID=KEY_FILE[,KEY_FILE…]`: buildx's --ssh (one per line, or comma-separated as build-push-action reads it). */
export const ssh: Read<string[]> = (raw, rc) =>
  check(rc, list(raw, rc), s => /^[A-Za-z0-9_.-]+(=\S+)?$/.test(s), 'default, default=SOCKET or ID=PATH (an agent socket or key files)');
