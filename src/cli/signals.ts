import type { StopSignal } from '../core/stop-signal.js';

/**
 * Turns SIGINT/SIGTERM into an AbortSignal whose reason is the signal name, so the core can end
 * its work cleanly. A second signal means the user insists: exit at once with 128 + signal.
 */
export function trapSignals(): { signal: AbortSignal; abort: (reason: string) => void; release: () => void } {
  const controller = new AbortController();
  const release = trap(controller.signal, (name) => controller.abort(name));
  return { signal: controller.signal, abort: (reason) => controller.abort(reason), release };
}

/**
 * trapSignals for the quick path, whose one listener needs no AbortSignal: Node's first
 * AbortController costs a one-shot publish ~1.2 ms (see src/core/stop-signal.ts).
 */
export function trapSignalsLightly(): { signal: StopSignal; release: () => void } {
  const signal = new SignalStop();
  return { signal, release: trap(signal, (name) => signal.stop(name)) };
}

function trap(signal: StopSignal, stop: (name: NodeJS.Signals) => void): () => void {
  const handler = (name: NodeJS.Signals): void => {
    if (signal.aborted) process.exit(name === 'SIGINT' ? 130 : 143);
    stop(name);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.removeListener('SIGINT', handler);
    process.removeListener('SIGTERM', handler);
  };
}

class SignalStop implements StopSignal {
  aborted = false;
  reason: unknown;
  private readonly listeners = new Set<() => void>();

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted) this.listeners.add(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    this.listeners.delete(listener);
  }

  /** As AbortController.abort: once, and each listener once. */
  stop(reason: NodeJS.Signals): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener();
  }
}
