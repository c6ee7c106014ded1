import { useState, type FormEvent } from 'react';
import type { PluginSdk } from '../../../src/sdk/index.js';
import { StatusBadge } from './status-badge.js';
import type { Order } from './types.js';

/** One order with its notes; adding a note is a POST the allow-list permits, timed by telemetry. */
export function OrderDetail({ sdk, id }: { sdk: PluginSdk; id: string }) {
  const order = sdk.api.useQuery<Order>(`/api/orders/${encodeURIComponent(id)}`);
  const [text, setText] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function addNote(e: FormEvent) {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      // Telemetry example: the POST is timed and sent as the metric `orders.note.save` (ms).
      await sdk.telemetry.time('orders.note.save', () =>
        sdk.api.json(`/api/orders/${encodeURIComponent(id)}/notes`, { method: 'POST', json: { text } }),
      );
      sdk.telemetry.event('orders.note_added', { orderId: id });
      setText('');
      await sdk.api.invalidate(`/api/orders/${encodeURIComponent(id)}`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setSaving(false);
    }
  }

  if (order.isLoading) return <p className="x-muted">Loading order {id}…</p>;
  if (order.error) return <p className="x-alert x-alert--error">{order.error.message}</p>;
  if (!order.data) return null;
  return (
    <div className="x-card x-stack" data-testid="order-detail">
      <div className="x-row">
        <h2>Order {order.data.id}</h2>
        <StatusBadge status={order.data.status} />
      </div>
      <div>{order.data.item}</div>
      <ul className="x-list" data-testid="order-notes">
        {order.data.notes.length === 0 && <li className="x-muted">No notes yet.</li>}
        {order.data.notes.map((n, i) => <li key={i}>{n}</li>)}
      </ul>
      <form className="x-row" onSubmit={(e) => void addNote(e)}>
        <input className="x-input" value={text} onChange={(e) => setText(e.target.value)} placeholder="Add a note" maxLength={500} aria-label="Note" />
        <button type="submit" className="x-btn x-btn--primary" disabled={saving || text.trim() === ''}>Add note</button>
      </form>
      {error && <p className="x-alert x-alert--error">{error}</p>}
    </div>
  );
}
