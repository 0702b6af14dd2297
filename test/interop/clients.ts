// Spawns the clients under comparison: the built tspub/tssub and mosquitto_pub/mosquitto_sub.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAll, start as startCli, type Result as CliResult, type Tool } from '../helpers/cli.js';

export type Family = 'tsmqtt' | 'mosquitto';
export const FAMILIES: readonly Family[] = ['tsmqtt', 'mosquitto'];

/** An empty HOME, so no developer's ~/.config/tspub or ~/.config/mosquitto_pub leaks in. */
let home: string | undefined;
function isolatedHome(): string {
  if (home === undefined) {
    home = mkdtempSync(join(tmpdir(), 'tsmqtt-interop-home-'));
    // A script that never calls removeIsolatedHome() (an ad hoc run) leaves nothing either.
    process.once('exit', removeIsolatedHome);
  }
  return home;
}
export function removeIsolatedHome(): void {
  if (home) rmSync(home, { recursive: true, force: true });
  home = undefined;
}

export interface Result extends CliResult {
  ms: number;
}

export interface Running {
  child: ChildProcess;
  stdout(): Buffer;
  stderr(): string;
  done: Promise<Result>;
}

function toolOf(family: Family, role: 'pub' | 'sub'): Tool {
  if (family === 'tsmqtt') return role === 'pub' ? 'tspub' : 'tssub';
  return role === 'pub' ? 'mosquitto_pub' : 'mosquitto_sub';
}

export interface StartOptions {
  input?: string | Buffer;
  /** SIGKILL after this long: no scenario may hang the suite. */
  timeoutMs?: number;
}

/** The test suite's own spawn (test/helpers/cli.ts), with a home of this run's and the time taken. */
export function start(family: Family, role: 'pub' | 'sub', args: readonly string[], options: StartOptions = {}): Running {
  const t0 = performance.now();
  const env = { HOME: isolatedHome(), XDG_CONFIG_HOME: isolatedHome(), LANG: 'C.UTF-8' };
  const running = startCli(toolOf(family, role), [...args], { ...options, timeoutMs: options.timeoutMs ?? 30_000, env });
  const done = running.done.then((r) => ({ ...r, ms: Math.round(performance.now() - t0) }));
  return { child: running.child, stdout: running.stdout, stderr: running.stderr, done };
}

export function run(family: Family, role: 'pub' | 'sub', args: readonly string[], options: StartOptions = {}): Promise<Result> {
  return start(family, role, args, { ...options, input: options.input ?? '' }).done;
}

export { killAll };
