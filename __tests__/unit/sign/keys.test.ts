import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { KeySigner, readSigningKey } from '../../../src/sign/keys';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'cosign');
const read = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

test('a key cosign generate-key-pair wrote opens with its password, and its public half is cosign.pub', () => {
  const key = readSigningKey(read('test.key'), 'fixture-password');
  expect(crypto.createPublicKey(read('test.pub')).export({ type: 'spki', format: 'pem' })).toBe(key.publicKeyPem);
  expect(key.hint).toMatch(/^[0-9a-f]{64}$/);
});

test('a key without a password (cosign allows one) opens with the empty password', () => {
  expect(readSigningKey(read('other.key'), '').publicKeyPem).toBe(
    crypto.createPublicKey(read('other.pub')).export({ type: 'spki', format: 'pem' })
  );
});

test('a wrong password is one clear error, without the password', () => {
  expect(() => readSigningKey(read('test.key'), 'wrong-password')).toThrow('signing-key: the password does not open this key');
});

test('the signer signs ECDSA over SHA-256, verifiable with cosign.pub, and names its key by hint', async () => {
  const key = readSigningKey(read('test.key'), 'fixture-password');
  const s = await new KeySigner(key).sign(Buffer.from('payload'));
  expect(crypto.verify('sha256', Buffer.from('payload'), crypto.createPublicKey(read('test.pub')), s.signature)).toBe(true);
  expect(s.key).toEqual({ $case: 'publicKey', publicKey: key.publicKeyPem, hint: key.hint });
});
