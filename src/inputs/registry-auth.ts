/**
 * The `registry-auth` input, as docker/login-action writes it: a YAML list of logins, each with
 * `registry` (default Docker Hub), `username`, `password` and `ecr` (auto, true, false). Every
 * scalar is read as a string (YAML's failsafe schema), so a password of digits keeps its leading
 * zeros. Passwords are masked before anything can print them, and never quoted in a problem.
 */
import * as core from '@actions/core';
import { DOCKER_HUB, HOST_PATTERN, canonicalRegistry } from '../oci/reference';
import { Problems } from './problems';
import { parseYamlStrings } from './yaml';

export type EcrMode = 'auto' | 'true' | 'false';
export const ECR_MODES: readonly EcrMode[] = ['auto', 'true', 'false'];

/** One login of `registry-auth`. */
export interface RegistryAuth {
  /** Its 1-based place in the list, for problems. */
  entry: number;
  /** host[:port], Docker Hub's other names folded into `docker.io`. */
  registry: string;
  username: string;
  password: string;
  ecr: EcrMode;
}

const KEYS = ['registry', 'username', 'password', 'ecr'];

/** A `host[:port]`, or an `https://` URL of one (as the docker CLI takes it); '' when it is neither. */
export function registryHost(raw: string): string {
  const value = raw.trim().replace(/^https:\/\//i, '');
  const host = value === 'index.docker.io/v1/' || value === 'index.docker.io/v1' ? 'index.docker.io' : value.replace(/\/+$/, '');
  return HOST_PATTERN.test(host) ? canonicalRegistry(host.toLowerCase()) : '';
}

/** The 1-based line of a character offset. */
function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

function parseList(raw: string, p: Problems): unknown[] {
  let doc: unknown;
  try {
    doc = parseYamlStrings(raw);
  } catch (e) {
    // The parser's message may quote the text, secrets included: only its code and line are shown.
    const err = e as { code?: string; pos?: [number, number] };
    const where = err.pos ? ` at line ${lineOf(raw, err.pos[0])}` : '';
    p.push(
      `registry-auth: is not valid YAML${where}${err.code ? ` (${err.code})` : ''}; ` +
        'write one "- registry: HOST" item per login with username and password below it, and quote a value that holds ": " or " #"'
    );
    return [];
  }
  if (doc === null || doc === undefined) return [];
  if (Array.isArray(doc)) return doc;
  p.push('registry-auth: is not a YAML list; write one "- registry: HOST" item per login, with username and password below it');
  return [];
}

function entryProblems(entry: number, fields: Record<string, unknown>, p: Problems): void {
  for (const key of Object.keys(fields).filter(k => !KEYS.includes(k))) {
    if (key === 'scope') {
      p.push(
        `registry-auth: entry ${entry} has scope, which this action does not take: its logins live in a private Docker config ` +
          'for this step only and go to their own registry alone; drop scope'
      );
    } else if (key === 'logout') {
      p.push(`registry-auth: entry ${entry} has logout, which is the action's own input (logout), not an entry's`);
    } else {
      p.push(`registry-auth: entry ${entry} has an unknown key ${JSON.stringify(key)}; use ${KEYS.join(', ')}`);
    }
  }
  for (const key of KEYS) {
    if (fields[key] !== undefined && typeof fields[key] !== 'string') {
      p.push(`registry-auth: entry ${entry}: ${key} is not a single value (a list or a mapping was given)`);
    }
  }
}

function readEntry(item: unknown, entry: number, p: Problems): RegistryAuth | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    p.push(`registry-auth: entry ${entry} is not a mapping; give it registry, username and password keys`);
    return undefined;
  }
  const fields = item as Record<string, unknown>;
  const str = (key: string): string => {
    const value = fields[key];
    return typeof value === 'string' ? value : '';
  };
  const password = str('password');
  if (password !== '') core.setSecret(password);
  entryProblems(entry, fields, p);
  const written = str('registry').trim();
  const registry = written === '' ? DOCKER_HUB : registryHost(written);
  if (registry === '') {
    p.add(
      'registry-auth',
      written,
      `(entry ${entry}) is not a registry host[:port]${/^http:/i.test(written) ? ' (plain http:// is refused: the password would travel in clear)' : ''}`
    );
  }
  const ecr = str('ecr').trim().toLowerCase() || 'auto';
  if (!ECR_MODES.includes(ecr as EcrMode))
    p.add('registry-auth', str('ecr'), `(entry ${entry}, ecr) is not valid; use one of: ${ECR_MODES.join(', ')}`);
  return {
    entry,
    registry,
    username: str('username').trim(),
    password,
    ecr: ECR_MODES.includes(ecr as EcrMode) ? (ecr as EcrMode) : 'auto'
  };
}

/** Reads `registry-auth` (parsed with `parseYamlStrings`, so `loadYamlFor` must have seen it); problems go to `p`. */
export function parseRegistryAuth(raw: string, p: Problems): RegistryAuth[] {
  if (raw.trim() === '') return [];
  return parseList(raw, p).flatMap((item, i) => readEntry(item, i + 1, p) ?? []);
}
