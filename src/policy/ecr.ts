/**
 * Amazon ECR registries, told by their host names: private ECR (`<account>.dkr.ecr.<region>.amazonaws.com`,
 * its FIPS, China, EU sovereign cloud and dual-stack forms) and ECR Public (`public.ecr.aws`).
 * Their password is an authorization token asked of the ECR API with AWS credentials.
 */

/** What the ECR API is asked for a registry's token. */
export interface EcrRegistry {
  /** ECR Public, whose API lives in us-east-1 only. */
  public: boolean;
  /** The region of the API (private ECR: from the host; otherwise the environment's, when undefined). */
  region?: string;
  /** The registry's account (its registry id), when the host names it. */
  account?: string;
}

const PRIVATE_HOST = /^(\d{12})\.dkr[.-]ecr(?:-fips)?\.([a-z0-9-]+)\.(?:amazonaws\.com(?:\.cn)?|amazonaws\.eu|on\.aws)$/;
const PUBLIC_HOSTS = ['public.ecr.aws', 'ecr-public.aws.com'];

/** The ECR registry a host names, or undefined for any other host. */
export function ecrRegistryOf(host: string): EcrRegistry | undefined {
  const h = host.toLowerCase();
  if (PUBLIC_HOSTS.includes(h)) return { public: true, region: 'us-east-1' };
  const m = PRIVATE_HOST.exec(h);
  return m ? { public: false, account: m[1], region: m[2] } : undefined;
}

/**
 * Whether a login goes through the ECR API: `ecr: true` always (a host that does not say which
 * account and region, e.g. behind a DNS name of your own: the environment's region and the
 * credentials' own account), `auto` for ECR-shaped hosts, `false` never.
 */
export function ecrFor(host: string, mode: 'auto' | 'true' | 'false'): EcrRegistry | undefined {
  if (mode === 'false') return undefined;
  return ecrRegistryOf(host) ?? (mode === 'true' ? { public: false } : undefined);
}
