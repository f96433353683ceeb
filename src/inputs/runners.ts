/** The `runners` input: runner labels per platform for the fan-out plan. */
import { formatPlatform, parsePlatform } from '../oci/platform';
import { keyValueLines, listItems } from './lists';

export interface RunnerMap {
  byPlatform: Record<string, string[]>;
  default: string[];
}

/** `runners` lines: `linux/arm64=my-arm-label`, `default=ubuntu-24.04`; several labels comma-separated. */
export function parseRunnerMap(raw: string): { map: RunnerMap; errors: string[] } {
  const map: RunnerMap = { byPlatform: {}, default: [] };
  const errors: string[] = [];
  for (const { line, key, value } of keyValueLines(raw)) {
    const labels = listItems(value, { commas: true });
    if (key === '' || labels.length === 0) {
      errors.push(`runners: "${line}" is not PLATFORM=LABEL[,LABEL...] or default=LABEL`);
      continue;
    }
    if (key === 'default') {
      map.default = labels;
      continue;
    }
    try {
      map.byPlatform[formatPlatform(parsePlatform(key))] = labels;
    } catch (e) {
      errors.push(`runners: "${line}": ${(e as Error).message}`);
    }
  }
  return { map, errors };
}
