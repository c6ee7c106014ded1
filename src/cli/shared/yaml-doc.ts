import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { nodeOffset } from '../../config/index.js';

export type FieldPath = readonly (string | number)[];

/**
 * A YAML (or JSON) file kept as a document, so commands can point at `file:line:col` and edit
 * single values in place. Positions come from src/config's own rule, so the CLI's messages point
 * where the loader's would.
 */
export interface YamlDoc {
  readonly text: string;
  readonly doc: Document;
  /** Syntax errors, `line:col message`; empty when the file parsed. */
  readonly errors: readonly { line: number; col: number; message: string }[];
  /** The node at `path`, if every step exists. */
  node(path: FieldPath): Node | undefined;
  /** 1-based position of the node at `path` (or its key), else of its nearest existing ancestor. */
  locate(path: FieldPath, at?: 'key' | 'value'): { line: number; col: number };
}

export function parseYamlDoc(text: string): YamlDoc {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, lineCounter, keepSourceTokens: false });
  const errors = doc.errors.map((e) => {
    const pos = e.linePos?.[0] ?? { line: 0, col: 0 };
    return { line: pos.line, col: pos.col, message: (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '') };
  });
  return {
    text,
    doc,
    errors,
    node(path) {
      let node: unknown = doc.contents;
      for (const step of path) {
        if (isMap(node)) node = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step))?.value;
        else if (isSeq(node) && typeof step === 'number') node = node.items[step];
        else return undefined;
      }
      return isNode(node) ? node : undefined;
    },
    locate(path, at = 'value') {
      const offset = nodeOffset(doc, path, at);
      return offset === undefined ? { line: 0, col: 0 } : lineCounter.linePos(offset);
    },
  };
}

/** `file:line:col` (or just `file` when the position is unknown). */
export function where(file: string, pos: { line: number; col: number }): string {
  return pos.line > 0 ? `${file}:${pos.line}:${pos.col}` : file;
}
