/**
 * LineBatch: every line reaches the sink once, whole and in order; nothing waits past a batch
 * of BATCH_CHARS or a flush; a logger writing to a file sees all its lines after flush().
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BATCH_CHARS, LineBatch } from './log-batch.js';
import { createInfoLine, createLogger } from './logger.js';

function sink(): { chunks: string[]; flushes: number; write(c: string): void; flush(cb: () => void): void } {
  return {
    chunks: [],
    flushes: 0,
    write(chunk) {
      this.chunks.push(chunk);
    },
    flush(cb) {
      this.flushes += 1;
      cb();
    },
  };
}

describe('LineBatch', () => {
  it('hands over every line once and in order, in batches that end at the first line reaching BATCH_CHARS', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 900 }), { maxLength: 60 }), (lines) => {
        const out = sink();
        const batch = new LineBatch(out);
        let pending = 0;
        let total = 0;
        for (const line of lines) {
          batch.write(line);
          pending += line.length;
          total += line.length;
          // Written at once when the batch is full, never before.
          if (pending >= BATCH_CHARS) pending = 0;
          expect(out.chunks.join('').length).toBe(total - pending);
        }
        batch.flush();
        expect(out.chunks.join('')).toBe(lines.join(''));
        for (const chunk of out.chunks.slice(0, -1)) expect(chunk.length).toBeLessThan(BATCH_CHARS + 900);
      }),
      { numRuns: 300 },
    );
  });

  it('flush(cb) writes what waits, then asks the sink to flush', () => {
    const out = sink();
    const batch = new LineBatch(out);
    batch.write('a\n');
    batch.write('b\n');
    expect(out.chunks).toEqual([]);
    let called = false;
    batch.flush(() => (called = true));
    expect(out.chunks).toEqual(['a\nb\n']);
    expect(out.flushes).toBe(1);
    expect(called).toBe(true);
  });

  it("a logger on a file has every line, both kinds, in order once it is flushed", async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'xp-log-')), 'bff.log');
    const logger = createLogger({ destination: file });
    const line = createInfoLine(logger, 'request', ['n']);
    for (let n = 0; n < 500; n++) {
      if (n % 3 === 0) logger.info({ n }, 'other');
      else line({ n });
    }
    logger.flush();
    const written = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(written.map((l) => (JSON.parse(l) as { n: number }).n)).toEqual([...Array(500).keys()]);
  });
});
