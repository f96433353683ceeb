/**
 * Dates written with a moment.js format in a zone. The expected strings are moment-timezone's own
 * output for the same instant, format and zone (metadata-action formats with moment-timezone).
 */
import { formatDate } from '../../../../src/policy/metadata/dates';

const AT = '2026-01-04T23:30:05.123Z';

test.each([
  [AT, 'YYYYMMDD', 'UTC', '20260104'],
  [AT, 'YYYYMMDD-HHmmss', 'Asia/Tokyo', '20260105-083005'],
  [AT, 'dddd, MMMM Do YYYY, h:mm:ss a', 'America/Los_Angeles', 'Sunday, January 4th 2026, 3:30:05 pm'],
  [AT, 'YYYY-MM-DDTHH:mm:ss.SSS[Z]', 'UTC', '2026-01-04T23:30:05.123Z'],
  [AT, 'Q k kk DDD DDDD Do A X x', 'Asia/Kathmandu', '1 5 05 5 005 5th AM 1767569405 1767569405123'],
  [AT, 'Z ZZ', 'America/St_Johns', '-03:30 -0330'],
  [AT, 'S SS SSSS Y YY M MMM d dd ddd', 'UTC', '1 12 1230 2026 26 1 Jan 0 Su Sun'],
  [AT, 'Hmm hmmss [at] \\YYYY', 'Europe/Paris', '030 123005 at YYYY'],
  // An empty format is moment's default: Z for UTC, the offset elsewhere.
  [AT, '', 'Asia/Tokyo', '2026-01-05T08:30:05+09:00'],
  [AT, '', 'UTC', '2026-01-04T23:30:05Z'],
  ['2024-12-31T23:59:59.999Z', 'YYYY DDDD Do', 'Pacific/Kiritimati', '2025 001 1st'],
  ['2026-03-29T01:30:00Z', 'HH:mm Z', 'Europe/London', '02:30 +01:00']
])('%s as %j in %s: %j', (at, format, tz, expected) => {
  const warnings: string[] = [];
  expect(formatDate(new Date(at), format, tz, w => warnings.push(w))).toBe(expected);
  expect(warnings).toEqual([]);
});

test.each(['W', 'wo', 'gggg', 'GGGG', 'e', 'E', 'z', 'N', 'LT', 'L', 'Mo', 'do', 'yy'])(
  '%s (a moment token written differently here) is an error, not a different tag',
  token => {
    expect(() => formatDate(new Date(AT), `YYYY-${token}`, 'UTC', () => undefined)).toThrow(
      `the date format token ${token} is not supported`
    );
  }
);

test('an unknown zone is UTC, with a warning (moment keeps the runner’s zone, UTC on GitHub’s runners)', () => {
  const warnings: string[] = [];
  expect(formatDate(new Date(AT), 'YYYYMMDD-HH', 'Mars/Olympus', w => warnings.push(w))).toBe('20260104-23');
  expect(warnings).toEqual(['time zone "Mars/Olympus" is unknown; UTC is used']);
});
