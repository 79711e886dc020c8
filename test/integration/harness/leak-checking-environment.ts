/**
 * The integration tests' Jest environment: Node's, and after a test file's last hook it fails the
 * file if a Temporal worker it started is still registered (see ./leak-guard.ts), naming where the
 * worker was created. A leaked worker keeps polling and keeps Jest from exiting.
 */
import { TestEnvironment } from 'jest-environment-node';
import { liveWorkers } from './leaked-workers';

export default class LeakCheckingEnvironment extends TestEnvironment {
  override async teardown(): Promise<void> {
    const leaked = [...liveWorkers(this.global).values()];
    await super.teardown();
    if (leaked.length > 0) {
      throw new Error(`${leaked.length} Temporal worker(s) still running after the test file's last hook; shut them down in afterAll:\n  ${leaked.join('\n  ')}`);
    }
  }
}
