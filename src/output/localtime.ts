import { daysFromCivil, zoneAt, zoneForTz, type ZoneAt } from './timezone.js';

/** C's struct tm as glibc's localtime() fills it, with full years and 0-based months. */
export interface LocalTime {
  /** Seconds since the epoch that this breaks down (what strftime's %s prints). */
  epoch: number;
  year: number;
  /** 0-11. */
  month: number;
  /** 1-31. */
  day: number;
  hour: number;
  minute: number;
  /** 0-60 (60 only in a positive leap second of a "right/" zone). */
  second: number;
  /** 0 = Sunday. */
  weekday: number;
  /** 0-365. */
  yearDay: number;
  isdst: boolean;
  /** Seconds east of UTC. */
  gmtoff: number;
  zone: string;
}

function breakDown(epoch: number, zone: ZoneAt): LocalTime {
  const t = epoch + zone.offset - zone.leapCorrection;
  const days = Math.floor(t / 86_400);
  const secOfDay = t - days * 86_400;
  // Civil-from-days (Howard Hinnant's algorithm), exact for any day count a double holds.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 2 : mp - 10;
  const year = yoe + era * 400 + (month < 2 ? 1 : 0);
  const yearDay = days - daysFromCivil(year, 1, 1);
  return {
    epoch,
    year,
    month,
    day,
    hour: Math.floor(secOfDay / 3600),
    minute: Math.floor((secOfDay % 3600) / 60),
    second: (secOfDay % 60) + zone.leapHit,
    weekday: (((days + 4) % 7) + 7) % 7,
    yearDay,
    isdst: zone.isdst,
    gmtoff: zone.offset,
    zone: zone.abbr,
  };
}

let lastEpoch = Number.NaN;
let last: LocalTime | undefined;

/**
 * localtime() for the current TZ. Consecutive messages mostly fall in the same second, so the
 * last result is kept: TZ is only looked at again when the second changes.
 */
export function localTime(epoch: number): LocalTime {
  if (epoch === lastEpoch && last) return last;
  last = breakDown(epoch, zoneAt(epoch));
  lastEpoch = epoch;
  return last;
}

/** localtime() under an explicit TZ value (undefined = unset), uncached; for tests and tools. */
export function localTimeIn(epoch: number, tz: string | undefined): LocalTime {
  return breakDown(epoch, zoneForTz(tz).at(epoch));
}
