/** Wall-clock time as mosquitto_sub reads it (clock_gettime(CLOCK_REALTIME)): whole seconds since the epoch plus nanoseconds. */
export interface Timestamp {
  sec: number;
  /** 0 to 999,999,999. */
  nsec: number;
}

// Date.now() has millisecond resolution, but %U and @N print nanoseconds, so the wall clock is
// read through the monotonic high-resolution timer, anchored to Date.now(). Plain number
// arithmetic on process.hrtime() keeps this allocation-light on the per-message path.
let baseSec = 0;
let baseNsec = 0;

function anchor(): void {
  const [hs, hn] = process.hrtime();
  const wallMs = Date.now();
  baseSec = Math.floor(wallMs / 1000) - hs;
  baseNsec = (wallMs % 1000) * 1_000_000 - hn;
}
anchor();

/** A drift larger than this means the wall clock was stepped (NTP, suspend): re-anchor. */
const MAX_DRIFT_MS = 2;
/**
 * Comparing with Date.now() costs as much as the read itself, so it happens every this many reads,
 * and on the first read of each new second (so an idle subscriber notices a clock step at once).
 */
const DRIFT_CHECK_EVERY = 64;
let readsSinceCheck = 0;
let lastCheckedSec = -1;

function read(): Timestamp {
  const [hs, hn] = process.hrtime();
  let sec = baseSec + hs;
  let nsec = baseNsec + hn;
  // baseNsec lies in (-1e9, 1e9), so one correction step normalises nsec.
  if (nsec < 0) {
    nsec += 1_000_000_000;
    sec -= 1;
  } else if (nsec >= 1_000_000_000) {
    nsec -= 1_000_000_000;
    sec += 1;
  }
  return { sec, nsec };
}

export function nowTimestamp(): Timestamp {
  const now = read();
  if (++readsSinceCheck < DRIFT_CHECK_EVERY && now.sec === lastCheckedSec) return now;
  readsSinceCheck = 0;
  lastCheckedSec = now.sec;
  const drift = now.sec * 1000 + now.nsec / 1_000_000 - Date.now();
  if (drift > MAX_DRIFT_MS || drift < -MAX_DRIFT_MS) {
    anchor();
    return read();
  }
  return now;
}
