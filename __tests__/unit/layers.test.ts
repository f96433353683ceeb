/** The layer rule: a module imports only from its own layer or the layers below it. */
import * as fs from 'fs';
import * as path from 'path';

const SRC = path.join(__dirname, '..', '..', 'src');

/** Bottom to top; the entry point (src/index.ts) sits above them all. */
const LAYERS = ['oci', 'dockerfile', 'inputs', 'policy', 'docker', 'registry', 'github', 'sign', 'fanout', 'report', 'pipeline', 'modes'];

function layerOf(file: string): number {
  const rel = path.relative(SRC, file);
  if (rel === 'index.ts') return LAYERS.length;
  const layer = LAYERS.indexOf(rel.split(path.sep)[0]);
  if (layer < 0) throw new Error(`${rel} is in no layer; put it in one of ${LAYERS.join(', ')}`);
  return layer;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.[^']+)'/g)].map(m => m[1]);
  return specs.map(s => {
    const target = path.resolve(path.dirname(file), s);
    return fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts');
  });
}

const files = sourceFiles(SRC);

test('every source file is in a layer folder', () => {
  expect(files.length).toBeGreaterThan(20);
  for (const f of files) expect(() => layerOf(f)).not.toThrow();
});

test.each(files.map(f => [path.relative(SRC, f), f]))('%s imports only downward', (_rel, file) => {
  const upward = relativeImports(file)
    .filter(target => layerOf(target) > layerOf(file))
    .map(target => path.relative(SRC, target));
  expect(upward).toEqual([]);
});
