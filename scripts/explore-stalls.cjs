// Preloaded into the explorer by scripts/explore-load.ts (node --require): notes every event-loop
// stall over 50 ms and every garbage collection over 40 ms, with the time since start, and writes
// them to the file named by EXPLORE_STALLS at exit. A measurement aid, never shipped.
'use strict';
const { writeFileSync } = require('node:fs');
const { PerformanceObserver } = require('node:perf_hooks');

const file = process.env.EXPLORE_STALLS;
if (file) {
  const t0 = Date.now();
  const notes = [];
  const at = () => `${((Date.now() - t0) / 1000).toFixed(2)} s`;
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const lag = now - last - 10;
    if (lag > 50) notes.push(`${at()}: event loop stalled ${lag.toFixed(0)} ms`);
    last = now;
  }, 10).unref();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.duration > 40) notes.push(`${at()}: gc (kind ${e.detail?.kind}) ${e.duration.toFixed(0)} ms`);
  }).observe({ entryTypes: ['gc'] });
  process.on('exit', () => writeFileSync(file, notes.length > 0 ? `${notes.join('\n')}\n` : 'none\n'));
}
