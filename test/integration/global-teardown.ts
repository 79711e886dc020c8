/**
 * Stops the dev server the global setup started (nothing when an external server was used).
 */
import { takeSharedDevServer } from './harness/shared-dev-server';

export default async function globalTeardown(): Promise<void> {
  await takeSharedDevServer()?.stop();
}
