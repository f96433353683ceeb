/** The committed bundle is what runs: it must equal a fresh build of src/ (Node only, no stack needed). */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

jest.setTimeout(180_000);

/** The ncc arguments of package.json's build script, writing to `out` instead of dist/. */
function nccArgs(out: string): string[] {
  const { scripts } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { build: string } };
  const ncc = /\bncc (build [^&]*)/.exec(scripts.build)?.[1].trim().split(/\s+/);
  if (!ncc) throw new Error('package.json build script runs no ncc build');
  const o = ncc.indexOf('-o');
  if (o < 0 || ncc[o + 1] !== 'dist') throw new Error('the ncc build in package.json does not write to -o dist');
  ncc[o + 1] = out;
  return ncc;
}

test('dist/ matches a fresh ncc build of src/, with the build script’s own flags', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-check-'));
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'ncc'), nccArgs(out), { cwd: ROOT, stdio: 'ignore' });
  // The entry point and every lazily loaded chunk, no more and no fewer.
  expect(fs.readdirSync(path.join(ROOT, 'dist')).sort()).toEqual(fs.readdirSync(out).sort());
  for (const f of fs.readdirSync(out)) {
    const fresh = fs.readFileSync(path.join(out, f), 'utf8');
    const committed = fs.readFileSync(path.join(ROOT, 'dist', f), 'utf8');
    expect({ file: f, same: fresh === committed }).toEqual({ file: f, same: true });
  }
});
