/**
 * One frame of the explorer as lines of text: status line, topic tree | detail pane, footer.
 * Pure: everything shown comes from the view state, including the time, so a frame at a given
 * size and clock is always the same lines.
 */
import { pad, printable, textWidth } from './text.js';
import { preview } from './payload-view.js';
import { FOOTER_HINTS, KEY_HELP, SHORT_FOOTER_HINTS, promptText } from './keys.js';
import type { Row, TopicNode } from './model.js';
import { detailLines } from './detail.js';
import { painter, type Painter, type Segment } from './style.js';
import type { LinkState } from './link.js';
import { age } from './units.js';
import { HIGHLIGHT_MS, NOTICE_MS, type ViewState } from './view-state.js';

export type { ViewState } from './view-state.js';

/** Rows of the tree pane for a screen `height` lines high: all but the status line and footer. */
export function treeHeight(height: number): number {
  return Math.max(1, height - 2);
}

function treeWidth(width: number): number {
  return Math.max(16, Math.min(Math.floor(width * 0.45), 60));
}

/** The scroll offset that keeps row `index` in view, moving as little as possible from `scroll`. */
export function scrollFor(index: number, scroll: number, visible: number, total: number): number {
  let s = Math.min(scroll, Math.max(0, total - visible));
  if (index < s) s = index;
  else if (index >= s + visible) s = index - visible + 1;
  return Math.max(0, s);
}

export function renderFrame(state: ViewState, width: number, height: number, color: boolean): string[] {
  const paint = painter(color);
  const body = treeHeight(height);
  const lines = [statusLine(state, width, paint)];
  if (state.help) {
    lines.push(...helpLines(width, body, paint));
  } else {
    const left = treeWidth(width);
    const right = Math.max(0, width - left - 1);
    const tree = treeLines(state, left, body, paint);
    const detail = detailLines(state, right, body, paint);
    for (let i = 0; i < body; i++) lines.push(tree[i]! + paint.line([['│', 'dim']], 1) + (detail[i] ?? paint.line([], right)));
  }
  lines.push(footerLine(state, width, paint));
  return lines.slice(0, height);
}

const STATE_WORDS: Record<LinkState, [string, Segment[1]]> = {
  connecting: ['○ connecting', 'warn'],
  connected: ['● connected', 'good'],
  reconnecting: ['◌ reconnecting', 'bad'],
  lost: ['✕ connection lost', 'bad'],
};

function statusLine(state: ViewState, width: number, paint: Painter): string {
  const { tree } = state;
  const [word, style] = STATE_WORDS[state.link];
  const rate = tree.rate.rate(state.now);
  const rateText = rate < 10 ? rate.toFixed(1) : String(Math.round(rate));
  const memory = `${Math.round(state.memoryBytes / 1024 / 1024)} MB`;
  const reconnects = state.reconnects > 0 ? ` (${state.reconnects} reconnect${state.reconnects === 1 ? '' : 's'})` : '';
  const full: Segment[] = [
    [' tssub explore ', 'title'],
    [`${printable(state.broker)} `, 'plain'],
    [word, style],
    [reconnects, 'warn'],
    // Before the numbers, which a narrow terminal cuts: a paused view must say so.
    [state.paused ? '  PAUSED' : '', 'bad'],
    [`  ${rateText} msg/s  ${tree.totalMessages} msgs  ${tree.topicCount} topics`, 'plain'],
    [`  ${memory}`, 'dim'],
  ];
  const fits = (segs: Segment[]): boolean => segs.reduce((w, [t]) => w + textWidth(t), 0) <= width;
  if (fits(full)) return paint.line(full, width);
  const untitled: Segment[] = [[' ', 'plain'], ...full.slice(1)];
  if (fits(untitled)) return paint.line(untitled, width);
  // Narrow: the numbers first, the broker last (it is the one thing that does not change).
  const compact: Segment[] = [
    [` ${word}`, style],
    [state.reconnects > 0 ? ` ↻${state.reconnects}` : '', 'warn'],
    [state.paused ? ' PAUSED' : '', 'bad'],
    [` ${rateText}/s ${tree.totalMessages} msgs ${tree.topicCount} topics`, 'plain'],
    [` ${memory}`, 'dim'],
    [` ${printable(state.broker)}`, 'plain'],
  ];
  return paint.line(compact, width);
}

function treeLines(state: ViewState, width: number, height: number, paint: Painter): string[] {
  const out: string[] = [];
  const { rows, tree } = state;
  if (rows.length === 0) {
    const search = tree.activeSearch;
    const text = search ? `no topic matches '${printable(search.text)}'` : `waiting for messages on ${state.filters.join(' ')}`;
    out.push(paint.line([[text, 'dim']], width));
  }
  for (let i = state.scroll; i < rows.length && out.length < height; i++) out.push(treeRow(state, rows[i]!, width, paint));
  while (out.length < height) out.push(paint.line([], width));
  return out;
}

function treeRow(state: ViewState, row: Row, width: number, paint: Painter): string {
  const { node } = row;
  const selected = node === state.selected;
  const branch = node.children.length > 0;
  const marker = branch ? (node.expanded || state.tree.activeSearch ? '▾ ' : '▸ ') : '  ';
  const changed = state.now - node.changedAt < HIGHLIGHT_MS;
  const count = branch ? `(${node.messagesBelow}/${node.topicsBelow})` : `(${node.count})`;
  const last = node.last;
  const meta = last ? `${last.retain ? 'R ' : ''}q${last.qos} ${age(state.now - last.at)}` : '';
  const head: Segment[] = [
    ['  '.repeat(row.depth) + marker, 'dim'],
    [printable(node.name) || '∅', changed && !selected ? 'changed' : 'plain'],
    [` ${count}`, 'dim'],
  ];
  const headWidth = head.reduce((w, [t]) => w + textWidth(t), 0);
  // The payload preview takes what is left between the name and the right-aligned meta.
  const room = width - headWidth - meta.length - 3;
  if (last && room > 3) head.push([pad(` ${previewOf(node)}`, room + 1), 'plain']);
  else head.push([' '.repeat(Math.max(0, width - headWidth - meta.length - 2)), 'plain']);
  head.push([' ', 'plain'], [meta, last?.retain ? 'retained' : 'dim'], [' ', 'plain']);
  return paint.line(head, width, selected ? 'selected' : 'plain');
}

/** Per shown topic, the preview of its last payload, made again only when a message came. */
const previews = new WeakMap<object, { seq: number; text: string }>();
function previewOf(node: TopicNode): string {
  const last = node.last!;
  let hit = previews.get(last);
  if (hit?.seq !== last.seq) {
    hit = { seq: last.seq, text: `= ${preview(last.payload, 120)}` };
    previews.set(last, hit);
  }
  return hit.text;
}

function footerLine(state: ViewState, width: number, paint: Painter): string {
  if (state.prompt) {
    const [question, answer] = promptText(state.prompt);
    const shown = printable(answer);
    // The end of a long answer is what is being typed: keep it in view.
    const room = Math.max(1, width - question.length - 1);
    const tail = shown.length > room ? `…${shown.slice(-(room - 1))}` : shown;
    return paint.line([[question, 'key'], [tail, 'plain'], ['█', 'plain']], width);
  }
  if (state.notice && state.now - state.notice.at < NOTICE_MS) {
    return paint.line([[` ${printable(state.notice.text)}`, state.notice.error ? 'bad' : 'good']], width);
  }
  const segs: Segment[] = [];
  const search = state.tree.activeSearch;
  if (search) segs.push([` search: ${printable(search.text)} (${search.kind}, Esc ends) `, 'warn']);
  const used = segs.reduce((w, [t]) => w + textWidth(t), 0);
  // Narrow terminals get the short words; q must stay in view.
  const hints = used + hintsWidth(FOOTER_HINTS) <= width ? FOOTER_HINTS : SHORT_FOOTER_HINTS;
  for (const [key, what] of hints) segs.push([` ${key}`, 'key'], [what ? ` ${what}` : '', 'dim']);
  return paint.line(segs, width);
}

function hintsWidth(hints: ReadonlyArray<readonly [string, string]>): number {
  return hints.reduce((w, [key, what]) => w + textWidth(key) + (what ? textWidth(what) + 2 : 1), 0);
}

function helpLines(width: number, height: number, paint: Painter): string[] {
  const out: string[] = [paint.line([[' Keys', 'heading']], width)];
  for (const [keys, what] of KEY_HELP) out.push(paint.line([[`  ${keys.padEnd(15)}`, 'key'], [what, 'plain']], width));
  out.push(paint.line([], width));
  out.push(paint.line([['  Tree: name (messages/topics below) = last payload, R retained, qN QoS, age', 'dim']], width));
  out.push(paint.line([['  Esc or ? closes this help.', 'dim']], width));
  while (out.length < height) out.push(paint.line([], width));
  return out.slice(0, height);
}
