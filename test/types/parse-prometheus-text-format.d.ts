/** Types of `parse-prometheus-text-format` (the package ships none): prom2json-shaped families. */
declare module 'parse-prometheus-text-format' {
  /** One sample; histograms and summaries carry `buckets` / `quantiles` instead of `value`. */
  export interface PrometheusSample {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  /** One metric family. */
  export interface PrometheusFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: PrometheusSample[];
  }
  /** Parses Prometheus' text exposition format. */
  export default function parsePrometheusTextFormat(text: string): PrometheusFamily[];
}
