/**
 * The worker's observability (docs/design.md §12): the Temporal SDK Runtime exports its own metrics
 * (workflow and activity task latencies, poll results, sticky cache, …) for Prometheus on
 * `CADENZA_WORKER_METRICS`, and Cadenza's worker metrics go through the same Runtime meter, so one
 * scrape of `http://<CADENZA_WORKER_METRICS>/metrics` has both. Activity log lines carry `execution_id`.
 */
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, ActivityOutboundCallsInterceptor, RuntimeOptions } from '@temporalio/worker';
import { Runtime } from '@temporalio/worker';
import type { MetricHistogram } from '@temporalio/common';
import type { JournalEvent } from '../workflows/events';
import type { ObservabilityConfig } from './observability-config';

/** `Runtime.install` telemetry options for `config`: a Prometheus endpoint when `CADENZA_WORKER_METRICS` is set. */
export function runtimeTelemetry(config: Pick<ObservabilityConfig, 'CADENZA_WORKER_METRICS'>): Pick<RuntimeOptions, 'telemetryOptions'> {
  const bindAddress = config.CADENZA_WORKER_METRICS;
  if (bindAddress === undefined) return {};
  return { telemetryOptions: { metrics: { prometheus: { bindAddress, useSecondsForDurations: true } } } };
}

/**
 * Time from a journal event's workflow time to its acknowledged publish on NATS, in milliseconds
 * (`cadenza_event_publish_lag` on the worker's metrics endpoint). Created on first use, after
 * `Runtime.install`.
 */
export class EventPublishLag {
  private histogram: MetricHistogram | undefined;

  /** Records one published event. */
  readonly observe = (event: Pick<JournalEvent, 'time' | 'type'>): void => {
    const lag = Date.now() - Date.parse(event.time);
    if (!Number.isFinite(lag)) return;
    this.histogram ??= Runtime.instance().metricMeter.createHistogram('cadenza_event_publish_lag', 'int', 'ms', 'Journal event time to its acknowledged publish on NATS');
    this.histogram.record(Math.max(0, Math.round(lag)), { event_type: event.type });
  };
}

/** Puts `execution_id` (the workflow id) on every log line an activity writes. */
export const executionIdLogAttributes: ActivityInterceptorsFactory = (ctx) => {
  const executionId = ctx.info.workflowExecution?.workflowId;
  const outbound: ActivityOutboundCallsInterceptor = {
    getLogAttributes: (input, next) => next(executionId === undefined ? input : { ...input, execution_id: executionId }),
  };
  const inbound: ActivityInboundCallsInterceptor = {};
  return { inbound, outbound };
};
