/** The `secrets` input: build secrets as ID=VALUE entries, never echoed back in a problem. */
import { Problems } from './problems';

export interface BuildSecret {
  id: string;
  value: string;
}

interface Entry {
  entry: string;
  line: number;
  /** Set when the entry cannot be read (never holds the value). */
  problem?: string;
}

/** A quoted entry ends at a line whose last quote closes it (an odd run of quotes at the end). */
const CLOSES_QUOTE = /(^|[^"])("")*"\s*$/;

/**
 * `secrets` entries, one ID=VALUE per line; an entry wrapped in double quotes may span lines
 * (PEM keys) and uses "" for a literal quote, as in docker/build-push-action. A quote that is
 * never closed, and a `#` line (secret values are taken as written, so there are no comments),
 * are problems rather than guesses.
 */
export function splitSecretEntries(raw: string): Entry[] {
  const out: Entry[] = [];
  const lines = raw.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const text = lines[i].trimStart();
    if (text.trim() === '') continue;
    if (text.startsWith('#')) {
      out.push({ entry: '', line, problem: `line ${line} starts with #: secrets has no comments; remove the line` });
      continue;
    }
    if (!text.startsWith('"')) {
      out.push({ entry: lines[i], line });
      continue;
    }
    let quoted = text.slice(1);
    while (!CLOSES_QUOTE.test(quoted) && i + 1 < lines.length) quoted += '\n' + lines[++i];
    if (!CLOSES_QUOTE.test(quoted)) {
      out.push({ entry: '', line, problem: `line ${line} opens a quote that is never closed; end the entry with "` });
      continue;
    }
    out.push({ entry: quoted.trimEnd().slice(0, -1).replace(/""/g, '"'), line });
  }
  return out;
}

export function parseSecrets(raw: string, p: Problems): BuildSecret[] {
  const out: BuildSecret[] = [];
  for (const { entry, line, problem } of splitSecretEntries(raw)) {
    if (problem) {
      p.push(`secrets: ${problem}`);
      continue;
    }
    const eq = entry.indexOf('=');
    const id = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(id)) {
      // Never echo a secret line back: name only its position.
      p.push(`secrets: line ${line} is not ID=VALUE (ID starts with a letter, digit or _ and may use _ . -)`);
    } else if (out.some(s => s.id === id)) {
      p.push(`secrets: line ${line} repeats the id ${id}; each secret id may appear once`);
    } else {
      out.push({ id, value: entry.slice(eq + 1) });
    }
  }
  return out;
}

/** Words that make a build-arg name look like it carries a credential (a trailing S is dropped first: TOKENS, KEYS). */
const SECRET_WORDS = new Set([
  'TOKEN',
  'PASSWORD',
  'PASSWD',
  'PASS',
  'PASSPHRASE',
  'PWD',
  'SECRET',
  'KEY',
  'APIKEY',
  'CREDENTIAL',
  'CRED',
  'AUTH',
  'PAT',
  'DSN',
  'PRIVATE',
  'NPMRC',
  'PYPIRC',
  'NETRC',
  'COOKIE',
  'SESSION'
]);

/** The words of a name: split on _, -, . and camelCase boundaries (NPM_TOKEN, npmToken, api-key). */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[_.-]+/)
    .map(w => w.toUpperCase());
}

/** Words unlikely to mean anything else even run together with others (NPMTOKEN, DBPASSWORD, SECRETKEY). */
const SECRET_PARTS = ['TOKEN', 'PASSWORD', 'PASSWD', 'PASSPHRASE', 'SECRET', 'APIKEY', 'PRIVATEKEY', 'CREDENTIAL'];

function looksSecret(name: string): boolean {
  const upper = name.toUpperCase();
  return (
    SECRET_PARTS.some(part => upper.includes(part)) ||
    nameWords(name).some(w => SECRET_WORDS.has(w) || SECRET_WORDS.has(w.replace(/S$/, '')))
  );
}

/**
 * `build-args` entries (KEY=VALUE) whose name looks like it carries a credential: a secret-sounding
 * word as a whole word (NPM_TOKEN, api-key, githubPat), or a strong one anywhere (NPMTOKEN).
 */
export function secretLookingBuildArgs(buildArgs: string[]): { name: string; value: string }[] {
  return buildArgs
    .map(line => ({ name: line.slice(0, line.indexOf('=')), value: line.slice(line.indexOf('=') + 1) }))
    .filter(a => looksSecret(a.name));
}
