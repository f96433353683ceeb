/** Defaults in action.yml that guard the runner: the privileged binfmt image is pinned by digest. */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { parseReference } from '../../../src/oci/reference';

const action = parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
};

test('qemu-image (run --privileged) defaults to an image pinned by digest', () => {
  const image = action.inputs['qemu-image'].default ?? '';
  expect(parseReference(image).digest).toMatch(/^sha256:[a-f0-9]{64}$/);
});

test('a buildx download without checksums fails unless the user opts out', () => {
  expect(action.inputs['buildx-allow-unverified'].default).toBe('false');
});
