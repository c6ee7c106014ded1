import { describe, expect, it } from 'vitest';
import { parseCatalogue } from './catalogue.js';

const ALLOWED = { allow: true, plugin_recognised: true };
const REFUSED = { http_status: 403, message: 'No' };

describe('parseCatalogue', () => {
  it('reads each reason with its class; absent flags are false', () => {
    const catalogue = parseCatalogue('api', {
      allowed: ALLOWED,
      plugin_quarantined: { http_status: 403, violation: 'allowlist', plugin_recognised: true, message: 'This plugin is quarantined' },
      plugin_locked: { http_status: 423, message: 'Locked' },
      missing: REFUSED,
    });
    expect(catalogue.get('plugin_quarantined')).toEqual({
      reason: 'plugin_quarantined', allow: false, httpStatus: 403, message: 'This plugin is quarantined', violation: 'allowlist', pluginRecognised: true,
    });
    expect(catalogue.get('plugin_locked')).toMatchObject({ httpStatus: 423, pluginRecognised: false });
    expect(catalogue.get('plugin_locked')?.violation).toBeUndefined();
    expect(catalogue.get('missing')).toEqual({ reason: 'missing', allow: false, httpStatus: 403, message: 'No', pluginRecognised: false });
  });

  it('takes answers without a status where the decision is answered with 200 (authz)', () => {
    expect(parseCatalogue('authz', { granted: { allow: true }, not_granted: {} }).get('not_granted')).toEqual({
      reason: 'not_granted', allow: false, pluginRecognised: false,
    });
  });

  // Each malformed catalogue fails the load with a message naming the entrypoint and the reason.
  it.each<[string, 'api' | 'authz', unknown, RegExp]>([
    ['not an object', 'api', ['allowed'], /^experience\/api\/catalogue: expected an object/],
    ['undefined (no METADATA)', 'api', undefined, /expected an object/],
    ['a reason that is not snake_case', 'api', { allowed: ALLOWED, 'Not-Allowed': REFUSED }, /reason "Not-Allowed" is not snake_case/],
    ['an engine failure reason', 'api', { allowed: ALLOWED, evaluation_error: REFUSED }, /reason "evaluation_error" is the engine's own/],
    ['an entry that is not an object', 'api', { allowed: ALLOWED, refused: 403 }, /reason "refused" is not an object/],
    ['an unknown field (a typo)', 'api', { allowed: ALLOWED, refused: { ...REFUSED, http_satus: 404 } }, /unknown field\(s\) http_satus/],
    ['a refusal without a status', 'api', { allowed: ALLOWED, refused: { message: 'No' } }, /a refusal needs http_status/],
    ['a server error status', 'api', { allowed: ALLOWED, refused: { ...REFUSED, http_status: 503 } }, /client error \(400-499\)/],
    ['a success status', 'api', { allowed: ALLOWED, refused: { ...REFUSED, http_status: 200 } }, /client error/],
    ['a fractional status', 'api', { allowed: ALLOWED, refused: { ...REFUSED, http_status: 403.5 } }, /client error/],
    ['a status as text', 'api', { allowed: ALLOWED, refused: { ...REFUSED, http_status: '403' } }, /client error/],
    ['a refusal without a message', 'api', { allowed: ALLOWED, refused: { http_status: 403 } }, /needs a message/],
    ['markup in a message', 'api', { allowed: ALLOWED, refused: { http_status: 403, message: '<b>no</b>' } }, /needs a message/],
    ['a line break in a message', 'api', { allowed: ALLOWED, refused: { http_status: 403, message: 'a\nb' } }, /needs a message/],
    ['a message too long', 'api', { allowed: ALLOWED, refused: { http_status: 403, message: 'x'.repeat(201) } }, /needs a message/],
    ['another violation', 'api', { allowed: ALLOWED, refused: { ...REFUSED, violation: 'topic' } }, /violation must be "allowlist"/],
    ['an allow-list violation that is not a 403', 'api', { allowed: ALLOWED, refused: { http_status: 451, violation: 'allowlist', message: 'No' } }, /answered 403/],
    ['allow that is not boolean', 'api', { allowed: { allow: 'yes' }, refused: REFUSED }, /allow must be true or false/],
    ['plugin_recognised that is not boolean', 'api', { allowed: ALLOWED, refused: { ...REFUSED, plugin_recognised: 1 } }, /plugin_recognised must be/],
    ['an allow with a status', 'api', { allowed: { ...ALLOWED, http_status: 200 }, refused: REFUSED }, /only a refusal has http_status/],
    ['an answer with a status', 'authz', { granted: { allow: true }, not_granted: { http_status: 403, message: 'No' } }, /answered with 200/],
    ['no reason that allows', 'api', { refused: REFUSED }, /no reason allows/],
    ['no reason that denies', 'api', { allowed: ALLOWED }, /no reason denies/],
  ])('refuses %s', (_name, name, value, message) => {
    expect(() => parseCatalogue(name, value)).toThrow(expect.objectContaining({ code: 'policy_catalogue_invalid', message: expect.stringMatching(message) }));
  });
});
