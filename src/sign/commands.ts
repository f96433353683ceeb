/** Layer `sign`: the commands a consumer runs to verify what this run signed and attested. */
import { SigningPlan } from '../policy/signing';
import { ExpectedSigner } from './signer';

function quote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

export function cosignVerifyCommand(image: string, plan: SigningPlan, expected: ExpectedSigner): string {
  const args = ['cosign', 'verify'];
  if (expected.method === 'key') args.push('--key', 'cosign.pub');
  else args.push('--certificate-identity', quote(expected.identity), '--certificate-oidc-issuer', quote(expected.issuer));
  // GitHub's instance: the bundle (with its timestamp) against GitHub's root, from `gh attestation trusted-root`.
  if (plan.services.instance === 'github') args.push('--new-bundle-format', '--trusted-root', 'github-trusted-root.json');
  if (!plan.transparencyLog) args.push('--insecure-ignore-tlog=true');
  return [...args, quote(image)].join(' ');
}

export function ghAttestationCommand(image: string, owner: string, expected: ExpectedSigner): string {
  const args = ['gh', 'attestation', 'verify', quote(`oci://${image}`), '--owner', quote(owner)];
  if (expected.method === 'keyless')
    args.push('--signer-workflow', quote(expected.identity.replace(/^https?:\/\/[^/]+\//, '').replace(/@.*$/, '')));
  return args.join(' ');
}
