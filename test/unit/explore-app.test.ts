// The app with a fake terminal and a fake broker link: keys become actions on the link, frames
// reach the terminal, and every way out restores the terminal.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExplorerApp, type AppSettings } from '../../src/explore/app.js';
import type { BrokerLink, LinkState, PublishOptions } from '../../src/explore/link.js';
import type { IncomingMessage } from '../../src/explore/model.js';
import { stripStyle } from '../../src/explore/style.js';
import type { Terminal } from '../../src/explore/terminal.js';

class FakeTerminal implements Terminal {
  written = '';
  entered = false;
  restored = 0;
  input: (text: string) => void = () => {};
  size = (): { columns: number; rows: number } => ({ columns: 80, rows: 24 });
  write(text: string): void {
    this.written += text;
  }
  onInput(callback: (text: string) => void): void {
    this.input = callback;
  }
  onResize(): void {}
  enter(): void {
    this.entered = true;
  }
  restore(): void {
    this.restored++;
  }
  /** The screen as the writer left it: each line's last write. */
  screen(): string[] {
    const lines: string[] = [];
    for (const m of this.written.matchAll(/\x1b\[(\d+);1H(.*?)\x1b\[0m(?=\x1b\[\d+;1H|$)/gs)) lines[Number(m[1]) - 1] = stripStyle(m[2]!).trimEnd();
    return lines;
  }
}

class FakeLink implements BrokerLink {
  readonly broker = 'fake:1883';
  readonly filters = ['#'];
  message: (m: IncomingMessage) => void = () => {};
  state: (s: LinkState, e?: Error) => void = () => {};
  published: Array<[string, string, PublishOptions]> = [];
  onMessage(cb: (m: IncomingMessage) => void): void {
    this.message = cb;
  }
  onState(cb: (s: LinkState, e?: Error) => void): void {
    this.state = cb;
  }
  start(): Promise<void> {
    return Promise.resolve();
  }
  publish(topic: string, payload: Uint8Array, options: PublishOptions): Promise<void> {
    this.published.push([topic, Buffer.from(payload).toString(), { qos: options.qos, retain: options.retain }]);
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const apps: ExplorerApp[] = [];
afterEach(() => {
  // A failed test must not leave an app (and its timer) running.
  for (const app of apps.splice(0)) app.stop();
});

function setup(): { app: ExplorerApp; terminal: FakeTerminal; link: FakeLink; saved: Array<[string, string]> } {
  const terminal = new FakeTerminal();
  const link = new FakeLink();
  const saved: Array<[string, string]> = [];
  const settings: AppSettings = {
    limits: { historyPerTopic: 10, maxPayloadBytes: 1000 },
    color: false,
    clock: Date.now,
    formatTime: (ms) => new Date(ms).toISOString().slice(11, 23),
    memory: () => 0,
    saveFile: async (file, data) => {
      saved.push([file, Buffer.from(data).toString()]);
    },
  };
  const app = new ExplorerApp(terminal, link, settings);
  apps.push(app);
  return { app, terminal, link, saved };
}

const msg = (topic: string, payload: string, retain = false): IncomingMessage => ({ topic, payload: Buffer.from(payload), qos: 0, retain });

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('explore app', () => {
  test('shows messages, publishes, clears, saves and quits with the terminal restored', async () => {
    const { app, terminal, link, saved } = setup();
    const ended = app.run();
    assert.ok(terminal.entered);
    link.message(msg('a/b', 'hello', true));
    await until(() => terminal.screen().some((l) => l?.includes('a (1/1)')), 'the topic');
    terminal.input('\x1b[C\x1b[C');
    await until(() => terminal.screen().some((l) => l?.endsWith('│ hello')), 'the selection to reach a/b');
    terminal.input('pbye\r1\ry\r');
    await until(() => link.published.length === 1, 'the publish');
    assert.deepEqual(link.published[0], ['a/b', 'bye', { qos: 1, retain: true }]);
    terminal.input('dy');
    await until(() => link.published.length === 2, 'the clear');
    assert.deepEqual(link.published[1], ['a/b', '', { qos: 1, retain: true }]);
    terminal.input('s\x15out.bin\r');
    await until(() => saved.length === 1, 'the save');
    assert.deepEqual(saved[0], ['out.bin', 'hello']);
    terminal.input('q');
    assert.deepEqual(await ended, { reason: 'quit' });
    assert.equal(terminal.restored, 1);
  });

  test('search narrows the tree; Escape ends it', async () => {
    const { app, terminal, link } = setup();
    const ended = app.run();
    link.message(msg('x/one', '1'));
    link.message(msg('y/two', '2'));
    terminal.input('/two\r');
    await until(() => terminal.screen().some((l) => l?.includes('two (1)')), 'the match');
    assert.ok(!terminal.screen().some((l) => l?.includes('x (1/1)')));
    terminal.input('\x1b');
    await until(() => terminal.screen().some((l) => l?.includes('x (1/1)')), 'the whole tree again');
    assert.ok(terminal.screen().some((l) => l?.includes('two (1)')), 'the match stays in view, selected');
    assert.ok(terminal.screen().some((l) => l?.includes('│ y/two')));
    app.stop();
    assert.deepEqual(await ended, { reason: 'signal' });
    assert.equal(terminal.restored, 1);
  });

  test('pause holds the tree, not the counts', async () => {
    const { app, terminal, link } = setup();
    const ended = app.run();
    terminal.input(' ');
    link.message(msg('p', '1'));
    await until(() => terminal.screen()[0]?.includes('1 msgs') ?? false, 'the count');
    assert.ok(terminal.screen()[0]!.includes('PAUSED'));
    assert.ok(!terminal.screen().some((l) => l?.includes('p (1)')));
    terminal.input(' ');
    await until(() => terminal.screen().some((l) => l?.includes('p (1)')), 'the held message');
    terminal.input('\x03');
    assert.deepEqual(await ended, { reason: 'quit' });
  });

  test('a lost connection and an internal error end the run, terminal restored', async () => {
    const lost = setup();
    const endedLost = lost.app.run();
    const error = new Error('connection lost: broker gone');
    lost.link.state('lost', error);
    assert.deepEqual(await endedLost, { reason: 'error', error });
    assert.equal(lost.terminal.restored, 1);

    const broken = setup();
    const endedBroken = broken.app.run();
    broken.terminal.size = () => {
      throw new Error('boom');
    };
    broken.terminal.input('j');
    const ending = await endedBroken;
    assert.equal(ending.reason, 'error');
    assert.equal(broken.terminal.restored, 1);
  });

  test('reconnects are counted and shown', async () => {
    const { app, terminal, link } = setup();
    const ended = app.run();
    link.state('reconnecting', new Error('connection lost'));
    await until(() => terminal.screen()[0]?.includes('reconnecting') ?? false, 'reconnecting');
    link.state('connected');
    await until(() => /connected( \(1 reconnect\)|.*↻1)/.test(terminal.screen()[0] ?? ''), 'the count');
    app.stop();
    await ended;
  });
});
