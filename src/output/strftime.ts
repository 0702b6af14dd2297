import type { LocalTime } from './localtime.js';

/**
 * glibc's strftime() for a format of exactly one conversion, "%" plus one byte, in the C locale:
 * what mosquitto_sub does for "@X". Whatever glibc does not know it copies through, so "@Q"
 * prints "%Q"; those outputs do not depend on the time and are resolved once, at compile time.
 */

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));
const spaceTwo = (n: number): string => (n < 10 ? ` ${n}` : String(n));
const three = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));
const hour12 = (tm: LocalTime): number => tm.hour % 12 || 12;
const isLeap = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

/** Days from the Monday of ISO week 1 to the given day; glibc's iso_week_days. */
function isoWeekDays(yearDay: number, weekday: number): number {
  const bigEnoughMultipleOf7 = (Math.trunc(366 / 7) + 2) * 7;
  return yearDay - ((yearDay - weekday + 4 + bigEnoughMultipleOf7) % 7) + 4 - 1;
}

/** ISO 8601 week-numbering year and week number of a date. */
function isoWeek(tm: LocalTime): { year: number; week: number } {
  let year = tm.year;
  let days = isoWeekDays(tm.yearDay, tm.weekday);
  if (days < 0) {
    year--;
    days = isoWeekDays(tm.yearDay + (isLeap(year) ? 366 : 365), tm.weekday);
  } else {
    const next = isoWeekDays(tm.yearDay - (isLeap(year) ? 366 : 365), tm.weekday);
    if (next >= 0) {
      year++;
      days = next;
    }
  }
  return { year, week: Math.trunc(days / 7) + 1 };
}

const yy = (year: number): string => two(((year % 100) + 100) % 100);
const hms = (tm: LocalTime): string => `${two(tm.hour)}:${two(tm.minute)}:${two(tm.second)}`;
const mdy = (tm: LocalTime): string => `${two(tm.month + 1)}/${two(tm.day)}/${yy(tm.year)}`;

function offset(tm: LocalTime): string {
  // glibc drops the seconds of an offset such as LMT's +00:53:28.
  const minutes = Math.trunc(Math.abs(tm.gmtoff) / 60);
  const hhmm = Math.trunc(minutes / 60) * 100 + (minutes % 60);
  return (tm.gmtoff < 0 ? '-' : '+') + String(hhmm).padStart(4, '0');
}

/** Conversions whose output depends on the time, keyed by the conversion byte. */
const TIME_CONVERSIONS: Record<string, (tm: LocalTime) => string> = {
  a: (tm) => WEEKDAYS[tm.weekday]!.slice(0, 3),
  A: (tm) => WEEKDAYS[tm.weekday]!,
  b: (tm) => MONTHS[tm.month]!.slice(0, 3),
  h: (tm) => MONTHS[tm.month]!.slice(0, 3),
  B: (tm) => MONTHS[tm.month]!,
  c: (tm) => `${WEEKDAYS[tm.weekday]!.slice(0, 3)} ${MONTHS[tm.month]!.slice(0, 3)} ${spaceTwo(tm.day)} ${hms(tm)} ${tm.year}`,
  // glibc does not pad "year-ish" numbers (%C, %G, %Y): year 999 gives "9", "999".
  C: (tm) => String(Math.floor(tm.year / 100)),
  d: (tm) => two(tm.day),
  D: mdy,
  e: (tm) => spaceTwo(tm.day),
  F: (tm) => `${tm.year}-${two(tm.month + 1)}-${two(tm.day)}`,
  g: (tm) => yy(isoWeek(tm).year),
  G: (tm) => String(isoWeek(tm).year),
  H: (tm) => two(tm.hour),
  I: (tm) => two(hour12(tm)),
  j: (tm) => three(tm.yearDay + 1),
  k: (tm) => spaceTwo(tm.hour),
  l: (tm) => spaceTwo(hour12(tm)),
  m: (tm) => two(tm.month + 1),
  M: (tm) => two(tm.minute),
  p: (tm) => (tm.hour < 12 ? 'AM' : 'PM'),
  P: (tm) => (tm.hour < 12 ? 'am' : 'pm'),
  r: (tm) => `${two(hour12(tm))}:${two(tm.minute)}:${two(tm.second)} ${tm.hour < 12 ? 'AM' : 'PM'}`,
  R: (tm) => `${two(tm.hour)}:${two(tm.minute)}`,
  s: (tm) => String(tm.epoch),
  S: (tm) => two(tm.second),
  T: hms,
  u: (tm) => String(tm.weekday || 7),
  U: (tm) => two(Math.trunc((tm.yearDay - tm.weekday + 7) / 7)),
  V: (tm) => two(isoWeek(tm).week),
  w: (tm) => String(tm.weekday),
  W: (tm) => two(Math.trunc((tm.yearDay - ((tm.weekday + 6) % 7) + 7) / 7)),
  x: mdy,
  X: hms,
  y: (tm) => yy(tm.year),
  Y: (tm) => String(tm.year),
  z: offset,
  Z: (tm) => tm.zone,
};

/** Conversions that print the same whatever the time. */
const FIXED: Record<string, string> = { n: '\n', t: '\t', '%': '%' };

export type StrftimeConversion = { kind: 'fixed'; bytes: Buffer } | { kind: 'time'; render: (tm: LocalTime) => string };

/** How glibc's strftime renders "%" followed by the byte `letter`. */
export function strftimeConversion(letter: number): StrftimeConversion {
  const ch = String.fromCharCode(letter);
  const render = TIME_CONVERSIONS[ch];
  if (render) return { kind: 'time', render };
  const fixed = FIXED[ch];
  if (fixed !== undefined) return { kind: 'fixed', bytes: Buffer.from(fixed, 'latin1') };
  // Unknown: glibc copies "%" and the byte. A digit is read as a field width first and applies
  // to that copy, so "%5" prints "   %5"; flags (_ - 0 ^ #) and modifiers (E O) just end early.
  const copy = Buffer.from([0x25, letter]);
  if (letter >= 0x31 && letter <= 0x39) {
    const width = letter - 0x30;
    return { kind: 'fixed', bytes: Buffer.concat([Buffer.alloc(Math.max(0, width - 2), 0x20), copy]) };
  }
  return { kind: 'fixed', bytes: copy };
}

/** strftime("%FT%T%z"): mosquitto_sub's %I. */
export function isoLocal(tm: LocalTime): string {
  return `${tm.year}-${two(tm.month + 1)}-${two(tm.day)}T${hms(tm)}${offset(tm)}`;
}

/** The "tst" value of %j/%J in 2.0.11: strftime("%Y-%m-%dT%H:%M:%S.000000Z%z") with the microseconds written over the zeros. */
export function jsonTimestamp(tm: LocalTime, nsec: number): string {
  const micros = String(Math.trunc(nsec / 1000)).padStart(6, '0');
  return `${tm.year}-${two(tm.month + 1)}-${two(tm.day)}T${hms(tm)}.${micros}Z${offset(tm)}`;
}
