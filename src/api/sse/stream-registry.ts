/**
 * The server-sent event streams one API process has open: the cap on how many it accepts
 * (`CADENZA_SSE_MAX_STREAMS`), a gauge of how many run, and the switch that stops them all when the
 * server closes. A stream counts from the moment it is admitted (before its first journal page) until
 * its polling loop has returned, so the gauge is the number of loops that may still query Temporal.
 */
import { DEFAULT_SSE_MAX_STREAMS } from '../../config';
import { StreamLimitReached } from '../../errors/problems';

/** Why a stream stopped: its client went away, or the server is closing. */
export type StreamStopReason = 'client_gone' | 'server_closing';

/** One admitted stream: its stop signal, and the slot it holds until released. */
export class OpenStream {
  private readonly controller = new AbortController();
  private released = false;

  /** @internal Created by `StreamRegistry.admit`. */
  constructor(private readonly onRelease: (stream: OpenStream) => void) {}

  /** Aborted (with the `StreamStopReason` as its reason) once the stream must stop. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the stream was told to stop. */
  get stopped(): boolean {
    return this.controller.signal.aborted;
  }

  /** Why the stream stopped, once it did. */
  get reason(): StreamStopReason | undefined {
    return this.stopped ? (this.controller.signal.reason as StreamStopReason) : undefined;
  }

  /** Tells the stream to stop; the first reason wins. */
  stop(reason: StreamStopReason): void {
    if (!this.stopped) this.controller.abort(reason);
  }

  /** Frees the stream's slot; call once its loop returned. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.stop('client_gone');
    this.onRelease(this);
  }
}

/** Options of a `StreamRegistry`. */
export interface StreamRegistryOptions {
  /** Most streams open at once (default `DEFAULT_SSE_MAX_STREAMS`). */
  maxStreams?: number;
}

/** Admits, counts and stops the event streams of one API process. */
export class StreamRegistry {
  /** The cap on open streams. */
  readonly maxStreams: number;
  private readonly streams = new Set<OpenStream>();
  private closing = false;

  constructor(options: StreamRegistryOptions = {}) {
    this.maxStreams = options.maxStreams ?? DEFAULT_SSE_MAX_STREAMS;
  }

  /** Gauge: streams admitted and not yet released (each is a polling loop that may still run). */
  get active(): number {
    return this.streams.size;
  }

  /**
   * Admits a new stream. Throws `StreamLimitReached` when `maxStreams` are open. Once the registry
   * is closing, the stream is admitted already stopped, so it ends at once like every other.
   */
  admit(): OpenStream {
    if (this.streams.size >= this.maxStreams) throw new StreamLimitReached(this.maxStreams);
    const stream = new OpenStream((s) => this.streams.delete(s));
    this.streams.add(stream);
    if (this.closing) stream.stop('server_closing');
    return stream;
  }

  /** Stops every open stream, and every stream admitted from now on (the server is closing). */
  closeAll(): void {
    this.closing = true;
    for (const stream of this.streams) stream.stop('server_closing');
  }
}
