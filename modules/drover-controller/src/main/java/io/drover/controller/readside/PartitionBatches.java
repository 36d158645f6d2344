package io.drover.controller.readside;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gathers writes into batches of one partition each, none larger than a byte limit. A batch
 * confined to one partition is a single mutation in Cassandra: one commit-log entry and one
 * memtable update for all its rows, and one request instead of one per row. Batches that span
 * partitions cost the coordinator more than separate requests, so they are never formed.
 *
 * @param <T> the write (a bound statement)
 */
final class PartitionBatches<T> {

  private static final class Batch<T> {
    final List<T> writes = new ArrayList<>();
    int bytes;
  }

  private final int maxBytes;
  private final Map<Object, List<Batch<T>>> byPartition = new LinkedHashMap<>();

  /** @param maxBytes the most bytes of values a batch of more than one write may carry */
  PartitionBatches(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * Adds a write to partition {@code partition} (anything with value equality: the table and its
   * partition key) carrying {@code bytes} of values.
   */
  void add(Object partition, int bytes, T write) {
    List<Batch<T>> batches = byPartition.computeIfAbsent(partition, p -> new ArrayList<>());
    Batch<T> last = batches.isEmpty() ? null : batches.get(batches.size() - 1);
    if (last == null || last.bytes + bytes > maxBytes) {
      last = new Batch<>();
      batches.add(last);
    }
    last.writes.add(write);
    last.bytes += bytes;
  }

  /** The batches, partition by partition in the order first written to; a write larger than the limit is alone. */
  List<List<T>> batches() {
    List<List<T>> all = new ArrayList<>();
    byPartition.values().forEach(batches -> batches.forEach(batch -> all.add(batch.writes)));
    return all;
  }

  /** Bytes of a text value as Cassandra stores it (UTF-8), without encoding it; 0 for null. */
  static int utf8Length(String text) {
    if (text == null) {
      return 0;
    }
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
