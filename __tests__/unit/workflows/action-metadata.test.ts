/**
 * action.yml's metadata: what the Marketplace shows (name, a description that fits its card,
 * branding), and defaults that guard the runner (the privileged binfmt image is pinned by digest).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { parseReference } from '../../../src/oci/reference';

const ROOT = path.join(__dirname, '..', '..', '..');
const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  name: string;
  description: string;
  branding?: { icon?: string; color?: string };
  inputs: Record<string, { default?: string }>;
};

describe('the Marketplace listing', () => {
  test('the description fits the Marketplace card: one line of at most 125 characters', () => {
    expect(action.description).not.toContain('\n');
    expect(action.description.length).toBeGreaterThan(0);
    expect(action.description.length).toBeLessThanOrEqual(125);
  });

  test("the README's title is the action's name", () => {
    expect(action.name.trim().length).toBeGreaterThan(0);
    const title = /^# (.+)$/m.exec(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'))?.[1];
    expect(title).toBe(action.name);
  });

  test('branding has an icon and a colour', () => {
    expect(action.branding?.icon).toBeTruthy();
    expect(action.branding?.color).toBeTruthy();
  });
});

test('qemu-image (run --privileged) defaults to an image pinned by digest', () => {
  const image = action.inputs['qemu-image'].default ?? '';
  expect(parseReference(image).digest).toMatch(/^sha256:[a-f0-9]{64}$/);
});

test('a buildx download without checksums fails unless the user opts out', () => {
  expect(action.inputs['buildx-allow-unverified'].default).toBe('false');
});
