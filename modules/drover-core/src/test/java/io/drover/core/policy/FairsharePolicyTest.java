package io.drover.core.policy;

import static io.drover.core.Fixtures.JSON;
import static io.drover.core.Fixtures.assertRejected;
import static io.drover.core.Fixtures.roundTrip;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FairsharePolicyTest {

  private static FairsharePolicy distribution(ShareAttributes... entries) {
    return new FairsharePolicy(null, null, List.of(entries));
  }

  private static ShareAttributes share(String id, Float weight) {
    return new ShareAttributes(id, weight);
  }

  @Test
  void anExactEntryWinsOverEveryPrefix() {
    FairsharePolicy policy = distribution(share("team*", 4f), share("team_a*", 2f), share("team_a1", 0.5f));

    assertEquals(0.5, policy.weightFactor("team_a1"));
  }

  @Test
  void theLongestMatchingPrefixWins() {
    FairsharePolicy policy = distribution(share("team*", 4f), share("team_a*", 2f), share("t*", 8f));

    assertEquals(2.0, policy.weightFactor("team_a7"));
    assertEquals(4.0, policy.weightFactor("team_b"));
    assertEquals(8.0, policy.weightFactor("tools"));
  }

  @Test
  void aPrefixMatchesTheBarePrefixToo() {
    assertEquals(3.0, distribution(share("team*", 3f)).weightFactor("team"));
  }

  @Test
  void anExactEntryDoesNotMatchLongerShares() {
    assertEquals(1.0, distribution(share("team", 3f)).weightFactor("team_a"));
  }

  @Test
  void aShareNotListedAndAnEntryWithoutWeightWeighOne() {
    FairsharePolicy policy = distribution(share("gpu", null), share("cpu", 0.25f));

    assertEquals(1.0, policy.weightFactor("other"));
    assertEquals(1.0, policy.weightFactor("gpu"));
    assertEquals(0.25, policy.weightFactor("cpu"));
    assertEquals(1.0, new FairsharePolicy(null, null, null).weightFactor("any"));
  }

  @Test
  void decayAndReservationDefaultToZero() {
    FairsharePolicy unset = new FairsharePolicy(null, null, null);
    assertEquals(0, unset.decaySeconds());
    assertEquals(0, unset.reservationPercent());

    FairsharePolicy set = new FairsharePolicy(3600, 25, null);
    assertEquals(3600, set.decaySeconds());
    assertEquals(25, set.reservationPercent());
  }

  @Test
  void validationFillsInAwsDefaults() {
    assertEquals(FairsharePolicy.DEFAULT, FairsharePolicy.validated(null, "fairsharePolicy"));
    assertEquals(new FairsharePolicy(0, 0, List.of(share("a", 1f), share("b*", 0.5f))),
        FairsharePolicy.validated(distribution(share("a", null), share("b*", 0.5f)), "fairsharePolicy"));
  }

  @Test
  void validationAcceptsTheBounds() {
    FairsharePolicy policy = new FairsharePolicy(604_800, 99, List.of(share("low", 0.0001f), share("high", 999.9999f),
        share("x".repeat(255) + "*", 1f)));

    assertEquals(policy, FairsharePolicy.validated(policy, "fairsharePolicy"));
    assertEquals(new FairsharePolicy(0, 0, List.of()),
        FairsharePolicy.validated(new FairsharePolicy(0, 0, List.of()), "fairsharePolicy"));
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 604_801})
  void shareDecaySecondsOutsideOneWeekIsRejected(int seconds) {
    assertRejected(() -> FairsharePolicy.validated(new FairsharePolicy(seconds, null, null), "fairsharePolicy"),
        "fairsharePolicy.shareDecaySeconds must be from 0 to 604800", Integer.toString(seconds));
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 100})
  void computeReservationOutside0To99IsRejected(int reservation) {
    assertRejected(() -> FairsharePolicy.validated(new FairsharePolicy(null, reservation, null), "fairsharePolicy"),
        "fairsharePolicy.computeReservation must be from 0 to 99", Integer.toString(reservation));
  }

  @Test
  void weightFactorsOutsideAwsRangeAreRejectedNamingTheEntry() {
    assertRejected(() -> FairsharePolicy.validated(distribution(share("a", 1f), share("b", 1f), share("c", 0f)),
        "fairsharePolicy"), "fairsharePolicy.shareDistribution[2].weightFactor must be from 0.0001 to 999.9999");
    assertRejected(() -> FairsharePolicy.validated(distribution(share("a", 1000f)), "fairsharePolicy"),
        "fairsharePolicy.shareDistribution[0].weightFactor");
    assertRejected(() -> FairsharePolicy.validated(distribution(share("a", Float.NaN)), "fairsharePolicy"),
        "fairsharePolicy.shareDistribution[0].weightFactor");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "*", "team-a", "a**", "a*b", "with space", "ünïcode"})
  void invalidShareIdentifiersAreRejected(String id) {
    assertRejected(() -> FairsharePolicy.validated(distribution(share(id, 1f)), "fairsharePolicy"),
        "fairsharePolicy.shareDistribution[0].shareIdentifier");
  }

  @Test
  void aShareIdentifierOf256CharactersIsRejected() {
    assertRejected(() -> FairsharePolicy.validated(distribution(share("x".repeat(256), 1f)), "fairsharePolicy"),
        "fairsharePolicy.shareDistribution[0].shareIdentifier");
  }

  @Test
  void shareIdentifiersMustBeUniqueAndPresent() {
    assertRejected(() -> FairsharePolicy.validated(distribution(share("a", 1f), share("b*", 1f), share("b*", 2f)),
        "fairsharePolicy"), "fairsharePolicy.shareDistribution[2].shareIdentifier 'b*' is listed twice");
    assertRejected(() -> FairsharePolicy.validated(distribution(share(null, 1f)), "fairsharePolicy"),
        "fairsharePolicy.shareDistribution[0].shareIdentifier is required");
    assertRejected(() -> FairsharePolicy.validated(new FairsharePolicy(null, null, Arrays.asList(share("a", 1f), null)),
        "fairsharePolicy"), "fairsharePolicy.shareDistribution[1] is empty");
  }

  @Test
  void atMost500SharesAreAllowed() {
    List<ShareAttributes> shares = new ArrayList<>(IntStream.range(0, 500).mapToObj(i -> share("s" + i, 1f)).toList());
    assertEquals(500, FairsharePolicy.validated(new FairsharePolicy(null, null, shares), "p").shareDistribution().size());

    shares.add(share("one_more", 1f));
    assertRejected(() -> FairsharePolicy.validated(new FairsharePolicy(null, null, shares), "fairsharePolicy"),
        "fairsharePolicy.shareDistribution lists 501 entries; at most 500");
  }

  @Test
  void aPolicySurvivesAJsonRoundTripWithOnlyAwsFields() {
    SchedulingPolicy policy = new SchedulingPolicy("fair", "arn:aws:batch:us-east-1:123456789012:scheduling-policy/fair",
        FairsharePolicy.validated(distribution(share("team*", 0.5f)), "fairsharePolicy"), Map.of("k", "v"));

    assertEquals(policy, roundTrip(policy, SchedulingPolicy.class));
    JsonNode entry = JSON.valueToTree(policy).path("fairsharePolicy").path("shareDistribution").path(0);
    List<String> fields = new ArrayList<>();
    entry.fieldNames().forEachRemaining(fields::add);
    assertEquals(List.of("shareIdentifier", "weightFactor"), fields);
  }
}
