/** Platform lists as the inputs give them: comma- or newline-separated, normalised, without duplicates. */
import { formatPlatform, parsePlatform } from '../oci/platform';
import { listItems } from './lists';

/** Splits a platform list and normalises each entry, dropping duplicates in order. */
export function parsePlatformList(raw: string): { platforms: string[]; errors: string[] } {
  const platforms: string[] = [];
  const errors: string[] = [];
  for (const item of listItems(raw, { commas: true })) {
    try {
      const p = formatPlatform(parsePlatform(item));
      if (!platforms.includes(p)) platforms.push(p);
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return { platforms, errors };
}
