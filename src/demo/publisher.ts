/**
 * The demo publisher: every few seconds an `orders.updated` event through the authenticated
 * publish endpoint, as a real service would send it.
 */
import { advanceOrder } from './upstream.js';

export interface Publisher {
  stop(): void;
}

export function startDemoPublisher(options: { bffUrl: string; token: string; tenant: string; intervalMs: number; log: (msg: string) => void }): Publisher {
  const publish = async () => {
    const order = advanceOrder();
    try {
      const res = await fetch(new URL('/events/publish', options.bffUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tenant: options.tenant, topic: 'orders.updated', data: { orderId: order.id, status: order.status } }),
        signal: AbortSignal.timeout(5000),
      });
      if (res.status !== 202) options.log(`demo publisher: publish answered ${res.status}`);
    } catch (error) {
      options.log(`demo publisher: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const timer = setInterval(() => void publish(), options.intervalMs);
  return { stop: () => clearInterval(timer) };
}
