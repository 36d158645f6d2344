package io.drover.agent.exec;

/** Which stream of an attempt a chunk of output came from. */
public enum OutputStream {
  STDOUT,
  STDERR
}
