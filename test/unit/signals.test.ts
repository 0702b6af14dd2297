// SIGINT/SIGTERM as a stop request: an AbortSignal whose reason is the signal's name.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { trapSignals } from '../../src/cli/signals.js';

{
  const trapped = trapSignals;
  describe('trapSignals', () => {
    test('the first SIGTERM stops: reason, listeners once each, removed ones not at all', () => {
      const before = process.listenerCount('SIGTERM');
      const signals = trapped();
      try {
        assert.equal(process.listenerCount('SIGTERM'), before + 1);
        const calls: string[] = [];
        const removed = (): void => void calls.push('removed');
        signals.signal.addEventListener('abort', () => calls.push('a'), { once: true });
        signals.signal.addEventListener('abort', removed, { once: true });
        signals.signal.addEventListener('abort', () => calls.push('b'), { once: true });
        signals.signal.removeEventListener('abort', removed);
        assert.equal(signals.signal.aborted, false);
        process.emit('SIGTERM', 'SIGTERM');
        assert.equal(signals.signal.aborted, true);
        assert.equal(signals.signal.reason, 'SIGTERM');
        assert.deepEqual(calls, ['a', 'b']);
        // Added after the stop: AbortSignal never calls it.
        signals.signal.addEventListener('abort', () => calls.push('late'), { once: true });
        assert.deepEqual(calls, ['a', 'b']);
      } finally {
        signals.release();
      }
      assert.equal(process.listenerCount('SIGTERM'), before);
    });

    test('release() removes both handlers', () => {
      const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
      trapped().release();
      assert.deepEqual([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')], before);
    });
  });
}
