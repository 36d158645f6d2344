package io.drover.protocol;

/** Cluster roles. A node may carry both, as {@code ./drover dev} does. */
public final class Roles {

  /** Hosts shards (jobs, queues), singletons (control plane, scheduler), projections and the HTTP API. */
  public static final String CONTROLLER = "controller";

  /** Runs one node agent; hosts no shards. */
  public static final String AGENT = "agent";

  private Roles() {}
}
