/**
 * Generic signals that arrived before any task waited for them (docs/design.md §9): kept in arrival
 * order, at most `MAX_BUFFERED_SIGNALS`, until a wait task takes one.
 */

/** Most signals a definition may receive before a task waits for them. */
export const MAX_BUFFERED_SIGNALS = 100;

/** Most payload bytes (JSON characters) the buffered signals may hold together (docs/design.md §11). */
export const MAX_BUFFERED_SIGNAL_BYTES = 256 * 1024;

/** A signal that no waiting task has taken yet. */
export interface BufferedSignal {
  name: string;
  payload: unknown;
  received_at: string;
}

/** The buffered signals of one execution. */
export class SignalBuffer {
  private readonly signals: BufferedSignal[];
  private bytes = 0;

  /**
   * @param boundBytes also bound the payload bytes (`MAX_BUFFERED_SIGNAL_BYTES`); off for executions from before long life.
   * @param carried the signals a continued execution carried.
   */
  constructor(
    private readonly boundBytes = false,
    carried: readonly BufferedSignal[] = [],
  ) {
    this.signals = [...carried];
    for (const s of carried) this.bytes += sizeOf(s.payload);
  }

  /** Keeps a signal for the wait task that will take it; false, keeping nothing, when the buffer is full. */
  add(name: string, payload: unknown): boolean {
    if (this.signals.length >= MAX_BUFFERED_SIGNALS) return false;
    const size = this.boundBytes ? sizeOf(payload) : 0;
    if (this.boundBytes && this.bytes + size > MAX_BUFFERED_SIGNAL_BYTES) return false;
    this.bytes += size;
    this.signals.push({ name, payload, received_at: new Date().toISOString() });
    return true;
  }

  /** Removes and returns the oldest signal named `name` whose payload `accepts`; none if no signal does. */
  take(name: unknown, accepts: (payload: unknown) => boolean): BufferedSignal | undefined {
    const i = this.signals.findIndex((s) => s.name === name && accepts(s.payload));
    if (i < 0) return undefined;
    const [signal] = this.signals.splice(i, 1);
    if (this.boundBytes && signal !== undefined) this.bytes -= sizeOf(signal.payload);
    return signal;
  }

  /** The buffered signals, oldest first, for the next run. */
  snapshot(): BufferedSignal[] {
    return [...this.signals];
  }
}

function sizeOf(payload: unknown): number {
  return JSON.stringify(payload ?? null).length;
}
