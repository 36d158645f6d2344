package io.drover.core.model;

/** Whether a job queue or compute environment takes part in scheduling. */
public enum State {
  ENABLED,
  DISABLED
}
