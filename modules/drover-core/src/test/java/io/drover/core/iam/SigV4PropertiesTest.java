package io.drover.core.iam;

import static io.drover.core.iam.SdkSigning.SIGNED_AT;
import static io.drover.core.iam.SdkSigning.SKEW;
import static io.drover.core.iam.SdkSigning.signAndReceive;
import static io.drover.core.iam.SdkSigning.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.drover.core.iam.SdkSigning.Options;
import io.drover.core.iam.SigV4.SignedRequest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner.AuthLocation;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/** Random requests signed by the SDK's own signer pass, and stop passing when any byte of the body changes. */
class SigV4PropertiesTest {

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> segment = Arbitraries.oneOf(
        Arbitraries.of("", ".", "..", "v1", "submitjob", "a~b", "%7E", "%2F", "it's", "a:b@c", "x+y", "*", "(1)", "%2E%2E"),
        Arbitraries.strings().ofMaxLength(12).map(SdkHttpUtils::urlEncode));
    return segment.list().ofMaxSize(6).map(segments -> "/" + String.join("/", segments));
  }

  @Provide
  Arbitrary<Map<String, List<String>>> queries() {
    Arbitrary<String> name = Arbitraries.oneOf(Arbitraries.of("a", "A", "_", "~", "name with space", "é"),
        Arbitraries.strings().ofMinLength(1).ofMaxLength(8).filter(n -> !n.startsWith("X-Amz-")));
    Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.of("", "1", "10", "2", "a b", "a+b", "~*'", "%", "=&"),
        Arbitraries.strings().ofMaxLength(10));
    return Arbitraries.maps(name, value.list().ofMinSize(1).ofMaxSize(3)).ofMaxSize(4);
  }

  @Provide
  Arbitrary<List<String>> headerValues() {
    return Arbitraries.strings().withChars(" \tab,;=:/\"").ofMaxLength(12).list().ofMinSize(1).ofMaxSize(3);
  }

  @Property(tries = 300)
  void whatTheSdkSignsPasses(@ForAll("paths") String path, @ForAll("queries") Map<String, List<String>> query,
                             @ForAll("headerValues") List<String> headerValues, @ForAll String body,
                             @ForAll AuthLocation location, @ForAll boolean https) {
    SignedRequest request = signAndReceive(request(path, query, headerValues, https), body, Options.header().withLocation(location));

    assertEquals(location == AuthLocation.QUERY_STRING, verify(request).presigned());
  }

  @Property(tries = 200)
  void changingAnyByteOfTheBodyIsRefused(@ForAll("paths") String path, @ForAll String body, @ForAll AuthLocation location,
                                         @ForAll @IntRange(min = 0, max = 1000) int at, @ForAll @IntRange(min = 1, max = 255) int delta) {
    String signedBody = body + "!";
    SignedRequest request = signAndReceive(request(path, Map.of(), List.of("v"), false), signedBody, Options.header().withLocation(location));
    byte[] changed = request.body().clone();
    changed[at % changed.length] += (byte) delta;
    SignedRequest tampered = new SignedRequest(request.method(), request.rawPath(), request.rawQuery(), request.headers(), changed, false);

    assertThrows(AuthenticationError.class, () -> verify(tampered));
  }

  @Property(tries = 200)
  void aRequestPassesExactlyWithinTheSkewOfItsSigningTime(@ForAll @IntRange(min = -900, max = 900) int offsetSeconds) {
    SignedRequest request = signAndReceive(request("/v1/listjobs", Map.of(), List.of("v"), false), "{}", Options.header());

    if (Math.abs(offsetSeconds) <= SKEW.toSeconds()) {
      verify(request, SIGNED_AT.plusSeconds(offsetSeconds));
    } else {
      AuthenticationError error = assertThrows(AuthenticationError.class, () -> verify(request, SIGNED_AT.plusSeconds(offsetSeconds)));
      assertEquals(AuthenticationError.INVALID_SIGNATURE, error.code());
    }
  }

  private static SdkHttpFullRequest request(String path, Map<String, List<String>> query, List<String> headerValues, boolean https) {
    return SdkHttpFullRequest.builder()
        .method(SdkHttpMethod.POST)
        .uri(URI.create((https ? "https" : "http") + "://localhost:8080"))
        .encodedPath(path)
        .rawQueryParameters(query)
        .putHeader("Content-Type", "application/x-amz-json-1.1")
        .putHeader("X-Custom", headerValues)
        .build();
  }
}
