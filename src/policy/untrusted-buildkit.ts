/**
 * What of BuildKit's own configuration a build of untrusted code may have. A buildkitd.toml (a
 * file that may come from the pull request's checkout) or buildkitd flags can open BuildKit's API
 * to the build's own RUN steps (`[grpc]`, `--addr`), grant entitlements without `allow`
 * (`insecure-entitlements`), or hand the steps the runner's network or no sandbox (worker keys):
 * each a way around the refusals of `allow` and `network: host`, up to root on the runner.
 */
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
/** buildkitd flags that listen elsewhere, grant entitlements, or change how RUN steps are isolated. */
const WIDENING_FLAGS = [
  '--addr',
  '--allow-insecure-entitlement',
  '--oci-worker-net',
  '--containerd-worker-net',
  '--oci-worker-no-process-sandbox',
  '--oci-worker-binary',
  '--oci-cni-config-path',
  '--oci-cni-binary-dir',
  '--containerd-cni-config-path',
  '--containerd-cni-binary-dir',
  '--root'
];

export interface BuildkitConfigInputs {
  buildkitdConfig?: { text: string };
  buildkitdConfigInline?: string;
  buildkitdFlags?: string;
  append?: readonly { buildkitdFlags?: string }[];
}

/** The keys of a buildkitd.toml outside what untrusted code may have, as `worker.oci.networkMode`. */
export function wideningConfigKeys(toml: string): string[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(toml);
  } catch {
    return []; // refused with the inputs
  }
  const out = Object.keys(doc).filter(k => !SAFE_TOP_LEVEL.has(k));
  const workers = doc.worker;
  if (typeof workers === 'object' && workers !== null) {
    for (const [kind, settings] of Object.entries(workers as Record<string, unknown>)) {
      if (typeof settings !== 'object' || settings === null) out.push(`worker.${kind}`);
      else
        out.push(
          ...Object.keys(settings)
            .filter(k => !SAFE_WORKER_KEYS.has(k))
            .map(k => `worker.${kind}.${k}`)
        );
    }
  }
  return out;
}

/** The flags of a buildkitd-flags line that widen what the build's steps may do. */
export function wideningFlags(flags: string | undefined): string[] {
  const words = (flags ?? '').split(/\s+/).filter(Boolean);
  return [...new Set(words.map(w => w.replace(/=.*$/, '')).filter(w => WIDENING_FLAGS.includes(w)))];
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
        `(worker: ${[...SAFE_WORKER_KEYS].join(', ')})`
    );
  }
  const flagged: [string, string | undefined][] = [
    ['buildkitd-flags', o.buildkitdFlags],
    ...(o.append ?? []).map((n, i): [string, string | undefined] => [`append: node ${i + 1}'s buildkitd-flags`, n.buildkitdFlags])
  ];
  for (const [input, flags] of flagged) {
    const widening = wideningFlags(flags);
    if (widening.length > 0) out.push(`${input}: ${widening.join(', ')} is refused ${why}`);
  }
  return out;
}
