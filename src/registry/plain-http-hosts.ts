/** Which registry hosts the user's buildkitd.toml lets the action's client reach over plain HTTP. */

/**
 * Registries a buildkitd.toml marks `http = true` (`[registry."host"]`): the action's client may
 * speak plain HTTP there too. `insecure = true` only tells BuildKit to skip TLS verification; it
 * never means plain HTTP, so such hosts are spoken to over verified HTTPS (trust a private CA
 * with NODE_EXTRA_CA_CERTS).
 */
export function plainHttpRegistries(toml: string | undefined): string[] {
  const out: string[] = [];
  let current: string | undefined;
  for (const line of (toml ?? '').split(/\r?\n/)) {
    const header = /^\s*\[\s*registry\."([^"]+)"\s*\]/.exec(line);
    if (header) current = header[1];
    else if (/^\s*\[/.test(line)) current = undefined;
    else if (current && /^\s*http\s*=\s*true\b/.test(line) && !out.includes(current)) out.push(current);
  }
  return out;
}
