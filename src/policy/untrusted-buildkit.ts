/**
 * What of BuildKit's own configuration a build of untrusted code may have. A buildkitd.toml (a
 * file that may come from the pull request's checkout) or buildkitd flags can open BuildKit's API
 * to the build's own RUN steps (`[grpc]`, `--addr`), grant entitlements without `allow`
 * (`insecure-entitlements`), or hand the steps the runner's network or no sandbox (worker keys):
 * each a way around the refusals of `allow` and `network: host`, up to root on the runner.
 */
import { csvFields } from '../inputs/csv';
import { parseToml } from '../inputs/toml';

/** Top-level buildkitd.toml keys that only tune BuildKit: logging, DNS, registries, history, GC. */
const SAFE_TOP_LEVEL = new Set(['debug', 'trace', 'log', 'dns', 'registry', 'history', 'system', 'worker']);
/** Keys of `[worker.oci]` and `[worker.containerd]` that only choose platforms and garbage collection. */
const SAFE_WORKER_KEYS = new Set([
  'enabled',
  'platforms',
  'gc',
  'gckeepstorage',
  'gcpolicy',
  'reservedSpace',
  'maxUsedSpace',
  'minFreeSpace',
  'max-parallelism',
  'snapshotter'
]);
/** Keys of a `[registry."host"]` table that only choose mirrors and TLS strictness (no files of the runner). */
const SAFE_REGISTRY_KEYS = new Set(['mirrors', 'http', 'insecure']);
/** buildkitd flags untrusted code may have, and whether each takes a value. */
const SAFE_FLAGS = new Map([
  ['debug', false],
  ['trace', false],
  ['log-level', true],
  ['log-format', true],
  ['oci-worker-gc', false],
  ['oci-worker-gc-keepstorage', true],
  ['oci-worker-gc-reservedspace', true],
  ['oci-worker-gc-maxusedspace', true],
  ['oci-worker-gc-minfreespace', true],
  ['oci-worker-snapshotter', true],
  ['oci-max-parallelism', true]
]);
/** The one entitlement buildx grants a builder it creates anyway (it adds the flag itself when none is given). */
const DEFAULT_ENTITLEMENT = 'network.host';

export interface BuildkitConfigInputs {
  buildkitdConfig?: { text: string };
  buildkitdConfigInline?: string;
  buildkitdFlags?: string;
  driverOpts?: readonly string[];
  append?: readonly { buildkitdFlags?: string; driverOpts?: readonly string[] }[];
}

/**
 * The settings of driver-opts lines, for refusing some: buildx reads each line as CSV, each field
 * a key=value (`image=…,network=host` sets both). Read twice, as CSV and as flat text (quotes,
 * spaces and line breaks dropped, split at commas), so that no quoting or stray line break inside
 * a line hides a field from these checks that buildx would read. Keys lower-cased.
 */
export function driverOptFields(opts: readonly string[] | undefined): [string, string | undefined][] {
  return (opts ?? []).flatMap(line => [...csvFields(line), ...line.replace(/["\s]/g, '').split(',').map(flatField)]);
}

function flatField(field: string): [string, string | undefined] {
  const eq = field.indexOf('=');
  return eq < 0 ? [field.toLowerCase(), undefined] : [field.slice(0, eq).toLowerCase(), field.slice(eq + 1)];
}

/** driver-opts that set buildkitd's own settings through its environment (env.BUILDKITD_DEBUGADDR…). */
const buildkitdEnv = (opts: readonly string[] | undefined): string[] => [
  ...new Set(
    driverOptFields(opts)
      .map(([k]) => k)
      .filter(k => k.startsWith('env.buildkitd_'))
  )
];

/** The keys of a buildkitd.toml outside what untrusted code may have, as `worker.oci.networkMode`. */
export function wideningConfigKeys(toml: string): string[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(toml);
  } catch {
    return []; // refused with the inputs
  }
  const defaultEntitlement = (k: string): boolean =>
    k === 'insecure-entitlements' && Array.isArray(doc[k]) && (doc[k] as unknown[]).every(e => e === DEFAULT_ENTITLEMENT);
  return [
    ...Object.keys(doc).filter(k => !SAFE_TOP_LEVEL.has(k) && !defaultEntitlement(k)),
    ...tableKeysOutside(doc.worker, 'worker', SAFE_WORKER_KEYS),
    // ca, keypair and tlsconfigdir name files of the runner that buildx copies into the builder.
    ...tableKeysOutside(doc.registry, 'registry', SAFE_REGISTRY_KEYS)
  ];
}

/** A key as TOML writes it: bare when it can be, else quoted (`registry."docker.io"`). */
const tomlKey = (key: string): string => (/^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key));

/** `section.name.key` for each key of each table under `section` that `safe` lacks. */
function tableKeysOutside(section: unknown, name: string, safe: Set<string>): string[] {
  if (section === undefined) return [];
  if (typeof section !== 'object' || section === null || Array.isArray(section)) return [name];
  return Object.entries(section as Record<string, unknown>).flatMap(([table, settings]) =>
    typeof settings !== 'object' || settings === null || Array.isArray(settings)
      ? [`${name}.${tomlKey(table)}`]
      : Object.keys(settings)
          .filter(k => !safe.has(k))
          .map(k => `${name}.${tomlKey(table)}.${k}`)
  );
}

/**
 * The words of a buildkitd-flags line outside what untrusted code may have. Quotes are dropped
 * (buildx splits the line as a shell would) and one or two dashes are a flag (Go's flag syntax).
 */
export function wideningFlags(flags: string | undefined): string[] {
  const words = (flags ?? '').replace(/["']/g, ' ').split(/\s+/).filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const flag = /^--?([^=]+)(=.*)?$/.exec(words[i]);
    if (!flag) {
      out.push(words[i]);
      continue;
    }
    const takesValue = SAFE_FLAGS.get(flag[1]);
    // A value follows the flag as its own word (a refused flag's too: it is not a flag of its own).
    const next = words[i + 1];
    const valued = flag[2] === undefined && takesValue !== false && next !== undefined && !next.startsWith('-');
    const value = flag[2]?.slice(1) ?? (valued ? next : undefined);
    const defaultEntitlement = flag[1] === 'allow-insecure-entitlement' && value === DEFAULT_ENTITLEMENT;
    if (takesValue === undefined && !defaultEntitlement) out.push(`--${flag[1]}`);
    if (valued) i++;
  }
  return [...new Set(out)];
}

type AppendedNode = NonNullable<BuildkitConfigInputs['append']>[number];

/** A setting of the first node and of each appended node, each named as a problem names it. */
function perNode<T>(input: string, first: T, append: BuildkitConfigInputs['append'], pick: (n: AppendedNode) => T): [string, T][] {
  return [[input, first], ...(append ?? []).map((n, i): [string, T] => [`append: node ${i + 1}'s ${input}`, pick(n)])];
}

/** Problems, for an untrusted event, with the BuildKit configuration the inputs give. */
export function untrustedBuildkitProblems(eventName: string, o: BuildkitConfigInputs): string[] {
  const out: string[] = [];
  const why = `on a ${eventName} event (untrusted code): it would let the build's own steps reach or widen BuildKit`;
  const configs: [string, string | undefined][] = [
    ['buildkitd-config', o.buildkitdConfig?.text],
    ['buildkitd-config-inline', o.buildkitdConfigInline]
  ];
  for (const [input, text] of configs) {
    const keys = text === undefined ? [] : wideningConfigKeys(text);
    if (keys.length === 0) continue;
    out.push(
      `${input}: ${keys.join(', ')} is refused ${why}; there it may set only ${[...SAFE_TOP_LEVEL].join(', ')} ` +
        `(worker: ${[...SAFE_WORKER_KEYS].join(', ')}; registry: ${[...SAFE_REGISTRY_KEYS].join(', ')})`
    );
  }
  for (const [input, opts] of perNode('driver-opts', o.driverOpts, o.append, n => n.driverOpts)) {
    const keys = buildkitdEnv(opts);
    if (keys.length > 0) out.push(`${input}: ${keys.join(', ')} is refused ${why}`);
  }
  for (const [input, flags] of perNode('buildkitd-flags', o.buildkitdFlags, o.append, n => n.buildkitdFlags)) {
    const widening = wideningFlags(flags);
    if (widening.length > 0) {
      const safe = [...[...SAFE_FLAGS.keys()].map(f => `--${f}`), `--allow-insecure-entitlement ${DEFAULT_ENTITLEMENT}`].join(', ');
      out.push(`${input}: ${widening.join(', ')} is refused ${why}; there it may give only ${safe}`);
    }
  }
  return out;
}
