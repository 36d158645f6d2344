package io.drover.metrics;

/**
 * Latencies a library measured itself (the Cassandra driver's request timer), exposed as a
 * summary: how many requests, and the recent 50th, 95th and 99th percentiles in seconds.
 */
public record RequestLatencies(long count, double p50, double p95, double p99) {}
