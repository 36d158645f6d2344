package io.drover.core.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;
import io.drover.core.ClientError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * AWS Batch's {@code FairsharePolicy}: how a fair-share queue divides its compute between share
 * identifiers. {@link #validated} checks a policy as AWS does and fills in AWS's defaults, so a
 * stored policy has every field set.
 *
 * @param shareDecaySeconds how long past usage counts (0 to 604,800 s; 0: only current usage)
 * @param computeReservation percentage of the maximum vCPUs held back for shares not active yet (0-99)
 * @param shareDistribution weight factors by share identifier or prefix; at most 500
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FairsharePolicy(Integer shareDecaySeconds, Integer computeReservation, List<ShareAttributes> shareDistribution)
    implements CborSerializable {

  public static final int MAX_SHARE_DECAY_SECONDS = 604_800;
  public static final int MAX_COMPUTE_RESERVATION = 99;
  public static final int MAX_SHARE_DISTRIBUTION = 500;
  public static final float MIN_WEIGHT_FACTOR = 0.0001f;
  public static final float MAX_WEIGHT_FACTOR = 999.9999f;
  public static final float DEFAULT_WEIGHT_FACTOR = 1.0f;

  /** A policy with AWS's defaults: no decay, no reservation, every share weighing 1.0. */
  public static final FairsharePolicy DEFAULT = new FairsharePolicy(0, 0, List.of());

  private static final Pattern SHARE_IDENTIFIER = Pattern.compile("[A-Za-z0-9_]{1,255}\\*?");

  public FairsharePolicy {
    shareDistribution = shareDistribution == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(shareDistribution));
  }

  /**
   * The weight factor of {@code shareIdentifier}: the entry that names it exactly, else the prefix
   * entry ({@code prefix*}) with the longest prefix it starts with, else 1.0.
   */
  public double weightFactor(String shareIdentifier) {
    ShareAttributes best = null;
    int bestLength = -1;
    for (ShareAttributes entry : shareDistribution) {
      String id = entry.shareIdentifier();
      if (entry.isPrefix()) {
        int length = id.length() - 1;
        if (length > bestLength && shareIdentifier.startsWith(id.substring(0, length))) {
          best = entry;
          bestLength = length;
        }
      } else if (id.equals(shareIdentifier)) {
        return weight(entry);
      }
    }
    return best == null ? DEFAULT_WEIGHT_FACTOR : weight(best);
  }

  private static double weight(ShareAttributes entry) {
    return entry.weightFactor() == null ? DEFAULT_WEIGHT_FACTOR : entry.weightFactor();
  }

  /** {@code shareDecaySeconds}, 0 when not set. */
  public long decaySeconds() {
    return shareDecaySeconds == null ? 0 : shareDecaySeconds;
  }

  /** {@code computeReservation} as a percentage, 0 when not set. */
  public int reservationPercent() {
    return computeReservation == null ? 0 : computeReservation;
  }

  /**
   * Checks {@code policy} as AWS does, naming the bad field under {@code field}, and returns it with
   * AWS's defaults filled in ({@link #DEFAULT} when {@code policy} is null).
   */
  public static FairsharePolicy validated(FairsharePolicy policy, String field) {
    if (policy == null) {
      return DEFAULT;
    }
    int decay = policy.shareDecaySeconds() == null ? 0 : policy.shareDecaySeconds();
    ClientError.require(decay >= 0 && decay <= MAX_SHARE_DECAY_SECONDS,
        field + ".shareDecaySeconds must be from 0 to " + MAX_SHARE_DECAY_SECONDS + " (one week), not " + decay + ".");
    int reservation = policy.computeReservation() == null ? 0 : policy.computeReservation();
    ClientError.require(reservation >= 0 && reservation <= MAX_COMPUTE_RESERVATION,
        field + ".computeReservation must be from 0 to " + MAX_COMPUTE_RESERVATION + ", not " + reservation + ".");
    List<ShareAttributes> distribution = policy.shareDistribution();
    ClientError.require(distribution.size() <= MAX_SHARE_DISTRIBUTION,
        field + ".shareDistribution lists " + distribution.size() + " entries; at most " + MAX_SHARE_DISTRIBUTION
            + " are allowed.");
    Set<String> seen = new HashSet<>();
    List<ShareAttributes> filled = new ArrayList<>(distribution.size());
    for (int i = 0; i < distribution.size(); i++) {
      ShareAttributes entry = distribution.get(i);
      String path = field + ".shareDistribution[" + i + "]";
      ClientError.require(entry != null, path + " is empty.");
      String id = ClientError.required(entry.shareIdentifier(), path + ".shareIdentifier");
      ClientError.require(SHARE_IDENTIFIER.matcher(id).matches(),
          path + ".shareIdentifier '" + id + "' is invalid: use 1-255 letters, numbers and underscores, "
              + "optionally followed by * for a prefix.");
      ClientError.require(seen.add(id), path + ".shareIdentifier '" + id + "' is listed twice; each must be unique.");
      float weight = entry.weightFactor() == null ? DEFAULT_WEIGHT_FACTOR : entry.weightFactor();
      ClientError.require(weight >= MIN_WEIGHT_FACTOR && weight <= MAX_WEIGHT_FACTOR,
          path + ".weightFactor must be from 0.0001 to 999.9999, not " + entry.weightFactor() + ".");
      filled.add(new ShareAttributes(id, weight));
    }
    return new FairsharePolicy(decay, reservation, filled);
  }
}
