/** Runs that do not sign never load the signing code: it is reached only by a dynamic import. */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sources(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

test('outside src/sign/, the signing layer is imported for its types only, or by import()', () => {
  const outside = sources(path.join(ROOT, 'src')).filter(f => !f.includes(`${path.sep}sign${path.sep}`));
  const loads = outside.flatMap(f =>
    [...fs.readFileSync(f, 'utf8').matchAll(/^import (?!type )[^;]*from '[./]+\/sign\/[^']*';/gm)].map(
      m => `${path.relative(ROOT, f)}: ${m[0]}`
    )
  );
  expect(loads).toEqual([]);
});

test('the main bundle holds neither the signing layer nor the Sigstore libraries', () => {
  const main = fs.readFileSync(path.join(ROOT, 'dist', 'index.js'), 'utf8');
  for (const marker of ['dev.cosignproject.cosign/signature', 'api/v2/signingCert', 'api/v1/log/entries', 'secretbox'])
    expect([marker, main.includes(marker)]).toEqual([marker, false]);
});
