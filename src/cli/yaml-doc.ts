import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';

export type FieldPath = readonly (string | number)[];

/**
 * A YAML (or JSON) file kept as a document, so commands can point at `file:line:col` and edit
 * single values in place. src/config's own reader is internal; this is the CLI's small twin.
 */
export interface YamlDoc {
  readonly text: string;
  readonly doc: Document;
  /** Syntax errors, `line:col message`; empty when the file parsed. */
  readonly errors: readonly { line: number; col: number; message: string }[];
  /** The node at `path`, if every step exists. */
  node(path: FieldPath): Node | undefined;
  /** The map pair whose key is the last step of `path`. */
  pair(path: FieldPath): Pair | undefined;
  /** 1-based position of the node at `path` (or its key), else of its nearest existing ancestor. */
  locate(path: FieldPath, at?: 'key' | 'value'): { line: number; col: number };
  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; col: number };
}

export function parseYamlDoc(text: string): YamlDoc {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, lineCounter, keepSourceTokens: false });
  const errors = doc.errors.map((e) => {
    const pos = e.linePos?.[0] ?? { line: 0, col: 0 };
    return { line: pos.line, col: pos.col, message: (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '') };
  });
  const position = (offset: number) => lineCounter.linePos(offset);

  /** Walks `path`; returns the nodes reached (the document root first). */
  function walk(path: FieldPath): { nodes: Node[]; pair?: Pair } {
    const nodes: Node[] = isNode(doc.contents) ? [doc.contents] : [];
    let pair: Pair | undefined;
    let node: unknown = doc.contents;
    for (const step of path) {
      let next: unknown;
      pair = undefined;
      if (isMap(node)) {
        pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
        next = pair?.value;
      } else if (isSeq(node) && typeof step === 'number') {
        next = node.items[step];
      }
      if (!isNode(next)) return { nodes, ...(pair ? { pair } : {}) };
      nodes.push(next);
      node = next;
    }
    return { nodes, ...(pair ? { pair } : {}) };
  }

  return {
    text,
    doc,
    errors,
    position,
    node(path) {
      const { nodes } = walk(path);
      return nodes.length === path.length + 1 ? nodes[nodes.length - 1] : undefined;
    },
    pair(path) {
      const { nodes, pair } = walk(path);
      return nodes.length >= path.length && isPair(pair) ? pair : undefined;
    },
    locate(path, at = 'value') {
      const { nodes, pair } = walk(path);
      if (at === 'key' && pair && nodes.length >= path.length && isNode(pair.key) && pair.key.range) return position(pair.key.range[0]);
      const deepest = nodes[nodes.length - 1];
      // `key:` with nothing after it: point at the key rather than at an empty value.
      if (pair && isNode(pair.key) && pair.key.range && isScalar(deepest) && deepest.value === null) return position(pair.key.range[0]);
      return deepest?.range ? position(deepest.range[0]) : { line: 0, col: 0 };
    },
  };
}

/** `file:line:col` (or just `file` when the position is unknown). */
export function where(file: string, pos: { line: number; col: number }): string {
  return pos.line > 0 ? `${file}:${pos.line}:${pos.col}` : file;
}
