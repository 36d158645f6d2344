/** Benchmarks that drive a running Drover through the AWS SDK. */
package io.drover.loadtest;
