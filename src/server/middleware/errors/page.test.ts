import { describe, expect, it } from 'vitest';
import { errorPage } from './page.js';

describe('errorPage', () => {
  it('names the stable code and a way back, titled by status', () => {
    const html = errorPage(401, 'login_state_missing', 'Start again');
    expect(html).toContain('<title>Sign-in failed</title>');
    expect(html).toContain('<code data-code="login_state_missing">login_state_missing</code>');
    expect(html).toContain('<a href="/signin">');
    expect(errorPage(599, 'x', 'y')).toContain('<h1>Something went wrong</h1>');
  });

  it('escapes the message and code, and carries no script or inline style', () => {
    const html = errorPage(400, 'a"><script>', `<img src=x onerror=alert(1)> & 'quoted'`);
    expect(html).not.toMatch(/<script|<img|onerror=alert\(1\)>|style=/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &#39;quoted&#39;');
    expect(html).toContain('data-code="a&quot;&gt;&lt;script&gt;"');
  });
});
