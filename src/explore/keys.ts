/**
 * Keys: raw terminal input decoded to key events, the key -> action map of the tree view, and the
 * prompts (search, publish, clear, save) as a small state machine. Pure: the app carries out the
 * actions.
 */
import type { QoS } from './model.js';

export type Key =
  | { name: 'up' | 'down' | 'left' | 'right' | 'pageup' | 'pagedown' | 'home' | 'end' }
  | { name: 'enter' | 'escape' | 'backspace' | 'tab' | 'ctrl-c' | 'ctrl-u' | 'ctrl-d' }
  | { name: 'char'; char: string };

const SEQUENCES: Record<string, Key> = {
  '[A': { name: 'up' },
  '[B': { name: 'down' },
  '[C': { name: 'right' },
  '[D': { name: 'left' },
  OA: { name: 'up' },
  OB: { name: 'down' },
  OC: { name: 'right' },
  OD: { name: 'left' },
  '[H': { name: 'home' },
  '[F': { name: 'end' },
  OH: { name: 'home' },
  OF: { name: 'end' },
  '[1~': { name: 'home' },
  '[4~': { name: 'end' },
  '[7~': { name: 'home' },
  '[8~': { name: 'end' },
  '[5~': { name: 'pageup' },
  '[6~': { name: 'pagedown' },
};

const CONTROLS: Record<string, Key> = {
  '\r': { name: 'enter' },
  '\n': { name: 'enter' },
  '\x7f': { name: 'backspace' },
  '\b': { name: 'backspace' },
  '\t': { name: 'tab' },
  '\x03': { name: 'ctrl-c' },
  '\x04': { name: 'ctrl-d' },
  '\x15': { name: 'ctrl-u' },
};

/**
 * Decodes one read from a raw-mode terminal: it may hold several keys (typed fast, or pasted).
 * A lone ESC is the Escape key; ESC followed by a CSI/SS3 sequence is a cursor key; sequences we
 * do not know (function keys, mouse reports) are dropped whole rather than typed as text.
 */
export function decodeKeys(input: string): Key[] {
  const keys: Key[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (ch === '\x1b') {
      const rest = input.slice(i + 1);
      const seq = /^(\[[0-?]*[ -/]*[@-~]|O[A-Za-z])/.exec(rest);
      if (!seq) {
        keys.push({ name: 'escape' });
        i++;
        continue;
      }
      const known = SEQUENCES[seq[1]!];
      if (known) keys.push(known);
      i += 1 + seq[1]!.length;
      continue;
    }
    const control = CONTROLS[ch];
    if (control) keys.push(control);
    else if (ch >= ' ') {
      const cp = input.codePointAt(i)!;
      const char = String.fromCodePoint(cp);
      keys.push({ name: 'char', char });
      i += char.length;
      continue;
    }
    i++;
  }
  return keys;
}

/** What a key means while the tree has the focus. */
export type ViewAction =
  | { type: 'move'; by: number }
  | { type: 'page'; by: -1 | 1 }
  | { type: 'jump'; to: 'first' | 'last' }
  | { type: 'collapse' }
  | { type: 'expand' }
  | { type: 'toggle' }
  | { type: 'search' }
  | { type: 'clear-search' }
  | { type: 'pause' }
  | { type: 'publish' }
  | { type: 'clear-retained' }
  | { type: 'save' }
  | { type: 'help' }
  | { type: 'quit' };

const CHAR_ACTIONS: Record<string, ViewAction> = {
  k: { type: 'move', by: -1 },
  j: { type: 'move', by: 1 },
  h: { type: 'collapse' },
  l: { type: 'expand' },
  g: { type: 'jump', to: 'first' },
  G: { type: 'jump', to: 'last' },
  '/': { type: 'search' },
  ' ': { type: 'pause' },
  p: { type: 'publish' },
  d: { type: 'clear-retained' },
  s: { type: 'save' },
  '?': { type: 'help' },
  q: { type: 'quit' },
};

export function viewAction(key: Key): ViewAction | undefined {
  switch (key.name) {
    case 'up':
      return { type: 'move', by: -1 };
    case 'down':
      return { type: 'move', by: 1 };
    case 'left':
      return { type: 'collapse' };
    case 'right':
      return { type: 'expand' };
    case 'pageup':
      return { type: 'page', by: -1 };
    case 'pagedown':
      return { type: 'page', by: 1 };
    case 'home':
      return { type: 'jump', to: 'first' };
    case 'end':
      return { type: 'jump', to: 'last' };
    case 'enter':
      return { type: 'toggle' };
    case 'escape':
      return { type: 'clear-search' };
    case 'ctrl-c':
      return { type: 'quit' };
    case 'char':
      return CHAR_ACTIONS[key.char];
    default:
      return undefined;
  }
}

/** The keys as the footer and the help screen list them: [keys, what they do]. */
export const KEY_HELP: ReadonlyArray<readonly [string, string]> = [
  ['↑ ↓ / k j', 'move the selection'],
  ['PgUp PgDn g G', 'move a page, to the first, to the last'],
  ['← → / h l', 'collapse / expand (← on a closed node: go to its parent)'],
  ['Enter', 'collapse or expand'],
  ['/', 'search: a substring, or an MQTT filter (a/+/temp, a/#)'],
  ['Esc', 'end the search (or close this help)'],
  ['Space', 'pause / resume the view (messages are still counted)'],
  ['p', 'publish to the selected topic (payload, QoS, retain)'],
  ['d', 'clear the retained message of the selected topic (asks first)'],
  ['s', 'save the selected payload to a file (asks for the name)'],
  ['?', 'this help'],
  ['q / Ctrl-C', 'quit'],
];

export const FOOTER_HINTS: ReadonlyArray<readonly [string, string]> = [
  ['↑↓', 'move'],
  ['←→', 'fold'],
  ['/', 'search'],
  ['␣', 'pause'],
  ['p', 'publish'],
  ['d', 'clear'],
  ['s', 'save'],
  ['?', 'help'],
  ['q', 'quit'],
];

export const SHORT_FOOTER_HINTS: ReadonlyArray<readonly [string, string]> = [
  ['↑↓←→', ''],
  ['/', 'find'],
  ['␣', 'pause'],
  ['p', 'pub'],
  ['d', 'clear'],
  ['s', 'save'],
  ['?', 'help'],
  ['q', 'quit'],
];

/** A prompt in the footer. Each step keeps what the earlier steps answered. */
export type Prompt =
  | { kind: 'search'; text: string; before: string }
  | { kind: 'publish-payload'; topic: string; text: string }
  | { kind: 'publish-qos'; topic: string; payload: string; text: string }
  | { kind: 'publish-retain'; topic: string; payload: string; qos: QoS; text: string }
  | { kind: 'confirm-clear'; topic: string }
  | { kind: 'save'; topic: string; text: string };

/** What a finished (or live, for search) prompt asks the app to do. */
export type PromptAction =
  | { type: 'search'; text: string }
  | { type: 'publish'; topic: string; payload: string; qos: QoS; retain: boolean }
  | { type: 'clear-retained'; topic: string }
  | { type: 'save'; topic: string; file: string }
  | { type: 'notice'; text: string };

export interface PromptStep {
  /** The prompt still open, or undefined when it closed. */
  prompt: Prompt | undefined;
  action?: PromptAction;
}

/** Line editing shared by the prompts that take text: typing, backspace, Ctrl-U. */
function edit(text: string, key: Key): string | undefined {
  if (key.name === 'char') return text + key.char;
  if (key.name === 'backspace') return [...text].slice(0, -1).join('');
  if (key.name === 'ctrl-u') return '';
  return undefined;
}

export function promptKey(prompt: Prompt, key: Key): PromptStep {
  if (key.name === 'ctrl-c') return prompt.kind === 'search' ? { prompt: undefined, action: { type: 'search', text: prompt.before } } : { prompt: undefined };
  if (prompt.kind === 'confirm-clear') {
    const yes = key.name === 'char' && (key.char === 'y' || key.char === 'Y');
    return yes ? { prompt: undefined, action: { type: 'clear-retained', topic: prompt.topic } } : { prompt: undefined, action: { type: 'notice', text: 'not cleared' } };
  }
  if (key.name === 'escape') {
    // Escape leaves a search as it was before the prompt opened; other prompts are cancelled.
    return prompt.kind === 'search' ? { prompt: undefined, action: { type: 'search', text: prompt.before } } : { prompt: undefined, action: { type: 'notice', text: 'cancelled' } };
  }
  if (key.name === 'enter') return submit(prompt);
  const text = edit(prompt.text, key);
  if (text === undefined) return { prompt };
  const next = { ...prompt, text };
  // The tree narrows as the search is typed.
  return next.kind === 'search' ? { prompt: next, action: { type: 'search', text } } : { prompt: next };
}

function submit(prompt: Exclude<Prompt, { kind: 'confirm-clear' }>): PromptStep {
  switch (prompt.kind) {
    case 'search':
      return { prompt: undefined, action: { type: 'search', text: prompt.text } };
    case 'publish-payload':
      return { prompt: { kind: 'publish-qos', topic: prompt.topic, payload: prompt.text, text: '' } };
    case 'publish-qos': {
      const answer = prompt.text.trim() || '0';
      if (!/^[012]$/.test(answer)) return { prompt: { ...prompt, text: '' }, action: { type: 'notice', text: 'QoS must be 0, 1 or 2' } };
      return { prompt: { kind: 'publish-retain', topic: prompt.topic, payload: prompt.payload, qos: Number(answer) as QoS, text: '' } };
    }
    case 'publish-retain': {
      const retain = /^y(es)?$/i.test(prompt.text.trim());
      return { prompt: undefined, action: { type: 'publish', topic: prompt.topic, payload: prompt.payload, qos: prompt.qos, retain } };
    }
    case 'save': {
      const file = prompt.text.trim();
      return file === '' ? { prompt: undefined, action: { type: 'notice', text: 'not saved: no file name' } } : { prompt: undefined, action: { type: 'save', topic: prompt.topic, file } };
    }
  }
}

/** The footer text of a prompt: [question, answer so far]. */
export function promptText(prompt: Prompt): [string, string] {
  switch (prompt.kind) {
    case 'search':
      return ['search (text or MQTT filter): ', prompt.text];
    case 'publish-payload':
      return [`publish to ${prompt.topic}, payload: `, prompt.text];
    case 'publish-qos':
      return ['QoS 0, 1 or 2 [0]: ', prompt.text];
    case 'publish-retain':
      return ['retain? y/N: ', prompt.text];
    case 'confirm-clear':
      return [`clear the retained message of ${prompt.topic}? y/N `, ''];
    case 'save':
      return ['save payload to file: ', prompt.text];
  }
}

/** A file name for a topic's payload: its levels joined by '_', without characters that need quoting. */
export function suggestedFileName(topic: string): string {
  const base = topic.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[_.]+|_+$/g, '');
  return `${base || 'payload'}.bin`;
}
