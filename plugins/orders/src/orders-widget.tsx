import type { PluginWidgetProps } from '../../../src/sdk/index.js';
import type { OrderList } from './types.js';
import { useLiveOrders } from './use-live-orders.js';

export function OrdersWidget({ sdk }: PluginWidgetProps) {
  const list = sdk.api.useQuery<OrderList>('/api/orders', { metric: 'orders.list' });
  const live = useLiveOrders(sdk, 1);
  const open = list.data?.orders.filter((o) => o.status !== 'delivered').length;
  const last = live.updates[0];
  return (
    <div className="x-stack" data-testid="orders-widget">
      {list.error && <p className="x-alert x-alert--error">{list.error.message}</p>}
      <div className="x-row">
        <span className="x-big" data-testid="orders-open">{open ?? '…'}</span>
        <span className="x-muted">open orders of {list.data?.orders.length ?? '…'}</span>
      </div>
      <span className="x-muted" data-testid="orders-widget-live">
        {last ? `Order ${last.orderId} is now ${last.status}` : live.state === 'live' ? 'Live: waiting for updates' : `Live: ${live.state}`}
      </span>
    </div>
  );
}
