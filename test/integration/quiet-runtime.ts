/**
 * Keeps the SDK's own logs (worker state, bundling) out of test output unless something goes wrong.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger(process.env.CADENZA_TEST_SDK_LOG_LEVEL === 'debug' ? 'DEBUG' : 'ERROR') });
