package io.drover.core.job;

import io.drover.core.CborSerializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an array job has durably learned about its children: whether they all exist yet, and which
 * have finished and how. Finished children are a bitmap (a bit per index), so a 10,000-child
 * array's state stays a few kilobytes.
 *
 * @param finishedBits bit {@code i} set once child {@code i} finished
 */
public record ArrayProgress(int size, boolean expanded, int succeeded, int failed, List<Long> finishedBits)
    implements CborSerializable {

  public ArrayProgress {
    finishedBits = finishedBits == null ? List.of() : List.copyOf(finishedBits);
  }

  public static ArrayProgress of(int size) {
    return new ArrayProgress(size, false, 0, 0, List.of());
  }

  public boolean finished(int index) {
    int word = index / 64;
    return word < finishedBits.size() && (finishedBits.get(word) & (1L << (index % 64))) != 0;
  }

  public boolean allFinished() {
    return succeeded + failed == size;
  }

  ArrayProgress withExpanded() {
    return new ArrayProgress(size, true, succeeded, failed, finishedBits);
  }

  /** Records outcomes (true: SUCCEEDED) of children not recorded yet. */
  ArrayProgress withFinished(Map<Integer, Boolean> outcomes) {
    List<Long> bits = new ArrayList<>(finishedBits);
    while (bits.size() < (size + 63) / 64) {
      bits.add(0L);
    }
    int ok = succeeded;
    int bad = failed;
    for (var outcome : outcomes.entrySet()) {
      int index = outcome.getKey();
      long mask = 1L << (index % 64);
      long word = bits.get(index / 64);
      if ((word & mask) == 0) {
        bits.set(index / 64, word | mask);
        if (outcome.getValue()) {
          ok++;
        } else {
          bad++;
        }
      }
    }
    return new ArrayProgress(size, expanded, ok, bad, bits);
  }
}
