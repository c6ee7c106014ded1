import { describe, expect, it } from 'vitest';
import type { BffContext } from '../../state.js';
import { createUnreadBody } from './index.js';

function ctx(complete: boolean): BffContext & { headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  return { req: { complete }, headers, set: (name: string, value: string) => void (headers[name] = value) } as never;
}

describe('createUnreadBody', () => {
  it.each([
    [false, { Connection: 'close' }],
    [true, {}],
  ])('request complete: %s -> %j', async (complete, headers) => {
    const c = ctx(complete);
    await createUnreadBody()(c, async () => undefined);
    expect(c.headers).toEqual(headers);
  });

  it('decides when the rest of the chain has answered: a body the route read keeps the connection', async () => {
    const c = ctx(false);
    await createUnreadBody()(c, async () => {
      (c.req as { complete: boolean }).complete = true;
    });
    expect(c.headers).toEqual({});
  });
});
