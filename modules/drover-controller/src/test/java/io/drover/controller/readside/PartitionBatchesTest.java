package io.drover.controller.readside;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionBatchesTest {

  @Test
  void writesOfOnePartitionShareABatchAndOtherPartitionsGetTheirOwn() {
    PartitionBatches<String> batches = new PartitionBatches<>(100);
    batches.add(List.of("jobs_by_status", "q", "RUNNABLE", 0L), 10, "a");
    batches.add(List.of("jobs_by_array", "array-1"), 10, "b");
    batches.add(List.of("jobs_by_status", "q", "RUNNABLE", 0L), 10, "c");
    batches.add(List.of("jobs_by_status", "q", "STARTING", 0L), 10, "d");
    batches.add(List.of("jobs_by_array", "array-1"), 10, "e");

    assertEquals(List.of(List.of("a", "c"), List.of("b", "e"), List.of("d")), batches.batches());
  }

  @Test
  void aBatchNeverCarriesMoreThanTheLimitAndAWriteOverItGoesAlone() {
    PartitionBatches<String> batches = new PartitionBatches<>(100);
    List<Object> partition = List.of("jobs_by_status", "q", "SUCCEEDED", 20_419L);
    batches.add(partition, 60, "a");
    batches.add(partition, 40, "b");
    batches.add(partition, 1, "c");
    batches.add(partition, 250, "d");
    batches.add(partition, 30, "e");

    assertEquals(List.of(List.of("a", "b"), List.of("c"), List.of("d"), List.of("e")), batches.batches());
  }

  @Test
  void textIsMeasuredInUtf8Bytes() {
    assertEquals(0, PartitionBatches.utf8Length(null));
    assertEquals(5, PartitionBatches.utf8Length("job-1"));
    assertEquals("nuit-été-🌙".getBytes(StandardCharsets.UTF_8).length,
        PartitionBatches.utf8Length("nuit-été-🌙"));
  }
}
