import { civilFromDays, daysFromCivil, zoneAt, zoneForTz, type ZoneAt } from './timezone.js';

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
  const { year, month, day } = civilFromDays(days);
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
