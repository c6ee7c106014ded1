const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const TITLES: Record<number, string> = { 400: 'Sign-in failed', 401: 'Sign-in failed', 403: 'Not allowed', 404: 'Not found', 502: 'The sign-in service is unavailable' };

/**
 * The error page of a browser navigation (/auth/login, /auth/callback): the message, the stable
 * code, and a way back. No script, no inline style (the CSP stays as strict as everywhere).
 */
export function errorPage(status: number, code: string, message: string): string {
  const title = TITLES[status] ?? 'Something went wrong';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
<p>Code: <code data-code="${escapeHtml(code)}">${escapeHtml(code)}</code></p>
<p><a href="/signin">Back to sign-in</a></p>
</main>
</body>
</html>
`;
}
