/**
 * Turns SIGINT/SIGTERM into an AbortSignal whose reason is the signal name, so the core can end
 * its work cleanly. A second signal means the user insists: exit at once with 128 + signal.
 */
export function trapSignals(): { signal: AbortSignal; abort: (reason: string) => void; release: () => void } {
  const controller = new AbortController();
  const release = trap(controller.signal, (name) => controller.abort(name));
  return { signal: controller.signal, abort: (reason) => controller.abort(reason), release };
}

function trap(signal: AbortSignal, stop: (name: NodeJS.Signals) => void): () => void {
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
