import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { BffContext } from '../../state.js';
import { createUnreadBody } from './index.js';

interface FakeContext {
  req: { complete: boolean; socket: { destroyed: boolean; destroy(): void } };
  res: EventEmitter;
  headerSent: boolean;
  headers: Record<string, string>;
  set(name: string, value: string): void;
}

function ctx(complete: boolean, headerSent = false): FakeContext {
  const socket = { destroyed: false, destroy: () => void (socket.destroyed = true) };
  const c: FakeContext = {
    req: { complete, socket },
    res: new EventEmitter(),
    headerSent,
    headers: {},
    set: (name, value) => void (c.headers[name] = value),
  };
  return c;
}

const run = (c: FakeContext, route: () => Promise<void> = async () => undefined) => createUnreadBody()(c as unknown as BffContext, route);

describe('createUnreadBody', () => {
  it.each([
    [false, { Connection: 'close' }],
    [true, {}],
  ])('request complete: %s -> %j', async (complete, headers) => {
    const c = ctx(complete);
    await run(c);
    expect(c.headers).toEqual(headers);
    c.res.emit('finish');
    expect(c.req.socket.destroyed).toBe(false);
  });

  it('decides when the rest of the chain has answered: a body the route read keeps the connection', async () => {
    const c = ctx(false);
    await run(c, async () => {
      c.req.complete = true;
    });
    expect(c.headers).toEqual({});
  });

  it('a stream whose head is out: the socket is destroyed when the stream ends with the body unread', async () => {
    const c = ctx(false, true);
    await run(c);
    expect(c.headers).toEqual({});
    expect(c.req.socket.destroyed).toBe(false);
    c.res.emit('finish');
    expect(c.req.socket.destroyed).toBe(true);
  });

  it('a stream whose body arrived meanwhile keeps its connection', async () => {
    const c = ctx(false, true);
    await run(c);
    c.req.complete = true;
    c.res.emit('finish');
    expect(c.req.socket.destroyed).toBe(false);
  });
});
