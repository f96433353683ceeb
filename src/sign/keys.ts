/**
 * Layer `sign`: the user's signing key. A cosign private key (cosign generate-key-pair) is a PEM
 * whose body is JSON: a scrypt-derived key and a NaCl secretbox around the PKCS#8 key. It is
 * decrypted in memory only; the key and its password are masked by the inputs.
 */
import * as crypto from 'crypto';
import type { Signature, Signer } from '@sigstore/sign';
import nacl from 'tweetnacl';

interface EncryptedKey {
  kdf: { name: string; params: { N: number; r: number; p: number }; salt: string };
  cipher: { name: string; nonce: string };
  ciphertext: string;
}

export interface SigningKey {
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
  publicKeyPem: string;
  /** What bundles and verifiers name the key by: the SHA-256 of its SubjectPublicKeyInfo, in hex. */
  hint: string;
}

function pemBody(pem: string): { label: string; body: Buffer } {
  const m = /-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (!m) throw new Error('signing-key: no PEM block found');
  return { label: m[1], body: Buffer.from(m[2].replace(/\s+/g, ''), 'base64') };
}

function decrypt(envelope: EncryptedKey, password: string): Buffer {
  if (envelope.kdf.name !== 'scrypt' || envelope.cipher.name !== 'nacl/secretbox')
    throw new Error(`signing-key: unsupported encryption ${envelope.kdf.name}/${envelope.cipher.name}`);
  const { N, r, p } = envelope.kdf.params;
  const secret = crypto.scryptSync(password, Buffer.from(envelope.kdf.salt, 'base64'), 32, { N, r, p, maxmem: 256 * N * r + 1024 });
  const opened = nacl.secretbox.open(Buffer.from(envelope.ciphertext, 'base64'), Buffer.from(envelope.cipher.nonce, 'base64'), secret);
  if (!opened) throw new Error('signing-key: the password does not open this key');
  return Buffer.from(opened);
}

/** Reads a cosign key (encrypted, as cosign writes it, or a plain PKCS#8 one) with its password. */
export function readSigningKey(pem: string, password: string): SigningKey {
  const { label, body } = pemBody(pem);
  const der = label.startsWith('ENCRYPTED') ? decrypt(JSON.parse(body.toString('utf8')) as EncryptedKey, password) : body;
  const privateKey = crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  return publicPart(privateKey);
}

export function publicPart(privateKey: crypto.KeyObject): SigningKey {
  const publicKey = crypto.createPublicKey(privateKey);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, publicKey, publicKeyPem, hint: crypto.createHash('sha256').update(spki).digest('hex') };
}

/** Signs with a key held in memory (the user's, or a keyless run's ephemeral one): ECDSA over SHA-256. */
export class KeySigner implements Signer {
  constructor(private readonly key: SigningKey) {}

  sign(data: Buffer): Promise<Signature> {
    const signature = crypto.sign('sha256', data, this.key.privateKey);
    return Promise.resolve({ signature, key: { $case: 'publicKey', publicKey: this.key.publicKeyPem, hint: this.key.hint } });
  }
}

export function ephemeralKey(): SigningKey {
  return publicPart(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
}
