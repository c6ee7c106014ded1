import { useEffect, useState } from 'react';
import type { PluginSdk } from '../../../src/sdk/index.js';
import type { OrderUpdate } from './types.js';

export interface LiveUpdate extends OrderUpdate {
  id: string;
  topic: string;
  at: string;
}

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'refused';

/**
 * Subscribes to the `orders` topic prefix; each event refreshes the cached order list (the
 * SDK's `api.invalidate`) and is kept (latest first) for display.
 */
export function useLiveOrders(sdk: PluginSdk, keep = 5) {
  const [updates, setUpdates] = useState<LiveUpdate[]>([]);
  const [state, setState] = useState<LiveState>('connecting');
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const sub = sdk.sse.subscribe<OrderUpdate>(['orders'], (m) => {
      const at = typeof m.ts === 'string' ? m.ts : new Date().toISOString();
      setUpdates((u) => [{ id: m.id ?? String(Date.now()), topic: m.topic, at, ...m.data }, ...u].slice(0, keep));
      setState('live');
      void sdk.api.invalidate('/api/orders');
      if (m.data?.orderId) void sdk.api.invalidate(`/api/orders/${m.data.orderId}`);
    }, {
      onOpen: () => setState('live'),
      // Events were missed (the BFF could not replay them): the list is fetched again.
      onReset: () => void sdk.api.invalidate('/api/orders'),
      onError: (error, info) => {
        setState(info.retrying ? 'reconnecting' : 'refused');
        setProblem(error.message);
        sdk.logger.warn('orders stream problem', { code: error.code, retrying: info.retrying });
      },
    });
    return () => sub.close();
  }, [sdk, keep]);

  return { updates, state, problem };
}
