/** Moving the selection through the tree's rows, and folding: pure functions of the model. */
import type { Row, TopicNode, TopicTree } from './model.js';

/** The selection kept if still shown, else the first row (a search may have hidden it). */
export function visibleSelection(rows: readonly Row[], selected: TopicNode | undefined): TopicNode | undefined {
  if (selected && rows.some((r) => r.node === selected)) return selected;
  return rows[0]?.node;
}

export function moveSelection(rows: readonly Row[], selected: TopicNode | undefined, by: number): TopicNode | undefined {
  if (rows.length === 0) return undefined;
  const at = rows.findIndex((r) => r.node === selected);
  const next = Math.max(0, Math.min(rows.length - 1, (at < 0 ? 0 : at) + by));
  return rows[next]!.node;
}

/** ←: close an open node; on a closed one (or a leaf), go to its parent. */
export function collapse(tree: TopicTree, selected: TopicNode): TopicNode {
  if (selected.children.length > 0 && selected.expanded && !tree.activeSearch) {
    selected.expanded = false;
    return selected;
  }
  return selected.parent && selected.parent !== tree.root ? selected.parent : selected;
}

/** →: open a closed node; on an open one, go to its first child. */
export function expand(tree: TopicTree, selected: TopicNode): TopicNode {
  if (selected.children.length === 0) return selected;
  if (!selected.expanded && !tree.activeSearch) {
    selected.expanded = true;
    return selected;
  }
  const rows = tree.rows();
  const at = rows.findIndex((r) => r.node === selected);
  const next = rows[at + 1];
  return next && next.node.parent === selected ? next.node : selected;
}
