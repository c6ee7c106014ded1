/**
 * The "Path rules" and "Topic rules" tables of docs/contracts.md, read as data: the one documented
 * list of what a plugin call's request target (or a stream's topics query) may not be, which
 * layer refuses it and with which code. The tests walk these lists, so a table cannot say one
 * thing while the code does another.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type PathRuleLayer = 'http' | 'policy' | 'neither';

export interface PathRuleExample {
  /** The request target's (for topics: the query's) bytes on the wire. */
  bytes: Buffer;
  /** As Node hands a target to the app (one character per byte). */
  target: string;
  /** How the table writes it. */
  shown: string;
}

export interface PathRule {
  rule: string;
  layer: PathRuleLayer;
  /** `malformed_request` / `malformed_path` / `invalid_topics` / `malformed_topic`; undefined where no rule applies (the allow-list decides). */
  code: string | undefined;
  examples: PathRuleExample[];
}

const CONTRACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/contracts.md');

/** Splits a table row at unescaped pipes, `\|` standing for a pipe. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replaceAll('\\|', '|'));
}

/** The code spans of a cell: `x` or `` x `` (for a span holding a backtick). */
function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/``\s(.+?)\s``|`([^`]+)`/g)].map((m) => (m[1] ?? m[2]) as string);
}

/** `{0xC3}` is one raw byte, `{a×8200}` a run of one character; anything else is itself. */
function expand(shown: string): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (const m of shown.matchAll(/\{0x([0-9A-Fa-f]{2})\}|\{(.)×(\d+)\}/g)) {
    parts.push(Buffer.from(shown.slice(at, m.index), 'latin1'));
    parts.push(m[1] !== undefined ? Buffer.from([parseInt(m[1], 16)]) : Buffer.from((m[2] as string).repeat(Number(m[3])), 'latin1'));
    at = (m.index ?? 0) + m[0].length;
  }
  parts.push(Buffer.from(shown.slice(at), 'latin1'));
  return Buffer.concat(parts);
}

function layerOf(cell: string, heading: string): PathRuleLayer {
  if (cell.startsWith('HTTP layer')) return 'http';
  if (cell === 'policy') return 'policy';
  if (cell === 'neither') return 'neither';
  throw new Error(`docs/contracts.md, ${heading}: unknown layer "${cell}"`);
}

/** Every row of the table under `### <heading>`, in order. */
function ruleTable(heading: string): PathRule[] {
  const text = readFileSync(CONTRACTS, 'utf8');
  const start = text.indexOf(`\n### ${heading}\n`);
  if (start === -1) throw new Error(`docs/contracts.md has no "### ${heading}" section`);
  const end = Math.min(...['\n## ', '\n### '].map((h) => text.indexOf(h, start + 1)).filter((i) => i !== -1));
  const section = text.slice(start, end);
  const rows = section.split('\n').filter((line) => line.startsWith('|')).slice(2);
  if (rows.length === 0) throw new Error(`docs/contracts.md, ${heading}: no table rows`);
  return rows.map((row) => {
    const [rule, examples, layer, code] = cells(row);
    if (rule === undefined || examples === undefined || layer === undefined || code === undefined) throw new Error(`malformed ${heading} row: ${row}`);
    const spans = codeSpans(examples);
    if (spans.length === 0) throw new Error(`${heading} row "${rule}" has no examples`);
    return {
      rule,
      layer: layerOf(layer, heading),
      code: codeSpans(code)[0],
      examples: spans.map((shown) => {
        const bytes = expand(shown);
        return { bytes, target: bytes.toString('latin1'), shown };
      }),
    };
  });
}

/** The "Path rules" table: request targets of plugin calls. */
export function pathRules(): PathRule[] {
  return ruleTable('Path rules');
}

/** The "Topic rules" table: query strings of `GET /events/stream`. */
export function topicRules(): PathRule[] {
  return ruleTable('Topic rules');
}
