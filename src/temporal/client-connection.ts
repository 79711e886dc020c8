/**
 * The one way Cadenza opens a client connection to Temporal (the API, the worker's event publishing,
 * `npm start`, the tests and the bench).
 *
 * `@temporalio/client` 1.24 means to accept replies up to 128 MB, but sets that under
 * `max_receive_message_length`, a key grpc-js does not read (it reads
 * `grpc.max_receive_message_length`), so every reply over grpc-js' default of 4 MiB fails with
 * RESOURCE_EXHAUSTED. An execution may hold more than that in one run — ten 450 KB outputs, each under
 * the task output limit (docs/design.md §11) — and then its execution view, a task context or a
 * history page is such a reply.
 */
import { Connection, type ConnectionOptions } from '@temporalio/client';

/** Largest reply a Cadenza client takes from Temporal: the 128 MB the SDK intends. */
export const CLIENT_MAX_RECEIVE_BYTES = 128 * 1024 * 1024;

/** `options` with the receive limit set under the key grpc-js reads; a caller's own channel args win. */
export function clientConnectionOptions(options: ConnectionOptions = {}): ConnectionOptions {
  return { ...options, channelArgs: { 'grpc.max_receive_message_length': CLIENT_MAX_RECEIVE_BYTES, ...options.channelArgs } };
}

/** `Connection.connect` with `clientConnectionOptions`. */
export function connectTemporal(options: ConnectionOptions = {}): Promise<Connection> {
  return Connection.connect(clientConnectionOptions(options));
}
