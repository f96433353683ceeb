/** The committed bundle is what runs: it must equal a fresh build of src/. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from './stack';

jest.setTimeout(180_000);

test('dist/ matches a fresh ncc build of src/', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-check-'));
  execFileSync(
    path.join(ROOT, 'node_modules', '.bin', 'ncc'),
    ['build', 'src/index.ts', '-o', out, '--license', 'licenses.txt', '--no-source-map-register'],
    {
      cwd: ROOT,
      stdio: 'ignore'
    }
  );
  // The entry point and every lazily loaded chunk, no more and no fewer.
  expect(fs.readdirSync(path.join(ROOT, 'dist')).sort()).toEqual(fs.readdirSync(out).sort());
  for (const f of fs.readdirSync(out)) {
    const fresh = fs.readFileSync(path.join(out, f), 'utf8');
    const committed = fs.readFileSync(path.join(ROOT, 'dist', f), 'utf8');
    expect({ file: f, same: fresh === committed }).toEqual({ file: f, same: true });
  }
});
