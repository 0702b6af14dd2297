import { readFileSync } from 'node:fs';

/**
 * The local-time rules glibc's localtime() applies, re-implemented so that @ codes, %I and the
 * %j "tst" field match mosquitto_sub byte for byte. Node's own Date uses ICU's time-zone data and
 * cannot name the zone the way glibc does (%Z gives "CET", "NDT", "-03" ...), so this reads the
 * same TZif files and POSIX TZ strings that glibc reads, with glibc's fallbacks.
 */

export interface ZoneAt {
  /** Seconds east of UTC (tm_gmtoff). */
  offset: number;
  isdst: boolean;
  /** tm_zone, what %Z prints; may be empty. */
  abbr: string;
  /** Leap seconds to subtract before breaking the time down ("right/" zones only). */
  leapCorrection: number;
  /** Seconds to add to tm_sec when the instant is a positive leap second (then tm_sec is 60). */
  leapHit: number;
}

interface Zone {
  at(sec: number): ZoneAt;
}

const SECS_PER_DAY = 86_400;

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Days from 1970-01-01 to year-month-day (proleptic Gregorian; month 1-12). */
/**
 * The calendar date of a day count since 1970-01-01 (Howard Hinnant's civil-from-days), exact for
 * any day count a double holds. `month` is 0 for January, `day` starts at 1.
 */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 2 : mp - 10;
  return { year: yoe + era * 400 + (month < 2 ? 1 : 0), month, day: doy - Math.floor((153 * mp + 2) / 5) + 1 };
}

export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

// ---- POSIX TZ strings ("CET-1CEST,M3.5.0,M10.5.0/3"), parsed with glibc's tzset rules ----

const enum RuleType {
  /** "n": zero-based day of year, counting 29 February. Also the all-zero default glibc leaves. */
  J0 = 0,
  /** "Jn": one-based day of year, never counting 29 February. */
  J1 = 1,
  /** "Mm.w.d": day d of week w of month m. */
  M = 2,
}

interface Rule {
  type: RuleType;
  d: number;
  m: number;
  n: number;
  /** Local time of day of the change, in seconds. */
  secs: number;
}

interface PosixPart {
  name: string;
  offset: number;
}

const MONTH_START = [
  [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365],
  [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366],
] as const;

class PosixZone implements Zone {
  // tz_rules[0] is standard time and the start of DST, tz_rules[1] DST and its end, as in glibc.
  constructor(
    private readonly parts: [PosixPart, PosixPart],
    private readonly rules: [Rule, Rule],
  ) {}

  /** UTC instant of a rule's change in the given year; glibc's compute_change. */
  private change(rule: Rule, offset: number, year: number): number {
    // glibc starts from 0 for years up to 1970 (its own simplification; copied for fidelity).
    let t = year > 1970 ? daysFromCivil(year, 1, 1) * SECS_PER_DAY : 0;
    const leap = isLeapYear(year) ? 1 : 0;
    switch (rule.type) {
      case RuleType.J1:
        t += (rule.d - 1) * SECS_PER_DAY;
        if (rule.d >= 60 && leap) t += SECS_PER_DAY;
        break;
      case RuleType.J0:
        t += rule.d * SECS_PER_DAY;
        break;
      case RuleType.M: {
        const starts = MONTH_START[leap];
        t += starts[rule.m - 1]! * SECS_PER_DAY;
        // Zeller's congruence for the weekday of the month's first day, with C's truncating division.
        const m1 = ((rule.m + 9) % 12) + 1;
        const yy0 = rule.m <= 2 ? year - 1 : year;
        const yy1 = Math.trunc(yy0 / 100);
        const yy2 = yy0 % 100;
        let dow = (Math.trunc((26 * m1 - 2) / 10) + 1 + yy2 + Math.trunc(yy2 / 4) + Math.trunc(yy1 / 4) - 2 * yy1) % 7;
        if (dow < 0) dow += 7;
        let d = rule.d - dow;
        if (d < 0) d += 7;
        const monthDays = starts[rule.m]! - starts[rule.m - 1]!;
        for (let i = 1; i < rule.n; i++) {
          if (d + 7 >= monthDays) break;
          d += 7;
        }
        t += d * SECS_PER_DAY;
        break;
      }
    }
    return t - offset + rule.secs;
  }

  at(sec: number): ZoneAt {
    // glibc picks the rules of the UTC year, not the local one.
    const year = utcYear(sec);
    const [std, dst] = this.parts;
    const start = this.change(this.rules[0], std.offset, year);
    const end = this.change(this.rules[1], dst.offset, year);
    const isdst = start > end ? sec < end || sec >= start : sec >= start && sec < end;
    const part = isdst ? dst : std;
    return { offset: part.offset, isdst, abbr: part.name, leapCorrection: 0, leapHit: 0 };
  }
}

function utcYear(sec: number): number {
  return civilFromDays(Math.floor(sec / SECS_PER_DAY)).year;
}

const zeroRule = (): Rule => ({ type: RuleType.J0, d: 0, m: 0, n: 0, secs: 0 });

/** A tiny cursor over a TZ string, so the parse reads like glibc's pointer walk. */
class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  /** sscanf("%hu"): leading blanks, optional sign, digits; undefined if no digits. */
  unsigned(): number | undefined {
    const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(this.text.slice(this.pos));
    if (!m) return undefined;
    this.pos += m[0].length;
    // %hu wraps into an unsigned short, like the C it mirrors.
    const value = Number(m[2]) % 65_536;
    return m[1] === '-' ? (65_536 - value) % 65_536 : value;
  }
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

function parseName(c: Cursor): string | undefined {
  const start = c.pos;
  let p = start;
  while (isAlpha(c.text[p] ?? '')) p++;
  if (p - start >= 3) {
    c.pos = p;
    return c.text.slice(start, p);
  }
  if (c.text[start] !== '<') return undefined;
  p = start + 1;
  while (/[A-Za-z0-9+-]/.test(c.text[p] ?? '')) p++;
  if (c.text[p] !== '>' || p - (start + 1) < 3) return undefined;
  c.pos = p + 1;
  return c.text.slice(start + 1, p);
}

/** hh[:mm[:ss]] as sscanf("%hu%n:%hu%n:%hu%n") reads it; undefined when no hour was read. */
function parseClock(c: Cursor): [number, number, number] | undefined {
  const hh = c.unsigned();
  if (hh === undefined) return undefined;
  let mm = 0;
  let ss = 0;
  if (c.peek() === ':') {
    const save = c.pos;
    c.pos++;
    const m = c.unsigned();
    if (m === undefined) c.pos = save;
    else {
      mm = m;
      if (c.peek() === ':') {
        const save2 = c.pos;
        c.pos++;
        const s = c.unsigned();
        if (s === undefined) c.pos = save2;
        else ss = s;
      }
    }
  }
  return [hh, mm, ss];
}

/** glibc's parse_offset; returns false only when standard time has no valid offset. */
function parseOffset(c: Cursor, parts: [PosixPart, PosixPart], which: 0 | 1): boolean {
  const ch = c.peek();
  if (which === 0 && (ch === '' || (ch !== '+' && ch !== '-' && !isDigit(ch)))) return false;
  let sign = -1;
  if (ch === '+' || ch === '-') {
    sign = ch === '-' ? 1 : -1;
    c.pos++;
  }
  const clock = parseClock(c);
  if (clock) {
    const [hh, mm, ss] = clock;
    parts[which].offset = sign * (Math.min(ss, 59) + Math.min(mm, 59) * 60 + Math.min(hh, 24) * 3600);
    return true;
  }
  if (which === 0) {
    parts[0].offset = 0;
    return false;
  }
  parts[1].offset = parts[0].offset + 3600;
  return true;
}

/** glibc's parse_rule; on false the rule keeps whatever was already stored. */
function parseRule(c: Cursor, rules: [Rule, Rule], which: 0 | 1): boolean {
  const rule = rules[which];
  if (c.peek() === ',') c.pos++;
  const ch = c.peek();
  if (ch === 'J' || isDigit(ch)) {
    const julian = ch === 'J';
    if (julian) {
      c.pos++;
      if (!isDigit(c.peek())) return false;
    }
    const m = /^\d+/.exec(c.text.slice(c.pos));
    if (!m) return false;
    const d = Number(m[0]);
    if (d > 365 || (julian && d === 0)) return false;
    rule.type = julian ? RuleType.J1 : RuleType.J0;
    rule.d = d;
    c.pos += m[0].length;
  } else if (ch === 'M') {
    const m = /^M(\d+)\.(\d+)\.(\d+)/.exec(c.text.slice(c.pos));
    if (!m) return false;
    const [month, week, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    rule.type = RuleType.M;
    rule.m = month;
    rule.n = week;
    rule.d = day;
    if (month < 1 || month > 12 || week < 1 || week > 5 || day > 6) return false;
    c.pos += m[0].length;
  } else if (ch === '') {
    // No rule at all: glibc falls back to the United States rules.
    rule.type = RuleType.M;
    [rule.m, rule.n, rule.d] = which === 0 ? [3, 2, 0] : [11, 1, 0];
  } else {
    return false;
  }
  if (c.peek() !== '' && c.peek() !== '/' && c.peek() !== ',') return false;
  if (c.peek() === '/') {
    c.pos++;
    if (c.peek() === '') return false;
    const negative = c.peek() === '-';
    if (negative) c.pos++;
    const [hh, mm, ss] = parseClock(c) ?? [2, 0, 0];
    rule.secs = (negative ? -1 : 1) * (hh * 3600 + mm * 60 + ss);
  } else {
    rule.secs = 7200;
  }
  return true;
}

/** glibc's __tzset_parse_tz. Anything unparsable leaves UTC with an empty (or partial) name. */
function parsePosixTz(text: string): Zone {
  const parts: [PosixPart, PosixPart] = [
    { name: '', offset: 0 },
    { name: '', offset: 0 },
  ];
  const rules: [Rule, Rule] = [zeroRule(), zeroRule()];
  const c = new Cursor(text);
  const std = parseName(c);
  if (std !== undefined) parts[0].name = std;
  if (std !== undefined && parseOffset(c, parts, 0)) {
    if (c.peek() !== '') {
      const dst = parseName(c);
      if (dst !== undefined) {
        parts[1].name = dst;
        // With no rule after the DST name ("ABC5DEF") glibc loads the "posixrules" file
        // (America/New_York on Debian). Not reproduced: parseRule's fallback gives the same
        // current US rule, but not that file's historic dates nor the EST/EDT names glibc then
        // shows after its last transition.
        parseOffset(c, parts, 1);
      }
      if (parseRule(c, rules, 0)) parseRule(c, rules, 1);
    } else {
      parts[1].name = parts[0].name;
      parts[1].offset = parts[0].offset;
    }
  }
  return new PosixZone(parts, rules);
}

// ---- TZif files (RFC 8536), read as glibc's __tzfile_read / __tzfile_compute do ----

interface LocalType {
  offset: number;
  isdst: boolean;
  abbr: string;
}

class TzifZone implements Zone {
  constructor(
    private readonly transitions: number[],
    private readonly typeOf: number[],
    private readonly types: LocalType[],
    private readonly leaps: Array<{ at: number; correction: number }>,
    private readonly footer: Zone | undefined,
  ) {}

  at(sec: number): ZoneAt {
    const n = this.transitions.length;
    let zone: { offset: number; isdst: boolean; abbr: string };
    if (n === 0 || sec < this.transitions[0]!) {
      // Before the first transition: the first standard-time type (or the first type).
      zone = this.types.find((t) => !t.isdst) ?? this.types[0]!;
    } else if (sec >= this.transitions[n - 1]! && this.footer) {
      zone = this.footer.at(sec);
    } else {
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (this.transitions[mid]! <= sec) lo = mid;
        else hi = mid - 1;
      }
      zone = this.types[this.typeOf[lo]!]!;
    }
    let leapCorrection = 0;
    let leapHit = 0;
    for (let i = this.leaps.length - 1; i >= 0; i--) {
      const leap = this.leaps[i]!;
      if (sec < leap.at) continue;
      leapCorrection = leap.correction;
      const previous = i === 0 ? 0 : this.leaps[i - 1]!.correction;
      if (sec === leap.at && leap.correction > previous) {
        leapHit = 1;
        while (i > 0 && leap.at === this.leaps[i - 1]!.at + 1 && leap.correction === this.leaps[i - 1]!.correction + 1) {
          leapHit++;
          i--;
        }
      }
      break;
    }
    return { offset: zone.offset, isdst: zone.isdst, abbr: zone.abbr, leapCorrection, leapHit };
  }
}

/** Parses a TZif file; undefined when it is not one (glibc then treats TZ as a POSIX string). */
function parseTzif(data: Buffer): Zone | undefined {
  const header = (at: number): number[] | undefined => {
    if (data.length < at + 44 || data.toString('latin1', at, at + 4) !== 'TZif') return undefined;
    const counts: number[] = [];
    for (let i = 0; i < 6; i++) counts.push(data.readUInt32BE(at + 20 + i * 4));
    return counts;
  };
  let counts = header(0);
  if (!counts) return undefined;
  const version = data[4]!;
  let pos = 44;
  let timeSize = 4;
  const blockLength = (c: number[], size: number): number => {
    const [isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt] = c as [number, number, number, number, number, number];
    return timecnt * size + timecnt + typecnt * 6 + charcnt + leapcnt * (size + 4) + isstdcnt + isutcnt;
  };
  if (version >= 0x32) {
    // Version 2+ repeats the data with 64-bit times after the 32-bit block; glibc reads that one.
    pos += blockLength(counts, 4);
    counts = header(pos);
    if (!counts) return undefined;
    pos += 44;
    timeSize = 8;
  }
  const [, , leapcnt, timecnt, typecnt, charcnt] = counts as [number, number, number, number, number, number];
  if (typecnt === 0 || data.length < pos + blockLength(counts, timeSize)) return undefined;
  const readTime = (at: number): number => (timeSize === 8 ? Number(data.readBigInt64BE(at)) : data.readInt32BE(at));

  const transitions: number[] = [];
  for (let i = 0; i < timecnt; i++, pos += timeSize) transitions.push(readTime(pos));
  const typeOf: number[] = [];
  for (let i = 0; i < timecnt; i++, pos++) {
    const t = data[pos]!;
    if (t >= typecnt) return undefined;
    typeOf.push(t);
  }
  const raw: Array<{ offset: number; isdst: boolean; idx: number }> = [];
  for (let i = 0; i < typecnt; i++, pos += 6) {
    raw.push({ offset: data.readInt32BE(pos), isdst: data[pos + 4] !== 0, idx: data[pos + 5]! });
  }
  const chars = data.subarray(pos, pos + charcnt);
  pos += charcnt;
  const types: LocalType[] = raw.map((t) => {
    const end = chars.indexOf(0, t.idx);
    return { offset: t.offset, isdst: t.isdst, abbr: chars.toString('latin1', t.idx, end < 0 ? chars.length : end) };
  });
  const leaps: Array<{ at: number; correction: number }> = [];
  for (let i = 0; i < leapcnt; i++, pos += timeSize + 4) {
    leaps.push({ at: readTime(pos), correction: data.readInt32BE(pos + timeSize) });
  }
  pos += counts[1]! + counts[0]!;

  let footer: Zone | undefined;
  if (version >= 0x32 && data[pos] === 0x0a) {
    const end = data.indexOf(0x0a, pos + 1);
    const spec = data.toString('latin1', pos + 1, end < 0 ? data.length : end);
    if (spec !== '') footer = parsePosixTz(spec);
  }
  return new TzifZone(transitions, typeOf, types, leaps, footer);
}

// ---- Choosing the zone from TZ, with glibc's search order ----

const UTC_ZONE: Zone = {
  at: () => ({ offset: 0, isdst: false, abbr: 'UTC', leapCorrection: 0, leapHit: 0 }),
};

/** Used only where glibc's files are missing altogether (not a glibc system): ask the JS engine. */
const ENGINE_ZONE: Zone = {
  at(sec) {
    const date = new Date(sec * 1000);
    const offset = -date.getTimezoneOffset() * 60;
    const january = -new Date(date.getFullYear(), 0, 1).getTimezoneOffset() * 60;
    const july = -new Date(date.getFullYear(), 6, 1).getTimezoneOffset() * 60;
    const name = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(date).find((p) => p.type === 'timeZoneName');
    return { offset, isdst: january !== july && offset === Math.max(january, july), abbr: name?.value ?? '', leapCorrection: 0, leapHit: 0 };
  },
};

function readZoneFile(path: string): Zone | undefined {
  try {
    return parseTzif(readFileSync(path));
  } catch {
    return undefined;
  }
}

const TZDEFAULT = '/etc/localtime';

/** The zone glibc's tzset() would pick for this value of the TZ environment variable. */
export function zoneForTz(tz: string | undefined): Zone {
  let name = tz;
  if (name === '') name = 'Universal';
  if (name !== undefined && name.startsWith(':')) name = name.slice(1);
  if (name === undefined) return readZoneFile(TZDEFAULT) ?? ENGINE_ZONE;
  if (name !== '') {
    const dir = process.env.TZDIR || '/usr/share/zoneinfo';
    const zone = readZoneFile(name.startsWith('/') ? name : `${dir}/${name}`);
    if (zone) return zone;
  }
  if (name === '' || name === TZDEFAULT) return UTC_ZONE;
  return parsePosixTz(name);
}

let cachedTz: string | undefined;
let cachedZone: Zone | undefined;

/** Zone information for an instant under the current TZ (re-read on every call, like glibc). */
export function zoneAt(sec: number): ZoneAt {
  const tz = process.env.TZ;
  if (!cachedZone || tz !== cachedTz) {
    cachedZone = zoneForTz(tz);
    cachedTz = tz;
  }
  return cachedZone.at(sec);
}
