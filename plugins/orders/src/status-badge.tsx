const TONE: Record<string, string> = { delivered: 'x-badge--ok', shipped: '', processing: 'x-badge--warn' };

export function StatusBadge({ status }: { status: string }) {
  return <span className={`x-badge ${TONE[status] ?? ''}`}>{status}</span>;
}
