import { useEffect, useState } from 'react';
import type { AuthzDecision, PluginComponentProps } from '../../../src/sdk/index.js';
import { LiveFeed } from './live-feed.js';
import { OrderDetail } from './order-detail.js';
import { StatusBadge } from './status-badge.js';
import type { Catalog, OrderList } from './types.js';
import { useLiveOrders } from './use-live-orders.js';

export function OrdersPage({ sdk }: PluginComponentProps) {
  // Telemetry example: `metric` times every fetch of the list as `orders.list` (ms).
  const list = sdk.api.useQuery<OrderList>('/api/orders', { metric: 'orders.list' });
  const catalog = sdk.api.useQuery<Catalog>('/api/catalog');
  const live = useLiveOrders(sdk);
  const [selected, setSelected] = useState<string | null>(null);
  const [widgetAccess, setWidgetAccess] = useState<AuthzDecision | null>(null);

  useEffect(() => {
    let stale = false;
    sdk.authz.evaluate('orders.widget', 'view').then(
      (d) => { if (!stale) setWidgetAccess(d); },
      (e: unknown) => sdk.logger.warn('authz.evaluate failed', { error: String(e) }),
    );
    return () => { stale = true; };
  }, [sdk]);

  return (
    <section className="x-stack" data-testid="orders-page">
      <h1>Orders</h1>
      <div className="x-card">
        {list.isLoading && <p className="x-muted">Loading orders…</p>}
        {list.error && <p className="x-alert x-alert--error">{list.error.message}</p>}
        {list.data && (
          <table className="x-table" data-testid="orders-table">
            <thead><tr><th>Order</th><th>Item</th><th>Status</th></tr></thead>
            <tbody>
              {list.data.orders.map((o) => (
                <tr key={o.id} className={o.id === selected ? 'is-selected' : ''} data-testid="order-row">
                  <td><button type="button" className="x-btn" onClick={() => setSelected(o.id)}>{o.id}</button></td>
                  <td>{o.item}</td>
                  <td><StatusBadge status={o.status} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div className="x-grid">
        <div className="x-card"><LiveFeed {...live} /></div>
        {selected ? <OrderDetail sdk={sdk} id={selected} /> : <div className="x-card x-muted">Pick an order to see its notes.</div>}
      </div>
      <div className="x-card x-stack">
        <h2>Catalog</h2>
        <div className="x-row" data-testid="orders-catalog">
          {catalog.data?.items.map((c) => <span key={c} className="x-badge">{c}</span>)}
          {catalog.error && <span className="x-alert x-alert--error">{catalog.error.message}</span>}
        </div>
        <span className="x-muted" data-testid="orders-authz">
          {widgetAccess === null
            ? 'Checking whether your dashboard shows the orders widget…'
            : widgetAccess.allow
              ? 'You see the orders widget on your dashboard.'
              : 'You do not see the orders widget on your dashboard: your account has not been given it.'}
        </span>
      </div>
    </section>
  );
}
