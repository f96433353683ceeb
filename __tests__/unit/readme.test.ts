/**
 * The README's first screen shows a usage example, and its Inputs and Outputs tables list exactly
 * what action.yml declares, with its defaults.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

const ROOT = path.join(__dirname, '..', '..');
const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
};
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The rows of the table under `## heading`: first cell (unquoted) → second cell. */
function tableRows(heading: string): Map<string, string> {
  const start = readme.indexOf(`\n## ${heading}\n`);
  expect(start).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  const rows = new Map<string, string>();
  for (const line of readme.slice(start, end === -1 ? undefined : end).split('\n')) {
    const cells = /^\| `([a-z-]+)` \|([^|]*)\|/.exec(line);
    if (cells) rows.set(cells[1], cells[2].trim());
  }
  return rows;
}

describe('README Inputs table', () => {
  const rows = tableRows('Inputs');

  test('lists every input action.yml declares, and nothing else', () => {
    expect([...rows.keys()].sort()).toEqual(Object.keys(action.inputs).sort());
  });

  test.each(Object.entries(action.inputs).filter(([, spec]) => spec.default !== undefined))(
    '%s: the default column shows action.yml default',
    (name, spec) => {
      const shown = rows.get(name) ?? '';
      const fixed = spec.default as string;
      // A long digest-pinned default is shortened in the table; its tag and digest ends must still show.
      if (fixed.includes('@sha256:')) {
        const [ref, digest] = fixed.split('@sha256:');
        expect(shown).toContain(`${ref}@sha256:${digest.slice(0, 8)}`);
        expect(shown).toContain(digest.slice(-4));
      } else {
        expect(shown).toBe(`\`${fixed}\``);
      }
    }
  );
});

describe('README Outputs table', () => {
  test('lists every output action.yml declares, and nothing else', () => {
    expect([...tableRows('Outputs').keys()].sort()).toEqual(Object.keys(action.outputs).sort());
  });
});

describe('README first screen', () => {
  // About what GitHub shows of a rendered README before the reader scrolls.
  const FIRST_SCREEN_LINES = 30;
  const lines = readme.split('\n');

  test(`the first yaml example starts within the first ${FIRST_SCREEN_LINES} lines and uses the action`, () => {
    const open = lines.findIndex(l => l.startsWith('```yaml'));
    expect(open).toBeGreaterThan(-1);
    expect(open + 1).toBeLessThanOrEqual(FIRST_SCREEN_LINES);
    const close = lines.findIndex((l, i) => i > open && l.startsWith('```'));
    expect(lines.slice(open + 1, close).join('\n')).toMatch(/uses: +example-org\/multiarch-publish-action@v1/);
  });
});
