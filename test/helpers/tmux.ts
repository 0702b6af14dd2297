// A real terminal for end-to-end tests of interactive modes: a tmux server of its own (its own
// socket, no user config) running one command in a pane of a fixed size. The test types with
// send-keys and reads the screen with capture-pane, always polling against a deadline.
import { execFileSync, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export const hasTmux = spawnSync('sh', ['-c', 'command -v tmux'], { stdio: 'ignore' }).status === 0;

if (process.env['CI'] && !hasTmux) throw new Error('CI=true but tmux is not installed (.ci/run installs it)');

let sockets = 0;

/** Quotes one word for sh. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export interface TmuxPane {
  /** The screen as text, one string per line (capture-pane -p). */
  screen(): string;
  /** A tmux format evaluated for the pane, e.g. '#{alternate_on}'. */
  show(format: string): string;
  /** Keys as tmux names them ('Up', 'Enter', 'C-c') or literal text with `literal`. */
  keys(...keys: string[]): void;
  type(text: string): void;
  /** Polls the screen until `check` holds; fails with the last screen after `timeoutMs`. */
  waitFor(check: string | RegExp | ((screen: string) => boolean), what?: string, timeoutMs?: number): Promise<string>;
  /**
   * Resizes the window (the program gets SIGWINCH). tmux 3.3 then leaks a few lines of the
   * alternate screen into the main one when the program leaves it (plain printf does it too):
   * after a resize, check the main screen's state, not its text.
   */
  resize(width: number, height: number): void;
  /** Kills the tmux server and everything in it. */
  kill(): void;
}

/**
 * Starts `command` (a shell command line) in a new tmux server, in a pane `width` x `height`.
 * When the command ends, the pane shows `exit=CODE` and whether the terminal is back in canonical
 * mode (`stty: icanon` or `stty: -icanon`), then waits, so the test can still read it.
 */
export function startTmux(command: string, width = 80, height = 24): TmuxPane {
  const socket = `tsmqtt-test-${process.pid}-${++sockets}`;
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const after = `; echo "exit=$?"; echo "stty: $(stty -a | grep -o -- '-\\?icanon' | head -1)"; exec sleep 600`;
  tmux('new-session', '-d', '-x', String(width), '-y', String(height), `${command}${after}`);
  const screen = (): string => tmux('capture-pane', '-p');
  return {
    screen,
    show: (format) => tmux('display-message', '-p', format).trim(),
    keys: (...keys) => void tmux('send-keys', ...keys),
    type: (text) => void tmux('send-keys', '-l', text),
    waitFor: async (check, what = String(check), timeoutMs = 15_000) => {
      const test = typeof check === 'string' ? (s: string) => s.includes(check) : check instanceof RegExp ? (s: string) => check.test(s) : check;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const shown = screen();
        if (test(shown)) return shown;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen:\n${shown}`);
        await sleep(25);
      }
    },
    resize: (width, height) => void tmux('resize-window', '-x', String(width), '-y', String(height)),
    kill: () => {
      spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
    },
  };
}
