const NAME = /^[A-Za-z0-9._@:-]{1,128}$/;

/** User ids and role names accepted from identity providers. */
export function isValidName(value: unknown): value is string {
  return typeof value === 'string' && NAME.test(value);
}
