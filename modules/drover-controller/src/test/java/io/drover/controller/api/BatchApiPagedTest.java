package io.drover.controller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.ClientError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Name-ordered pagination of the Describe operations. */
class BatchApiPagedTest {

  private static final List<String> NAMES =
      IntStream.range(0, 250).mapToObj(i -> String.format("queue-%03d", i)).toList();

  @Test
  void pagesReturnEveryNameOnceInOrder() {
    List<String> shuffled = new ArrayList<>(NAMES);
    Collections.shuffle(shuffled, new Random(7));

    List<String> seen = new ArrayList<>();
    List<Integer> pageSizes = new ArrayList<>();
    String token = null;
    do {
      BatchApi.Paged<String> page = BatchApi.Paged.of(shuffled, Function.identity(), 100, token);
      seen.addAll(page.items());
      pageSizes.add(page.items().size());
      token = page.nextToken();
    } while (token != null);

    assertEquals(NAMES, seen);
    assertEquals(List.of(100, 100, 50), pageSizes);
  }

  @Test
  void aPageThatHoldsTheRestHasNoToken() {
    BatchApi.Paged<String> all = BatchApi.Paged.of(NAMES.subList(0, 100), Function.identity(), 100, null);

    assertEquals(NAMES.subList(0, 100), all.items());
    assertNull(all.nextToken(), "no empty last page");
  }

  @Test
  void maxResultsDefaultsTo100() {
    BatchApi.Paged<String> first = BatchApi.Paged.of(NAMES, Function.identity(), null, null);

    assertEquals(NAMES.subList(0, 100), first.items());
    assertNotNull(first.nextToken());
  }

  @Test
  void aListingOfNothingIsOneEmptyPage() {
    BatchApi.Paged<String> page = BatchApi.Paged.of(List.of(), Function.identity(), 10, null);

    assertTrue(page.items().isEmpty());
    assertNull(page.nextToken());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 101})
  void maxResultsOutsideOneTo100IsAClientError(int maxResults) {
    ClientError error = assertThrows(ClientError.class, () -> BatchApi.Paged.of(NAMES, Function.identity(), maxResults, null));

    assertEquals("maxResults must be from 1 to 100, not " + maxResults + ".", error.getMessage());
  }

  @Test
  void aTokenThatIsNotOursIsAClientError() {
    ClientError error = assertThrows(ClientError.class, () -> BatchApi.Paged.of(NAMES, Function.identity(), 100, "not a token!"));

    assertTrue(error.getMessage().contains("nextToken 'not a token!'"), error.getMessage());
  }
}
