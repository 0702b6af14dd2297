/** What one frame shows: the model plus the state of the view around it. */
import type { Prompt } from './keys.js';
import type { LinkState } from './link.js';
import type { Row, TopicNode, TopicTree } from './model.js';

interface Notice {
  text: string;
  error: boolean;
  /** When it was shown; it goes after NOTICE_MS. */
  at: number;
}

export interface ViewState {
  tree: TopicTree;
  /** tree.rows(), computed once per frame by the caller (it also needs them to move). */
  rows: Row[];
  selected: TopicNode | undefined;
  /** First row of the tree shown. */
  scroll: number;
  broker: string;
  filters: readonly string[];
  link: LinkState;
  reconnects: number;
  paused: boolean;
  memoryBytes: number;
  prompt: Prompt | undefined;
  notice: Notice | undefined;
  help: boolean;
  now: number;
  /** Clock time of a history row, e.g. 12:03:04.512. */
  formatTime: (ms: number) => string;
}

/** How long a node stays highlighted after a message, and a notice stays in the footer. */
export const HIGHLIGHT_MS = 1000;
export const NOTICE_MS = 4000;

