/** Which registry hosts the user's buildkitd.toml lets us reach without verified TLS. */

/**
 * Registries a buildkitd.toml marks as plain HTTP or insecure (`[registry."host"]` with
 * `http = true` or `insecure = true`): the action's own registry client may use HTTP there too.
 */
export function plainHttpRegistries(toml: string | undefined): string[] {
  const out: string[] = [];
  let current: string | undefined;
  for (const line of (toml ?? '').split(/\r?\n/)) {
    const header = /^\s*\[\s*registry\."([^"]+)"\s*\]/.exec(line);
    if (header) current = header[1];
    else if (/^\s*\[/.test(line)) current = undefined;
    else if (current && /^\s*(http|insecure)\s*=\s*true\b/.test(line) && !out.includes(current)) out.push(current);
  }
  return out;
}
