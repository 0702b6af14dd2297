import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

// npm run bench: the processes it starts. Every child is tracked and ended on exit, whatever happens.

const children = new Set();

/** The run's temporary folder, and GNU time if installed. */
export const workspace = { dir: undefined, timeBinary: undefined };

export function openWorkspace() {
  workspace.dir = mkdtempSync(join(os.tmpdir(), 'tsmqtt-bench-'));
  workspace.timeBinary = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  return workspace;
}

export function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function cleanUp() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
  if (workspace.dir) rmSync(workspace.dir, { recursive: true, force: true });
  workspace.dir = undefined;
}

process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    cleanUp();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

export function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Runs a command to completion; resolves with wall ms, exit code, captured stdout and peak RSS. */
export function runTimed(argv, { env, stdin = 'ignore', stdout = 'ignore', rss = false, timeoutMs = 300_000 } = {}) {
  return new Promise((resolve, reject) => {
    const timeFile = rss && workspace.timeBinary ? join(workspace.dir, `time-${process.hrtime.bigint()}.txt`) : undefined;
    const command = timeFile ? [workspace.timeBinary, '-f', '%M', '-o', timeFile, ...argv] : argv;
    const input = typeof stdin === 'string' && stdin !== 'ignore' ? openSync(stdin, 'r') : stdin;
    const output = stdout === 'null' ? openSync('/dev/null', 'w') : stdout;
    const started = process.hrtime.bigint();
    const child = track(spawn(command[0], command.slice(1), { env, stdio: [input, output, 'pipe'] }));
    if (typeof input === 'number') closeSync(input);
    if (typeof output === 'number') closeSync(output);
    let stderr = '';
    let captured = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout?.on('data', (d) => (captured += d));
    const poller = rss && !timeFile ? pollPeakRss(child.pid) : undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      let peakKiB = poller?.stop();
      if (timeFile) {
        const lines = existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n') : [];
        peakKiB = Number(lines.at(-1));
        rmSync(timeFile, { force: true });
      }
      resolve({ wallMs, code: code ?? (signal ? 128 : 1), stderr, stdout: captured, peakMiB: peakKiB ? peakKiB / 1024 : undefined });
    });
  });
}

/** Without /usr/bin/time: the kernel's high-water mark (VmHWM), read every 5 ms until exit. */
function pollPeakRss(pid) {
  let peak = 0;
  const read = () => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) peak = Math.max(peak, Number(match[1]));
    } catch {
      // exited between two polls
    }
  };
  read();
  const timer = setInterval(read, 5);
  return {
    stop: () => {
      clearInterval(timer);
      return peak || undefined;
    },
  };
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
