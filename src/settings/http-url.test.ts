import { describe, expect, it } from 'vitest';
import { readHttpUrl } from './http-url.js';

describe('readHttpUrl', () => {
  it('reads an http or https URL', () => {
    expect(readHttpUrl('X_URL', 'https://collector.internal/logs').href).toBe('https://collector.internal/logs');
    expect(readHttpUrl('X_URL', 'http://127.0.0.1:8181').port).toBe('8181');
  });

  it.each([
    ['not a url', 'X_URL is not a URL: "not a url"'],
    ['ftp://files.internal/', 'X_URL must be http:// or https://'],
    ['file:///etc/passwd', 'X_URL must be http:// or https://'],
    ['https://user:secret@collector.internal/', 'X_URL must not carry credentials (X_TOKEN sends a bearer token)'],
    ['https://user@collector.internal/', 'X_URL must not carry credentials (X_TOKEN sends a bearer token)'],
  ])('refuses %s, naming the setting', (raw, message) => {
    expect(() => readHttpUrl('X_URL', raw, 'X_TOKEN sends a bearer token')).toThrow(message);
  });
});
