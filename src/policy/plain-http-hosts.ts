/** Which registry hosts the user's buildkitd.toml lets the action's client reach over plain HTTP. */
import { parseToml } from '../inputs/toml';

/**
 * Registries a buildkitd.toml marks `http = true` (`[registry."host"]`): the action's client may
 * speak plain HTTP there too. `insecure = true` only tells BuildKit to skip TLS verification; it
 * never means plain HTTP, so such hosts are spoken to over verified HTTPS (trust a private CA
 * with NODE_EXTRA_CA_CERTS). A config that is not TOML was refused with the inputs.
 */
export function plainHttpRegistries(toml: string | undefined): string[] {
  let registries: unknown;
  try {
    registries = parseToml(toml ?? '').registry;
  } catch {
    return [];
  }
  if (typeof registries !== 'object' || registries === null) return [];
  return Object.entries(registries as Record<string, { http?: unknown }>)
    .filter(([, r]) => r.http === true)
    .map(([host]) => host);
}

/** This machine: `localhost`, 127.0.0.0/8 or [::1], with or without a port. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/:\d+$/, '');
  return h === 'localhost' || /^127(\.\d{1,3}){3}$/.test(h) || h === '[::1]';
}
