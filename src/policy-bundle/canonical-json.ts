/**
 * The bytes OPA hashes for a structured bundle file (data.json, .manifest): the JSON with
 * every object's keys in byte order, no whitespace, numbers exactly as written, strings as Go's
 * encoding/json writes them (OPA v1 bundle/hash.go). So a signature made by `opa sign` is
 * checked against the same bytes OPA would check, whatever the file's layout.
 */

/** A JSON value that keeps each number's literal (JSON.parse would turn 1.0 into 1). */
export type JsonTree =
  | { kind: 'object'; entries: Map<string, JsonTree> }
  | { kind: 'array'; items: JsonTree[] }
  | { kind: 'string'; value: string }
  | { kind: 'literal'; text: string };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

class Parser {
  at = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    throw new SyntaxError(`invalid JSON at character ${this.at}: ${what}`);
  }

  skip(): void {
    WHITESPACE.lastIndex = this.at;
    WHITESPACE.exec(this.text);
    this.at = WHITESPACE.lastIndex;
  }

  value(depth: number): JsonTree {
    if (depth > 512) this.fail('nested too deeply');
    this.skip();
    const c = this.text[this.at];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return { kind: 'string', value: this.string() };
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return { kind: 'literal', text: word };
      }
    }
    NUMBER.lastIndex = this.at;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail('expected a value');
    this.at = NUMBER.lastIndex;
    return { kind: 'literal', text: match[0] };
  }

  string(): string {
    const start = this.at;
    this.at++;
    while (this.at < this.text.length) {
      const c = this.text.charCodeAt(this.at);
      if (c === 0x22) {
        this.at++;
        // The literal is valid JSON text now: JSON.parse decodes its escapes exactly.
        return JSON.parse(this.text.slice(start, this.at)) as string;
      }
      if (c < 0x20) this.fail('a control character in a string');
      this.at += c === 0x5c ? 2 : 1;
    }
    return this.fail('an unterminated string');
  }

  object(depth: number): JsonTree {
    const entries = new Map<string, JsonTree>();
    this.at++;
    this.skip();
    if (this.text[this.at] === '}') {
      this.at++;
      return { kind: 'object', entries };
    }
    for (;;) {
      this.skip();
      if (this.text[this.at] !== '"') this.fail('expected a key');
      const key = this.string();
      this.skip();
      if (this.text[this.at] !== ':') this.fail('expected ":"');
      this.at++;
      // As Go's decoder: a repeated key keeps its last value.
      entries.set(key, this.value(depth + 1));
      this.skip();
      const c = this.text[this.at++];
      if (c === '}') return { kind: 'object', entries };
      if (c !== ',') this.fail('expected "," or "}"');
    }
  }

  array(depth: number): JsonTree {
    const items: JsonTree[] = [];
    this.at++;
    this.skip();
    if (this.text[this.at] === ']') {
      this.at++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.skip();
      const c = this.text[this.at++];
      if (c === ']') return { kind: 'array', items };
      if (c !== ',') this.fail('expected "," or "]"');
    }
  }
}

/** Parses JSON text (a UTF-8 BOM is dropped, as OPA drops it). Throws SyntaxError. */
export function parseJsonTree(text: string): JsonTree {
  const parser = new Parser(text.startsWith('\ufeff') ? text.slice(1) : text);
  const tree = parser.value(0);
  parser.skip();
  if (parser.at !== parser.text.length) parser.fail('unexpected text after the value');
  return tree;
}

/** A string as Go's encoding/json writes it without HTML escaping: like JSON.stringify, and U+2028/U+2029 escaped. */
export function goJsonString(value: string): string {
  // Go replaces what is not valid UTF-8 (a lone surrogate here) with U+FFFD.
  const wellFormed = value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  return JSON.stringify(wellFormed).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The canonical text of a tree, as OPA's hash walk writes it. */
export function canonicalJson(tree: JsonTree): string {
  switch (tree.kind) {
    case 'object':
      return `{${[...tree.entries.keys()].sort(byteOrder).map((k) => `${goJsonString(k)}:${canonicalJson(tree.entries.get(k)!)}`).join(',')}}`;
    case 'array':
      return `[${tree.items.map(canonicalJson).join(',')}]`;
    case 'string':
      return goJsonString(tree.value);
    case 'literal':
      return tree.text;
  }
}
