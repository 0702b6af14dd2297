/**
 * The detail pane: the selected topic's last message in full (JSON pretty-printed, binary as hex),
 * its QoS, retain flag and MQTT 5 properties, a chart of numeric readings and the history table.
 */
import { barChart, shortNumber } from './chart.js';
import type { HistoryEntry, TopicNode } from './model.js';
import { payloadLines, preview } from './payload-view.js';
import { age, bytes } from './units.js';
import type { ViewState } from './view-state.js';
import type { Painter, Segment } from './style.js';
import { printable, wrap } from './text.js';

const CHART_HEIGHT = 4;

export function detailLines(state: ViewState, width: number, height: number, paint: Painter): string[] {
  const node = state.selected;
  const lines: Segment[][] = [];
  if (!node) lines.push([[' no topic selected', 'dim']]);
  else if (!node.last) lines.push(...branchSummary(node, width));
  else lines.push(...topicDetail(state, node, width, height));
  return lines.slice(0, height).map((segs) => paint.line(segs, width));
}

function branchSummary(node: TopicNode, width: number): Segment[][] {
  return [
    ...wrap(printable(node.topic), width - 1).map((l): Segment[] => [[` ${l}`, 'heading']]),
    [[` ${node.messagesBelow} messages in ${node.topicsBelow} topics below`, 'plain']],
    [[' no message on this topic itself', 'dim']],
  ];
}

function topicDetail(state: ViewState, node: TopicNode, width: number, height: number): Segment[][] {
  const last = node.last!;
  const inner = Math.max(1, width - 1);
  const out: Segment[][] = wrap(printable(node.topic), inner).slice(0, 2).map((l) => [[` ${l}`, 'heading']]);
  const flags = [`QoS ${last.qos}`, last.retain ? 'retained' : 'live', bytes(last.size), `${node.count} msg${node.count === 1 ? "" : "s"}`, `${age(state.now - last.at)} ago`];
  out.push([[` ${flags.join(' · ')}`, last.retain ? 'retained' : 'dim']]);
  out.push(...propertyLines(last.properties, inner));

  const history = node.history.entries();
  const values = history.map((h) => h.value).filter((v): v is number => v !== undefined);
  const chart = values.length >= 2 && values.length === history.length ? CHART_HEIGHT + 1 : 0;
  // The history table keeps at least a heading and three rows when there is room.
  const forHistory = Math.min(history.length, 3) + 1;
  const room = Math.max(1, height - out.length - 1 - chart - forHistory);
  const payload = last.payload;
  const complete = payload.length === last.size;
  const { kind, lines } = payloadLines(payload, complete, inner, { holder: last, seq: last.seq });
  out.push([[` payload (${kind}${complete ? '' : `, first ${bytes(payload.length)}`})`, 'heading']]);
  const shown = lines.length > room ? [...lines.slice(0, room - 1), `… ${lines.length - room + 1} more lines`] : lines;
  for (const l of shown) out.push([[` ${l}`, 'plain']]);
  if (chart > 0) out.push(...chartLines(values, inner));
  out.push(...historyLines(state, history, inner, height - out.length));
  return out;
}

function propertyLines(properties: Readonly<Record<string, unknown>> | undefined, width: number): Segment[][] {
  if (!properties) return [];
  const out: Segment[][] = [];
  for (const [name, value] of Object.entries(properties)) {
    if (name === 'userProperties' && value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out.push([[` ${printable(`${k}: ${String(v)}`)}`.slice(0, width + 1), 'dim']]);
      continue;
    }
    const text = Buffer.isBuffer(value) ? value.toString('hex') : typeof value === 'object' ? JSON.stringify(value) : String(value);
    out.push([[` ${printable(`${name}: ${text}`)}`.slice(0, width + 1), 'dim']]);
  }
  return out;
}

function chartLines(values: number[], width: number): Segment[][] {
  const shown = values.slice(-Math.max(1, width - 8));
  const min = Math.min(...shown);
  const max = Math.max(...shown);
  const bars = barChart(shown, width - 8, CHART_HEIGHT);
  const labelled = bars.map((bar, i): Segment[] => {
    const label = i === 0 ? shortNumber(max) : i === bars.length - 1 ? shortNumber(min) : '';
    return [[` ${label.padStart(6).slice(-6)} `, 'dim'], [bar, 'good']];
  });
  return [[[` chart of the last ${shown.length} values`, 'heading']], ...labelled];
}

function historyLines(state: ViewState, history: HistoryEntry[], width: number, room: number): Segment[][] {
  if (room <= 1 || history.length === 0) return [];
  const out: Segment[][] = [[[` history (${history.length})`, 'heading']]];
  for (let i = history.length - 1; i >= 0 && out.length < room; i--) {
    const h = history[i]!;
    const flags = `${h.retain ? 'R' : ' '}${h.qos}`;
    out.push([
      [` ${state.formatTime(h.at)} `, 'dim'],
      [`${flags} `, h.retain ? 'retained' : 'dim'],
      [h.size > h.preview.length ? `${preview(h.preview, width)}…` : preview(h.preview, width), 'plain'],
    ]);
  }
  return out;
}
