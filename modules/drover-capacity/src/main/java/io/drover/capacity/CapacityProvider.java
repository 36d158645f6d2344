package io.drover.capacity;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where a managed compute environment's hosts come from: launches instances, terminates them and lists
 * the ones it launched. It decides nothing (how many of what, and when to give hosts back, is the
 * capacity planner's), and holds no actors: every call returns at once and completes its stage on the
 * provider's own executor, so an actor can {@code pipeToSelf} the result.
 *
 * <p>{@link #launch} reports EC2's refusals in its result, classified by {@link ErrorKind}, and
 * completes exceptionally only on a bug. The other calls fail their stage with a
 * {@link CapacityException} that carries the same classification.
 */
public interface CapacityProvider extends AutoCloseable {

  /** A short name for logs and status reasons: {@code ec2}, {@code simulated}, {@code local}. */
  String name();

  /**
   * Launches up to {@link LaunchRequest#count()} instances of the request's types, preferring the
   * first. The result lists the instances launched (maybe fewer than asked, maybe none) and the
   * errors met on the way.
   */
  CompletionStage<LaunchResult> launch(LaunchRequest request);

  /**
   * Terminates these instances; ids the provider does not know are listed as not found, not failed.
   *
   * @param reason why, for the log (for example "idle for 10m" or "never joined the cluster")
   */
  CompletionStage<TerminationResult> terminate(List<String> instanceIds, String reason);

  /** The provider's pending and running instances of this compute environment. */
  CompletionStage<List<ManagedInstance>> instances(String computeEnvironment);

  /**
   * The shapes of these instance types, in the order given. A family name (no dot, such as
   * {@code c5}) stands for the family's sizes, smallest first, and AWS Batch's keywords for families
   * ({@link InstanceTypes#withoutKeywords}); a type named twice is listed once.
   */
  CompletionStage<List<InstanceShape>> instanceTypes(List<String> typesOrFamilies);

  /** Releases the provider's clients; instances keep running. */
  @Override
  void close();
}
