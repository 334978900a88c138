export { MetricSet, bucketQuantile, type Sample } from "../../testkit/metrics-text.js";
