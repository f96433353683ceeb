/**
 * Readers of the builder inputs setup-buildx-action users know (name, endpoint, node-platforms,
 * append, buildkitd-flags, buildkitd-config), and the rules buildx sets for them: one driver per
 * builder, what each driver accepts. Each is checked for form here, before anything runs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Read, ReadContext } from './input-spec';
import { keyValueLines, listItems } from './lists';
import { parsePlatformList } from './platform-list';
import { parseToml } from './toml';
import { parseYaml } from './yaml';

/** A node `append` adds to the builder (setup-buildx-action's fields). */
export interface AppendNode {
  name?: string;
  endpoint?: string;
  platforms: string[];
  driverOpts: string[];
  buildkitdFlags?: string;
}

/** A buildkitd.toml given as a file: its path (for buildx) and its text (checked, and read for plain-HTTP registries). */
export interface BuildkitdConfigFile {
  path: string;
  text: string;
}

/** Builder and node names as buildx accepts them. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const NODE_FIELDS = ['name', 'endpoint', 'platforms', 'driver-opts', 'buildkitd-flags'];

export const builderName: Read<string | undefined> = (raw, rc) => {
  const name = raw.trim() || undefined;
  if (name !== undefined && !NAME.test(name)) rc.p.add(rc.name, name, 'is not a builder name (letters, digits, _, . and -)');
  return name;
};

/** A platform list (comma- or newline-separated), normalised like `platforms`. */
export const platformList: Read<string[]> = (raw, rc) => {
  const { platforms, errors } = parsePlatformList(raw);
  rc.p.push(...errors.map(e => `${rc.name}: ${e}`));
  return platforms;
};

/** Checks a buildkitd.toml's text; a problem names the line smol-toml stopped at. */
export function checkToml(text: string, rc: ReadContext): void {
  try {
    parseToml(text);
  } catch (e) {
    const err = e as Error & { line?: number };
    rc.p.push(`${rc.name}: is not TOML${err.line ? ` (line ${err.line})` : ''}: ${err.message.split('\n')[0]}`);
  }
}

/** buildkitd-config: a file (relative to the workspace) that must exist and hold TOML. */
export const buildkitdConfigFile: Read<BuildkitdConfigFile | undefined> = (raw, rc) => {
  const given = raw.trim();
  if (given === '') return undefined;
  const file = path.resolve(given);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    rc.p.add(rc.name, given, 'is not a file; give the path of a buildkitd.toml (or put its text in buildkitd-config-inline)');
    return undefined;
  }
  const text = fs.readFileSync(file, 'utf8');
  checkToml(text, rc);
  return { path: file, text };
};

/** A YAML field that may be a string or a list of strings: its items (a string splits at newlines, and at commas when `commas`). */
function stringItems(value: unknown, commas: boolean): string[] | undefined {
  if (typeof value === 'string') return commas ? listItems(value, { commas: true }) : keyValueLines(value).map(l => l.line);
  if (Array.isArray(value) && value.every(v => typeof v === 'string')) return value.map(v => v.trim()).filter(Boolean);
  return undefined;
}

function optionalString(value: unknown, field: string, where: string, rc: ReadContext): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || typeof value === 'number') return String(value).trim() || undefined;
  rc.p.push(`${rc.name}: ${where}: ${field} must be a string`);
  return undefined;
}

function listField(value: unknown, field: string, where: string, rc: ReadContext, commas: boolean): string[] {
  if (value === undefined || value === null) return [];
  const items = stringItems(value, commas);
  if (items === undefined) rc.p.push(`${rc.name}: ${where}: ${field} must be a string or a list of strings`);
  return items ?? [];
}

/** One entry of `append`, checked field by field. */
function appendNode(entry: unknown, index: number, rc: ReadContext): AppendNode | undefined {
  const where = `node ${index + 1}`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    rc.p.push(`${rc.name}: ${where} is not a mapping; give {name, endpoint, platforms, driver-opts, buildkitd-flags}`);
    return undefined;
  }
  const fields = entry as Record<string, unknown>;
  for (const key of Object.keys(fields).filter(k => !NODE_FIELDS.includes(k))) {
    rc.p.push(`${rc.name}: ${where}: unknown field ${JSON.stringify(key)}; a node has ${NODE_FIELDS.join(', ')}`);
  }
  const name = optionalString(fields.name, 'name', where, rc);
  if (name !== undefined && !NAME.test(name)) rc.p.push(`${rc.name}: ${where}: name ${JSON.stringify(name)} is not a node name`);
  const { platforms, errors } = parsePlatformList(listField(fields.platforms, 'platforms', where, rc, true).join(','));
  rc.p.push(...errors.map(e => `${rc.name}: ${where}: platforms: ${e}`));
  return {
    name,
    endpoint: optionalString(fields.endpoint, 'endpoint', where, rc),
    platforms,
    driverOpts: listField(fields['driver-opts'], 'driver-opts', where, rc, false),
    buildkitdFlags: optionalString(fields['buildkitd-flags'], 'buildkitd-flags', where, rc)
  };
}

/** `append`: a YAML list of nodes, as setup-buildx-action reads it. */
export const appendNodes: Read<AppendNode[]> = (raw, rc) => {
  if (raw.trim() === '') return [];
  let doc: unknown;
  try {
    doc = parseYaml(raw);
  } catch (e) {
    rc.p.push(`${rc.name}: is not YAML: ${(e as Error).message.split('\n')[0]}`);
    return [];
  }
  if (!Array.isArray(doc)) {
    rc.p.push(`${rc.name}: must be a YAML list of nodes (- name: …, endpoint: …, platforms: …)`);
    return [];
  }
  return doc.map((entry, i) => appendNode(entry, i, rc)).filter((n): n is AppendNode => n !== undefined);
};
