/**
 * The explorer at run time: takes messages from a BrokerLink into the model, keys from the
 * terminal into actions, and draws frames at most FRAME_MS apart. Ends on q/Ctrl-C, a signal, a
 * lost connection or an internal error, and in every case gives the terminal back first.
 */
import { promptKey, decodeKeys, suggestedFileName, viewAction, type Key, type PromptAction, type ViewAction } from './keys.js';
import type { BrokerLink, LinkState } from './link.js';
import { PauseBuffer, TopicTree, parseSearch, searchMatches, type IncomingMessage, type Limits } from './model.js';
import { collapse, expand, moveSelection, visibleSelection } from './navigation.js';
import { renderFrame, scrollFor, treeHeight } from './render.js';
import { ScreenWriter } from './screen.js';
import type { Terminal } from './terminal.js';
import type { ViewState } from './view-state.js';

/** ~15 frames a second at most: more is not seen, and costs the terminal. */
const FRAME_MS = 66;
/**
 * A key is answered sooner: its frame comes this long after the last one at most, so a key is on
 * screen within a frame's work even while messages keep the frames at FRAME_MS.
 */
const KEY_FRAME_MS = 16;
/** Ages, rates and memory change with time alone: redraw at least this often. */
const TICK_MS = 1000;

export interface AppSettings {
  limits: Limits;
  color: boolean;
  clock: () => number;
  formatTime: (ms: number) => string;
  memory: () => number;
  saveFile: (file: string, data: Uint8Array) => Promise<void>;
}

export type Ending = { reason: 'quit' | 'signal' } | { reason: 'error'; error: unknown };

export class ExplorerApp {
  private readonly tree: TopicTree;
  private readonly held: PauseBuffer;
  private readonly writer = new ScreenWriter();
  private readonly view: ViewState;
  private frameTimer: NodeJS.Timeout | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private lastFrame = 0;
  private done: ((ending: Ending) => void) | undefined;
  private finished = false;

  constructor(
    private readonly terminal: Terminal,
    private readonly link: BrokerLink,
    private readonly settings: AppSettings,
  ) {
    this.tree = new TopicTree(settings.limits);
    this.held = new PauseBuffer(settings.limits.historyPerTopic);
    this.view = {
      tree: this.tree,
      rows: [],
      selected: undefined,
      scroll: 0,
      broker: link.broker,
      filters: link.filters,
      link: 'connected',
      reconnects: 0,
      paused: false,
      memoryBytes: settings.memory(),
      prompt: undefined,
      notice: undefined,
      help: false,
      now: settings.clock(),
      formatTime: settings.formatTime,
    };
  }

  /** Runs until the explorer ends; the terminal is restored before this settles. */
  run(): Promise<Ending> {
    const ended = new Promise<Ending>((resolve) => (this.done = resolve));
    this.terminal.enter();
    this.terminal.onInput((text) => this.guard(() => this.onInput(text)));
    this.terminal.onResize(() => this.guard(() => this.draw()));
    this.link.onMessage((message) => this.guard(() => this.onMessage(message)));
    this.link.onState((state, error) => this.guard(() => this.onLinkState(state, error)));
    this.tickTimer = setInterval(() => this.guard(() => this.tick()), TICK_MS);
    this.draw();
    this.link.start().catch((error: unknown) => this.finish({ reason: 'error', error }));
    return ended;
  }

  /** Ends the explorer from outside (a signal). */
  stop(): void {
    this.finish({ reason: 'signal' });
  }

  /** Any exception in a callback ends the run, with the terminal restored, rather than leaving it raw. */
  private guard(work: () => void): void {
    if (this.finished) return;
    try {
      work();
    } catch (error) {
      this.finish({ reason: 'error', error });
    }
  }

  private finish(ending: Ending): void {
    if (this.finished) return;
    this.finished = true;
    if (this.frameTimer) clearTimeout(this.frameTimer);
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.terminal.restore();
    this.done?.(ending);
  }

  private onMessage(message: IncomingMessage): void {
    const now = this.settings.clock();
    if (this.view.paused) {
      this.tree.countOnly(now);
      this.held.hold(message, now);
    } else {
      this.tree.add(message, now);
    }
    this.schedule();
  }

  private onLinkState(state: LinkState, error?: Error): void {
    if (state === 'reconnecting' && this.view.link !== 'reconnecting') this.view.reconnects++;
    this.view.link = state;
    if (state === 'lost') {
      this.finish({ reason: 'error', error: error ?? new Error('connection lost') });
      return;
    }
    if (error) this.notify(error.message, true);
    this.schedule();
  }

  private tick(): void {
    this.view.memoryBytes = this.settings.memory();
    this.schedule();
  }

  /** A frame soon, but no sooner than `gap` after the last one. */
  private schedule(gap = FRAME_MS): void {
    const wait = Math.max(0, this.lastFrame + gap - this.settings.clock());
    if (this.frameTimer) {
      // A key may not wait for a frame that messages put off.
      if (gap >= FRAME_MS) return;
      clearTimeout(this.frameTimer);
    }
    this.frameTimer = setTimeout(() => {
      this.frameTimer = undefined;
      this.guard(() => this.draw());
    }, wait);
  }

  private draw(): void {
    const { columns, rows } = this.terminal.size();
    const view = this.view;
    view.now = this.settings.clock();
    view.rows = this.tree.rows();
    view.selected = visibleSelection(view.rows, view.selected);
    const index = view.rows.findIndex((r) => r.node === view.selected);
    view.scroll = scrollFor(Math.max(0, index), view.scroll, treeHeight(rows), view.rows.length);
    const lines = renderFrame(view, columns, rows, this.settings.color);
    this.terminal.write(this.writer.update(lines, columns, rows));
    this.lastFrame = view.now;
  }

  private onInput(text: string): void {
    for (const key of decodeKeys(text)) {
      if (this.finished) return;
      this.onKey(key);
    }
    this.schedule(KEY_FRAME_MS);
  }

  private onKey(key: Key): void {
    const view = this.view;
    if (view.prompt) {
      const step = promptKey(view.prompt, key);
      view.prompt = step.prompt;
      if (step.action) this.onPromptAction(step.action);
      return;
    }
    if (view.help) {
      if (key.name === 'escape' || (key.name === 'char' && (key.char === '?' || key.char === 'q'))) view.help = false;
      else if (key.name === 'ctrl-c') this.finish({ reason: 'quit' });
      return;
    }
    const action = viewAction(key);
    if (action) this.onViewAction(action);
  }

  private onViewAction(action: ViewAction): void {
    const view = this.view;
    // A key earlier in the same read may have opened or closed a node.
    view.rows = this.tree.rows();
    const selected = view.selected;
    const page = treeHeight(this.terminal.size().rows) - 1;
    switch (action.type) {
      case 'move':
        view.selected = moveSelection(view.rows, selected, action.by);
        return;
      case 'page':
        view.selected = moveSelection(view.rows, selected, action.by * page);
        return;
      case 'jump':
        view.selected = moveSelection(view.rows, selected, action.to === 'first' ? -Infinity : Infinity);
        return;
      case 'collapse':
        if (selected) view.selected = collapse(this.tree, selected);
        return;
      case 'expand':
        if (selected) view.selected = expand(this.tree, selected);
        return;
      case 'toggle':
        if (selected && selected.children.length > 0) selected.expanded = !selected.expanded;
        return;
      case 'quit':
        this.finish({ reason: 'quit' });
        return;
      default:
        this.onCommand(action);
    }
  }

  /** The actions that open a prompt or change a mode. */
  private onCommand(action: ViewAction): void {
    const view = this.view;
    const selected = view.selected;
    switch (action.type) {
      case 'search':
        view.prompt = { kind: 'search', text: this.tree.activeSearch?.text ?? '', before: this.tree.activeSearch?.text ?? '' };
        return;
      case 'clear-search':
        this.setSearch('');
        return;
      case 'pause':
        this.togglePause();
        return;
      case 'help':
        view.help = true;
        return;
      default:
        if (!selected) {
          this.notify('no topic selected', true);
          return;
        }
        if (action.type === 'publish') view.prompt = { kind: 'publish-payload', topic: selected.topic, text: '' };
        else if (action.type === 'clear-retained') view.prompt = { kind: 'confirm-clear', topic: selected.topic };
        else if (action.type === 'save') {
          if (selected.last) view.prompt = { kind: 'save', topic: selected.topic, text: suggestedFileName(selected.topic) };
          else this.notify('no message on this topic to save', true);
        }
    }
  }

  private togglePause(): void {
    const view = this.view;
    view.paused = !view.paused;
    if (!view.paused) this.held.release((message, at) => this.tree.apply(message, at));
    this.notify(view.paused ? 'view paused: messages are still counted (space resumes)' : 'view resumed', false);
  }

  private setSearch(text: string): void {
    const search = parseSearch(text);
    this.tree.setSearch(search);
    this.view.scroll = 0;
    if (!search) {
      // The topic found stays selected: open the way to it in the whole tree.
      if (this.view.selected) this.tree.reveal(this.view.selected);
      return;
    }
    // A selection the search hides gives way to the first matching topic, not to its ancestors.
    const rows = this.tree.rows();
    if (rows.some((r) => r.node === this.view.selected)) return;
    this.view.selected = rows.find((r) => r.node.isTopic && searchMatches(search, r.node.topic))?.node ?? rows[0]?.node;
  }

  private onPromptAction(action: PromptAction): void {
    switch (action.type) {
      case 'search':
        this.setSearch(action.text);
        return;
      case 'notice':
        this.notify(action.text, false);
        return;
      case 'publish':
        this.settle(this.link.publish(action.topic, Buffer.from(action.payload, 'utf8'), action), `published to ${action.topic}`);
        return;
      case 'clear-retained':
        this.settle(this.link.publish(action.topic, new Uint8Array(0), { qos: 1, retain: true }), `cleared the retained message of ${action.topic}`);
        return;
      case 'save':
        this.save(action.topic, action.file);
    }
  }

  private save(topic: string, file: string): void {
    const last = this.tree.find(topic)?.last;
    if (!last) return;
    const cut = last.payload.length < last.size ? ` (the first ${last.payload.length} of ${last.size}: --explore-max-payload)` : '';
    // A copy: the topic's buffer is reused by its next message while the file is written.
    this.settle(this.settings.saveFile(file, Uint8Array.from(last.payload)), `saved ${last.payload.length} bytes to ${file}${cut}`);
  }

  /** Shows how an operation on the broker or the disk went, once it has. */
  private settle(work: Promise<void>, success: string): void {
    work.then(
      () => this.guard(() => this.notify(success, false)),
      (err: Error) => this.guard(() => this.notify(err.message, true)),
    );
  }

  private notify(text: string, error: boolean): void {
    this.view.notice = { text, error, at: this.settings.clock() };
    this.schedule();
  }
}
