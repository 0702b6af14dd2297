// Spawns the clients under comparison: the built tspub/tssub and mosquitto_pub/mosquitto_sub.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export type Family = 'tsmqtt' | 'mosquitto';
export const FAMILIES: readonly Family[] = ['tsmqtt', 'mosquitto'];

const ROOT = resolve(import.meta.dirname, '..', '..');

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

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  ms: number;
}

export interface Running {
  child: ChildProcess;
  stdout(): Buffer;
  stderr(): string;
  done: Promise<Result>;
}

const live = new Set<ChildProcess>();

function commandOf(family: Family, role: 'pub' | 'sub'): [string, string[]] {
  if (family === 'tsmqtt') return [process.execPath, [join(ROOT, 'bin', role === 'pub' ? 'tspub.js' : 'tssub.js')]];
  return [role === 'pub' ? 'mosquitto_pub' : 'mosquitto_sub', []];
}

export interface StartOptions {
  input?: string | Buffer;
  /** SIGKILL after this long: no scenario may hang the suite. */
  timeoutMs?: number;
}

export function start(family: Family, role: 'pub' | 'sub', args: readonly string[], options: StartOptions = {}): Running {
  const [file, prefix] = commandOf(family, role);
  const t0 = performance.now();
  const child = spawn(file, [...prefix, ...args], {
    env: { PATH: process.env['PATH'], HOME: isolatedHome(), XDG_CONFIG_HOME: isolatedHome(), TZ: 'UTC', LANG: 'C.UTF-8' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  const out: Buffer[] = [];
  let err = '';
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin!.on('error', () => {});
  if (options.input !== undefined) child.stdin!.end(options.input);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const done = new Promise<Result>((resolveDone) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolveDone({ code, signal, stdout: Buffer.concat(out), stderr: err, ms: Math.round(performance.now() - t0) });
    });
  });
  return { child, stdout: () => Buffer.concat(out), stderr: () => err, done };
}

export function run(family: Family, role: 'pub' | 'sub', args: readonly string[], options: StartOptions = {}): Promise<Result> {
  return start(family, role, args, { ...options, input: options.input ?? '' }).done;
}

export function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}
