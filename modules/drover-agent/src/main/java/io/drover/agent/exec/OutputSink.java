package io.drover.agent.exec;

/**
 * Receives an attempt's output as it is produced. Called from executor threads, in order per stream
 * and never concurrently for one execution. Implementations should be quick and must not block for
 * long: a slow sink holds up reading the attempt's output.
 */
@FunctionalInterface
public interface OutputSink {

  /** Takes ownership of {@code data}, which the executor does not touch again. */
  void accept(OutputStream stream, byte[] data);
}
