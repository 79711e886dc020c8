/**
 * Generic signals that arrived before any task waited for them (docs/design.md §9): kept in arrival
 * order, at most `MAX_BUFFERED_SIGNALS`, until a wait task takes one.
 */

/** Most signals a definition may receive before a task waits for them. */
export const MAX_BUFFERED_SIGNALS = 100;

/** A signal that no waiting task has taken yet. */
export interface BufferedSignal {
  name: string;
  payload: unknown;
  received_at: string;
}

/** The buffered signals of one execution. */
export class SignalBuffer {
  private readonly signals: BufferedSignal[] = [];

  /** Keeps a signal for the wait task that will take it; false, keeping nothing, when the buffer is full. */
  add(name: string, payload: unknown): boolean {
    if (this.signals.length >= MAX_BUFFERED_SIGNALS) return false;
    this.signals.push({ name, payload, received_at: new Date().toISOString() });
    return true;
  }

  /** Removes and returns the oldest signal named `name` whose payload `accepts`; none if no signal does. */
  take(name: unknown, accepts: (payload: unknown) => boolean): BufferedSignal | undefined {
    const i = this.signals.findIndex((s) => s.name === name && accepts(s.payload));
    return i < 0 ? undefined : this.signals.splice(i, 1)[0];
  }
}
