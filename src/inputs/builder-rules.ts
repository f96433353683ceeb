/**
 * What buildx allows of a builder's inputs, checked before anything runs: one driver for every
 * node, no flags or config for a BuildKit buildx does not start, nothing created for the engine's
 * own builder. Each problem says buildx's rule and what to give instead.
 */
import { isLoopbackHost } from './input-spec';
import type { BuilderInputs } from './inputs';
import { Problems } from './problems';

/** The inputs that shape a builder this action creates, named when present. */
function creationInputs(b: BuilderInputs): string[] {
  const given: [string, boolean][] = [
    ['driver-opts', b.driverOpts.length > 0],
    ['buildkitd-flags', b.buildkitdFlags !== undefined],
    ['buildkitd-config', b.buildkitdConfig !== undefined],
    ['buildkitd-config-inline', b.buildkitdConfigInline !== undefined],
    ['endpoint', b.endpoint !== undefined],
    ['node-platforms', b.nodePlatforms.length > 0],
    ['append', b.append.length > 0]
  ];
  return given.filter(([, present]) => present).map(([name]) => name);
}

/** The engine's own builder (driver: docker) and a given builder are used as they are. */
function usedAsIsProblems(b: BuilderInputs, explicitBuilder: boolean, p: Problems): void {
  const given = creationInputs(b);
  if (explicitBuilder && b.name !== undefined) {
    p.push('builder and name: builder uses an existing builder as it is, name is the builder this action creates (or reuses); give one');
  }
  if (explicitBuilder && given.length > 0) {
    p.push(`builder: an existing builder is used as it is; ${given.join(', ')} only apply to a builder this action creates`);
    return;
  }
  if (explicitBuilder || b.driver !== 'docker') return;
  if (b.append.length > 0) {
    p.push("append: driver: docker is the engine's own builder, to which buildx adds no nodes; use docker-container, kubernetes or remote");
  }
  const others = [...given.filter(n => n !== 'append'), ...(b.name !== undefined ? ['name'] : [])];
  if (others.length > 0) {
    p.add('driver', 'docker', `is the engine's own builder, used as it is: it takes no ${others.join(', ')}; use docker-container`);
  }
}

/** The driver-opts that make buildx's remote driver speak TLS. */
const TLS_OPTS = ['cacert', 'cert', 'key'];

/**
 * A plain tcp:// address of another machine: secrets and credentials would cross the network in
 * clear. The remote driver speaks TLS with its TLS driver-opts; the other drivers' endpoints are
 * Docker (or Kubernetes) API addresses, which a docker context or ssh:// reaches securely.
 */
function plaintextRemote(endpoint: string | undefined, driver: string, driverOpts: string[]): boolean {
  if (endpoint === undefined || !/^tcp:\/\//i.test(endpoint)) return false;
  // An address Node cannot read (an IPv6 zone, say) may still be one Go reads: not known to be loopback.
  if (!URL.canParse(endpoint)) return true;
  if (driver === 'remote' && driverOpts.some(o => TLS_OPTS.includes(o.slice(0, o.indexOf('=')).trim().toLowerCase()))) return false;
  return !isLoopbackHost(new URL(endpoint).hostname);
}

function plaintextProblem(input: string, endpoint: string, driver: string): string {
  const fix =
    driver === 'remote'
      ? 'give its TLS files in driver-opts (cacert=…, cert=…, key=…), or reach it over loopback or unix://'
      : 'name a docker context with TLS (docker context create … --docker "host=tcp://…,ca=…,cert=…,key=…"), or use ssh://';
  return (
    `${input}: ${JSON.stringify(endpoint)} is plain TCP to another machine: build secrets, the SSH agent and registry credentials ` +
    `would cross the network unencrypted; ${fix}`
  );
}

/** Every node's endpoint, whatever the driver. */
function plaintextProblems(b: BuilderInputs, p: Problems): void {
  if (plaintextRemote(b.endpoint, b.driver, b.driverOpts)) p.push(plaintextProblem('endpoint', b.endpoint ?? '', b.driver));
  b.append.forEach((node, i) => {
    if (plaintextRemote(node.endpoint, b.driver, node.driverOpts)) {
      p.push(plaintextProblem(`append: node ${i + 1}'s endpoint`, node.endpoint ?? '', b.driver));
    }
  });
}

/** buildx's remote driver connects to a running BuildKit: it needs an address, and sets no flags or config there. */
function remoteProblems(b: BuilderInputs, p: Problems): void {
  if (b.driver !== 'remote') return;
  if (b.endpoint === undefined) p.push('driver: remote needs endpoint: the address of a running BuildKit (tcp://HOST:PORT, unix://PATH)');
  const set = ['buildkitd-flags', 'buildkitd-config', 'buildkitd-config-inline'].filter(n => creationInputs(b).includes(n));
  b.append.forEach((node, i) => {
    if (node.buildkitdFlags !== undefined) set.push(`append node ${i + 1}'s buildkitd-flags`);
    if (node.endpoint === undefined) p.push(`append: node ${i + 1} needs an endpoint: the remote driver connects to a running BuildKit`);
  });
  if (set.length > 0) {
    p.push(`driver: remote: buildx sets no ${set.join(', ')} on a BuildKit it does not start; configure that BuildKit where it runs`);
  }
}

function nodeNameProblems(b: BuilderInputs, p: Problems): void {
  const names = b.append.map(n => n.name).filter((n): n is string => n !== undefined);
  for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
    p.push(`append: node name ${JSON.stringify(name)} is given twice; each node of a builder has its own name`);
  }
}

export function builderProblems(b: BuilderInputs, explicitBuilder: boolean, p: Problems): void {
  usedAsIsProblems(b, explicitBuilder, p);
  remoteProblems(b, p);
  plaintextProblems(b, p);
  nodeNameProblems(b, p);
  if (b.buildkitdConfig !== undefined && b.buildkitdConfigInline !== undefined) {
    p.push('buildkitd-config and buildkitd-config-inline: give one (buildx takes one buildkitd.toml: the file, or its text inline)');
  }
  if (b.keepState && !explicitBuilder && b.driver !== 'docker-container') {
    p.add(
      'keep-state',
      'true',
      `needs driver: docker-container (buildx keeps the state of the BuildKit container it removes; driver: ${b.driver})`
    );
  }
}
