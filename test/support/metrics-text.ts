export { MetricSet, bucketQuantile, type Sample } from "../../scripts/lib/metrics-text.js";
