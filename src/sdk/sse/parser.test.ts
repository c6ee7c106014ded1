import { describe, expect, it } from 'vitest';
import { createSseParser } from './parser.js';

describe('SSE parser', () => {
  it('parses id, event and data, and keeps the last id', () => {
    const p = createSseParser();
    const out = p.feed('id: 7\nevent: message\ndata: {"topic":"orders.updated"}\n\n');
    expect(out).toEqual([{ id: '7', event: 'message', data: '{"topic":"orders.updated"}' }]);
    expect(p.lastEventId).toBe('7');
  });

  it('handles events split across chunks at any byte, and CRLF split between chunks', () => {
    const text = 'id: 1\r\ndata: a\r\n\r\n: ping\r\n\r\nid: 2\r\ndata: b\r\ndata: c\r\n\r\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const p = createSseParser();
      const out = [...p.feed(text.slice(0, cut)), ...p.feed(text.slice(cut))];
      expect(out.map((e) => [e.id, e.data])).toEqual([['1', 'a'], ['2', 'b\nc']]);
    }
  });

  it('ignores comments (heartbeats) and dispatches nothing for them', () => {
    const p = createSseParser();
    expect(p.feed(': ping\n\n: ping\n\n')).toEqual([]);
  });

  it('defaults the event type to message and reads retry', () => {
    const p = createSseParser();
    expect(p.feed('retry: 1500\ndata: x\n\n')).toEqual([{ id: undefined, event: 'message', data: 'x' }]);
    expect(p.retryMs).toBe(1500);
  });
});
