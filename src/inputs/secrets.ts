/** The `secrets` input: build secrets as ID=VALUE entries, never echoed back in a problem. */
import { Problems } from './problems';

export interface BuildSecret {
  id: string;
  value: string;
}

/**
 * `secrets` entries, one ID=VALUE per line; an entry wrapped in double quotes may span lines
 * (PEM keys) and uses "" for a literal quote, as in docker/build-push-action.
 */
export function splitSecretEntries(raw: string): { entry: string; line: number }[] {
  const out: { entry: string; line: number }[] = [];
  const lines = raw.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let text = lines[i];
    if (text.trim() === '') continue;
    if (text.trimStart().startsWith('"')) {
      text = text.trimStart();
      // Gather lines until the closing quote (an odd run of quotes at the end).
      while (!/(^|[^"])("")*"\s*$/.test(text.slice(1)) && i + 1 < lines.length) text += '\n' + lines[++i];
      text = text.trim().slice(1, -1).replace(/""/g, '"');
    }
    out.push({ entry: text, line: start });
  }
  return out;
}

export function parseSecrets(raw: string, p: Problems): BuildSecret[] {
  const out: BuildSecret[] = [];
  for (const { entry, line } of splitSecretEntries(raw)) {
    const eq = entry.indexOf('=');
    const id = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(id)) {
      // Never echo a secret line back: name only its position.
      p.push(`secrets: line ${line} is not ID=VALUE (ID starts with a letter, digit or _ and may use _ . -)`);
      continue;
    }
    out.push({ id, value: entry.slice(eq + 1) });
  }
  return out;
}
