/**
 * `{{date 'format' tz='Zone'}}` and `{{commit_date …}}`: a date in a time zone (UTC by default),
 * written with a moment.js format as metadata-action does. The format is split into moment's
 * tokens; the common ones are written exactly as moment writes them (English), and a token this
 * module does not write (week numbers, eras, zone names, localised formats) is an error rather
 * than a silently different tag. `[text]` and `\X` are literal, as in moment.
 */
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

type Zoned = dayjs.Dayjs;

/** Moment's format tokens, longest first; any other single character is literal. */
const TOKEN =
  /\[[^[]*\]|\\?(?:LTS|LT|LL?L?L?|l{1,4}|[Hh]mm(?:ss)?|Mo|MM?M?M?|Do|DDDo|DD?D?D?|ddd?d?|do?|w[ow]?|W[oW]?|Qo?|N{1,5}|YYYYYY|YYYYY|YYYY|YY|y{2,4}|yo?|gg(?:ggg?)?|GG(?:GGG?)?|[eEaAYxX]|hh?|HH?|kk?|mm?|ss?|S{1,9}|zz?|ZZ?|[\s\S])/g;

/** Single characters moment treats as tokens (everything else is literal). */
const TOKEN_CHARS = /^[MDdeEwWQYyHhkmsSaAxXzZNlL]$/;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function ordinal(n: number): string {
  const ones = n % 10;
  const suffix = Math.floor((n % 100) / 10) === 1 ? 'th' : ones === 1 ? 'st' : ones === 2 ? 'nd' : ones === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

function dayOfYear(d: Zoned): number {
  return Math.round((Date.UTC(d.year(), d.month(), d.date()) - Date.UTC(d.year(), 0, 1)) / 86_400_000) + 1;
}

/** Tokens dayjs writes exactly as moment does (checked against moment-timezone over many dates and zones). */
const DAYJS_TOKENS = new Set('YYYY YY M MM MMM MMMM D DD d dd ddd dddd H HH h hh m mm s ss a A Z ZZ Hmm Hmmss hmm hmmss'.split(' '));

/** Tokens written here (dayjs's epoch tokens are wrong in a zone; the rest dayjs has only as plugins). */
const OWN_TOKENS: Record<string, (d: Zoned, at: Date) => string> = {
  Y: d => pad(d.year(), 4),
  Q: d => String(Math.floor(d.month() / 3) + 1),
  Do: d => ordinal(d.date()),
  DDD: d => String(dayOfYear(d)),
  DDDD: d => pad(dayOfYear(d), 3),
  k: d => String(d.hour() || 24),
  kk: d => pad(d.hour() || 24, 2),
  X: (_d, at) => String(Math.floor(at.getTime() / 1000)),
  x: (_d, at) => String(at.getTime())
};

function fraction(d: Zoned, width: number): string {
  const ms = pad(d.millisecond(), 3);
  return width <= 3 ? ms.slice(0, width) : ms + '0'.repeat(width - 3);
}

function writeToken(token: string, d: Zoned, at: Date): string {
  if (token.startsWith('[')) return token.slice(1, -1);
  if (token.startsWith('\\')) return token.slice(1);
  if (DAYJS_TOKENS.has(token)) return d.format(token);
  if (Object.prototype.hasOwnProperty.call(OWN_TOKENS, token)) return OWN_TOKENS[token](d, at);
  if (/^S{1,9}$/.test(token)) return fraction(d, token.length);
  if (token.length > 1 || TOKEN_CHARS.test(token)) {
    throw new Error(`the date format token ${token} is not supported (use [text] for literal letters)`);
  }
  return token;
}

/** moment's default format, used for an empty one. */
function defaultFormat(d: Zoned): string {
  return d.utcOffset() === 0 ? 'YYYY-MM-DDTHH:mm:ss[Z]' : 'YYYY-MM-DDTHH:mm:ssZ';
}

/** The date in `tz`; an unknown zone is reported through `warn` and UTC is used. */
export function inZone(at: Date, tz: string, warn: (message: string) => void): Zoned {
  try {
    return dayjs(at).tz(tz);
  } catch {
    warn(`time zone ${JSON.stringify(tz)} is unknown; UTC is used`);
    return dayjs(at).tz('UTC');
  }
}

/** Writes `at` in `tz` with a moment format; throws for a token it does not write. */
export function formatDate(at: Date, format: string, tz: string, warn: (message: string) => void): string {
  const d = inZone(at, tz, warn);
  const tokens = (format || defaultFormat(d)).match(TOKEN) ?? [];
  return tokens.map(t => writeToken(t, d, at)).join('');
}
