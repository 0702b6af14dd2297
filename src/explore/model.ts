/**
 * What the explorer knows about the broker: a tree of the topics seen, with counts, the last
 * message and a short history per topic. Pure: no I/O, and every time is handed in by the caller,
 * so the tests (and the renderer) run from a fixed clock.
 */
import { filterProblem, topicMatches } from '../core/config/topics.js';
import { History } from './history.js';
import { DEFAULT_LIMITS, type Limits, type QoS } from './limits.js';
import { parseNumeric } from './numeric.js';

export type { Limits } from './limits.js';

export type { QoS } from './limits.js';
export type { HistoryEntry } from './history.js';

/** One message as the explorer takes it from the broker link. */
export interface IncomingMessage {
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  /** MQTT 5 properties, as name -> value (user properties as an object of strings). */
  properties?: Readonly<Record<string, unknown>>;
}

/**
 * A topic's last message. One object a topic, updated in place, and the payload in a buffer of
 * the topic's own, reused: an object and a copy per message lived a second or two (until the
 * topic's next message), long enough to be promoted by the garbage collector, whose pauses then
 * grew with the message rate.
 */
export class LastMessage {
  at = 0;
  /** The payload's full size; the bytes kept are at most Limits.maxPayloadBytes. */
  size = 0;
  qos: QoS = 0;
  retain = false;
  properties: Readonly<Record<string, unknown>> | undefined;
  /** Counts the messages stored: what a cache of something derived from the payload checks. */
  seq = 0;
  private store = new Uint8Array(0);
  private kept = 0;

  /** The bytes kept: a view, valid until the next message on the topic (copy it to keep it). */
  get payload(): Uint8Array {
    return this.store.subarray(0, this.kept);
  }

  set(at: number, message: IncomingMessage, keep: number): void {
    const bytes = message.payload.length > keep ? message.payload.subarray(0, keep) : message.payload;
    if (this.store.length < bytes.length) this.store = new Uint8Array(Math.max(bytes.length, Math.min(2 * this.store.length, 1 << 20)));
    // A copy: the link's buffer may be a slice of a large read, which a reference would keep alive.
    this.store.set(bytes);
    this.kept = bytes.length;
    this.at = at;
    this.size = message.payload.length;
    this.qos = message.qos;
    this.retain = message.retain;
    this.properties = message.properties;
    this.seq++;
  }
}

export class TopicNode {
  readonly name: string;
  /** The full topic of this level: 'a/b' for b under a. */
  readonly topic: string;
  readonly parent: TopicNode | undefined;
  readonly depth: number;
  /** Kept sorted by name, so a frame never sorts. */
  readonly children: TopicNode[] = [];
  readonly childByName = new Map<string, TopicNode>();
  /** Messages on this very topic. */
  count = 0;
  /** Messages on this topic and every topic below it. */
  messagesBelow = 0;
  /** Topics at or below this one that have had a message. */
  topicsBelow = 0;
  last: LastMessage | undefined;
  /** When a message last arrived on this topic or below: drives the brief highlight. */
  changedAt = Number.NEGATIVE_INFINITY;
  expanded = false;
  /** Topics at or below that match the search; only meaningful while a search is on. */
  matchesBelow = 0;
  readonly history: History;

  constructor(name: string, parent: TopicNode | undefined, historyCap: number) {
    this.name = name;
    this.parent = parent;
    this.depth = parent ? parent.depth + 1 : -1;
    this.topic = parent && parent.depth >= 0 ? `${parent.topic}/${name}` : name;
    this.history = new History(historyCap);
  }

  get isTopic(): boolean {
    return this.count > 0;
  }
}

/** A search as the user typed it: an MQTT filter when it has a wildcard and is valid, else a substring. */
export interface Search {
  text: string;
  kind: 'filter' | 'substring';
}

export function parseSearch(text: string): Search | undefined {
  if (text === '') return undefined;
  const wild = text.includes('+') || text.includes('#');
  return { text, kind: wild && filterProblem(text) === undefined ? 'filter' : 'substring' };
}

export function searchMatches(search: Search, topic: string): boolean {
  if (search.kind === 'filter') return topicMatches(search.text, topic);
  return topic.toLowerCase().includes(search.text.toLowerCase());
}

/** One row of the tree as shown: a node and how deep it sits. */
export interface Row {
  node: TopicNode;
  depth: number;
}

/** Messages per second over the last few whole seconds, from the times the caller hands in. */
export class RateMeter {
  private readonly buckets: number[];
  private second = Number.NaN;

  constructor(private readonly windowSec = 5) {
    this.buckets = new Array<number>(windowSec).fill(0);
  }

  add(now: number, n = 1): void {
    this.advance(now);
    // A time before the current second (a clock stepped back) counts in the current one.
    const i = Math.max(this.second, Math.floor(now / 1000)) % this.windowSec;
    this.buckets[i] = (this.buckets[i] ?? 0) + n;
  }

  /** Average of the complete seconds in the window; the current second is still filling. */
  rate(now: number): number {
    this.advance(now);
    const current = Math.floor(now / 1000) % this.windowSec;
    let sum = 0;
    for (let i = 0; i < this.windowSec; i++) if (i !== current) sum += this.buckets[i] ?? 0;
    return sum / (this.windowSec - 1);
  }

  private advance(now: number): void {
    const second = Math.floor(now / 1000);
    if (second <= this.second) return;
    const gap = Number.isNaN(this.second) ? this.windowSec : Math.min(second - this.second, this.windowSec);
    for (let s = 1; s <= gap; s++) this.buckets[(second - gap + s) % this.windowSec] = 0;
    this.second = second;
  }
}

export class TopicTree {
  readonly root: TopicNode;
  readonly limits: Limits;
  readonly rate = new RateMeter();
  /** Every message seen, paused or not. */
  totalMessages = 0;
  private readonly byTopic = new Map<string, TopicNode>();
  private search: Search | undefined;

  constructor(limits: Limits = DEFAULT_LIMITS) {
    this.limits = limits;
    this.root = new TopicNode('', undefined, 0);
  }

  get topicCount(): number {
    return this.root.topicsBelow;
  }

  get activeSearch(): Search | undefined {
    return this.search;
  }

  find(topic: string): TopicNode | undefined {
    return this.byTopic.get(topic);
  }

  /** Counts the message for the status line only (the view is paused). */
  countOnly(now: number): void {
    this.totalMessages++;
    this.rate.add(now);
  }

  add(message: IncomingMessage, now: number): TopicNode {
    this.countOnly(now);
    return this.apply(message, now);
  }

  /** Puts a message into the tree without counting it again (one held while paused). */
  apply(message: IncomingMessage, now: number): TopicNode {
    const node = this.byTopic.get(message.topic) ?? this.create(message.topic);
    const firstMessage = node.count === 0;
    node.count++;
    const { payload } = message;
    (node.last ??= new LastMessage()).set(now, message, this.limits.maxPayloadBytes);
    node.history.add(now, payload, message.qos, message.retain, parseNumeric(payload));
    const matches = firstMessage && this.search !== undefined && searchMatches(this.search, node.topic);
    for (let n: TopicNode | undefined = node; n; n = n.parent) {
      n.messagesBelow++;
      n.changedAt = now;
      if (firstMessage) n.topicsBelow++;
      if (matches) n.matchesBelow++;
    }
    return node;
  }

  private create(topic: string): TopicNode {
    let node = this.root;
    for (const name of topic.split('/')) {
      let child = node.childByName.get(name);
      if (!child) {
        child = new TopicNode(name, node, this.limits.historyPerTopic);
        insertSorted(node.children, child);
        node.childByName.set(name, child);
      }
      node = child;
    }
    this.byTopic.set(topic, node);
    return node;
  }

  setSearch(search: Search | undefined): void {
    this.search = search;
    if (!search) return;
    const walk = (node: TopicNode): number => {
      let n = node.isTopic && searchMatches(search, node.topic) ? 1 : 0;
      for (const child of node.children) n += walk(child);
      node.matchesBelow = n;
      return n;
    };
    walk(this.root);
  }

  /**
   * The rows shown: expanded nodes' children in name order. While a search is on, only nodes with
   * a match at or below them, all of them open, so every match is in view.
   */
  rows(): Row[] {
    const out: Row[] = [];
    const searching = this.search !== undefined;
    const visit = (node: TopicNode, depth: number): void => {
      for (const child of node.children) {
        if (searching && child.matchesBelow === 0) continue;
        out.push({ node: child, depth });
        if (searching || child.expanded) visit(child, depth + 1);
      }
    };
    visit(this.root, 0);
    return out;
  }

  /** Opens every level above `node`, so that it is shown. */
  reveal(node: TopicNode): void {
    for (let n = node.parent; n && n !== this.root; n = n.parent) n.expanded = true;
  }
}

function insertSorted(list: TopicNode[], node: TopicNode): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.name < node.name) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, node);
}

/**
 * Messages that arrive while the view is paused: counted at once, shown on resume. Only the last
 * `historyPerTopic` of each topic are kept, which is all the tree would keep anyway, so a long
 * pause costs no more memory than the tree itself.
 */
export class PauseBuffer {
  private readonly held = new Map<string, Array<{ message: IncomingMessage; at: number }>>();

  constructor(private readonly perTopic: number) {}

  hold(message: IncomingMessage, at: number): void {
    let list = this.held.get(message.topic);
    if (!list) {
      list = [];
      this.held.set(message.topic, list);
    }
    // Copied: the caller's buffer may be reused after the call.
    list.push({ message: { ...message, payload: Uint8Array.from(message.payload) }, at });
    if (list.length > Math.max(1, this.perTopic)) list.shift();
  }

  /** Hands every held message to `apply`, oldest first per topic, and forgets them. */
  release(apply: (message: IncomingMessage, at: number) => void): void {
    for (const list of this.held.values()) for (const { message, at } of list) apply(message, at);
    this.held.clear();
  }
}
