/**
 * What the quick path asks of a request to stop: the part of AbortSignal it uses. An AbortSignal is
 * one; tspub's quick bundle passes a lighter one (src/cli/signals.ts), because Node's first
 * AbortController costs ~1.2 ms of a ~55 ms run in loading its event target code.
 */
export interface StopSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
