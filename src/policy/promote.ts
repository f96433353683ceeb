/**
 * What a promotion copies: the `source` input as given when it names a tag or digest, else the
 * `sha-<7 hex>` tag the build of this run's commit pushed (a release's commit, for the release
 * recipe), with the tag rules' prefix and suffix as that build wrote them.
 */
import { TagRules } from '../inputs/tag-rules';
import { parseReference } from '../oci/reference';
import { sanitizeTag } from './tags';

/** Why `source` cannot be promoted, or undefined. */
export function sourceProblem(source: string | undefined, commit: string): string | undefined {
  if (source === undefined) {
    return 'source: mode: promote copies a published image; set source to image@sha256:…, image:tag, or an image name (its sha-<7 hex> tag of this commit)';
  }
  let ref;
  try {
    ref = parseReference(source);
  } catch {
    return undefined; // the input's reader reported it
  }
  if (!ref.tag && !ref.digest && !commit) {
    return `source: ${JSON.stringify(source)} names no tag or digest, and this run names no commit to take its sha-<7 hex> tag from; give a tag or digest`;
  }
  return undefined;
}

/** The reference to read (its tag is read once, then only its digest is used). */
export function promoteSource(source: string, commit: string, rules: Pick<TagRules, 'prefix' | 'suffix'>): string {
  const ref = parseReference(source);
  if (ref.tag || ref.digest) return source;
  return `${source}:${sanitizeTag(`${rules.prefix}sha-${commit.slice(0, 7)}${rules.suffix}`, 'tag')}`;
}
