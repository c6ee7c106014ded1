/** The slice of a pino-style logger the reloader needs; pino's Logger satisfies it. */
export interface ReloadLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: ReloadLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
