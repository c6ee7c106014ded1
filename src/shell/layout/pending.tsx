export interface PendingProps {
  /** What is loading, in the user's words: "Loading Experience…", "Loading the page…". */
  label?: string;
  /** A page-level wait gets the page's level-one heading, so the outline never lacks one; a part of a page does not. */
  level?: 'page' | 'part';
}

/** What the shell shows while it waits; a status region, so screen readers announce it politely. */
export function Pending({ label = 'Loading…', level = 'page' }: PendingProps) {
  if (level === 'part') return <p className="x-muted" role="status" data-testid="pending">{label}</p>;
  return (
    <div className="page" role="status" data-testid="pending">
      <h1 className="pending">{label}</h1>
    </div>
  );
}
