/**
 * One redis-server for a vitest file: started before its tests; after each test the connections
 * it handed to `track` are closed, the server is started again if the test stopped it, and it is
 * emptied; stopped after all. (A module of its own: the benches use redis-server.ts outside vitest.)
 */
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startRedis, type RedisServer } from './redis-server.js';

interface Closable {
  close(): Promise<unknown>;
}

export interface SharedRedis {
  /** The file's server (after beforeAll). */
  readonly server: RedisServer;
  /** Closes `connection` after the test; returns it. */
  track<T extends Closable>(connection: T): T;
}

export function useRedisServer(): SharedRedis {
  let server: RedisServer | undefined;
  const open: Closable[] = [];
  beforeAll(async () => {
    server = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    if (!server) return;
    await server.start();
    const client = createClient({ url: server.url });
    client.on('error', () => undefined);
    await client.connect();
    await client.flushAll();
    await client.close();
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('the redis-server starts in beforeAll');
      return server;
    },
    track(connection) {
      open.push(connection);
      return connection;
    },
  };
}
