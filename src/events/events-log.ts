/**
 * How the NATS parts log: a function, so the worker (console) and the API (pino) both plug in.
 */

export type EventsLog = (level: 'info' | 'warn' | 'error', message: string, error?: unknown) => void;

/** Anything with pino's `info`/`warn`/`error` (Fastify's logger). */
export interface PinoLike {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export function logToPino(logger: PinoLike): EventsLog {
  return (level, message, error) => logger[level](error === undefined ? {} : { err: error }, message);
}

/** Console lines for processes without a structured logger (the worker entry). */
export function logToConsole(minimum: 'info' | 'warn' | 'error' = 'info'): EventsLog {
  const rank = { info: 0, warn: 1, error: 2 } as const;
  return (level, message, error) => {
    if (rank[level] < rank[minimum]) return;
    const line = error === undefined ? message : `${message}: ${error instanceof Error ? error.message : JSON.stringify(error)}`;
    if (level === 'info') console.log(line);
    else console.error(line);
  };
}
