import { createClient } from 'redis';
import { expect, it } from 'vitest';
import { startRedis } from '../support/redis-server.js';
it('the test Redis starts, keeps data over a restart with persist, stops', async () => {
  const r = await startRedis({ persist: true });
  const c = createClient({ url: r.url }); await c.connect();
  await c.set('k', 'v'); await c.quit();
  await r.stop(); await r.start();
  const d = createClient({ url: r.url }); await d.connect();
  expect(await d.get('k')).toBe('v'); await d.quit();
  await r.close();
});
