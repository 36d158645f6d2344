package io.drover.core.iam;

import static io.drover.core.iam.SdkSigning.ACCESS_KEY_ID;
import static io.drover.core.iam.SdkSigning.KEYS;
import static io.drover.core.iam.SdkSigning.OTHER_ACCESS_KEY_ID;
import static io.drover.core.iam.SdkSigning.OTHER_SECRET;
import static io.drover.core.iam.SdkSigning.SECRET;
import static io.drover.core.iam.SdkSigning.SIGNED_AT;
import static io.drover.core.iam.SdkSigning.SKEW;
import static io.drover.core.iam.SdkSigning.header;
import static io.drover.core.iam.SdkSigning.post;
import static io.drover.core.iam.SdkSigning.signAndReceive;
import static io.drover.core.iam.SdkSigning.verify;
import static io.drover.core.iam.SdkSigning.withBody;
import static io.drover.core.iam.SdkSigning.withHeader;
import static io.drover.core.iam.SdkSigning.withMethod;
import static io.drover.core.iam.SdkSigning.withPath;
import static io.drover.core.iam.SdkSigning.withQuery;
import static io.drover.core.iam.SdkSigning.withTransport;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.iam.SdkSigning.Options;
import io.drover.core.iam.SigV4.SignedRequest;
import io.drover.core.iam.SigV4.Verified;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner.AuthLocation;

class SigV4Test {

  private static final String BODY = "{\"jobName\":\"nightly\",\"jobQueue\":\"default\",\"jobDefinition\":\"etl:3\"}";
  private static final String SUBMIT = "http://localhost:8080/v1/submitjob";
  private static final String MISMATCH = "The request signature we calculated does not match the signature you provided."
      + " Check your AWS Secret Access Key and signing method.";

  private static SignedRequest headerSigned() {
    return signAndReceive(post(SUBMIT), BODY, Options.header());
  }

  private static SignedRequest presigned() {
    return signAndReceive(post(SUBMIT), BODY, Options.presigned());
  }

  /** Asserts that verifying {@code request} at {@code now} fails with {@code code} and a message holding every fragment. */
  private static AuthenticationError refused(SignedRequest request, Instant now, String code, String... fragments) {
    AuthenticationError error = assertThrows(AuthenticationError.class, () -> verify(request, now));
    String message = error.getMessage();
    assertEquals(code, error.code(), message);
    assertEquals(code.equals(AuthenticationError.INCOMPLETE_SIGNATURE) ? 400 : 403, error.status());
    for (String fragment : fragments) {
      assertTrue(message.contains(fragment), () -> "expected '" + fragment + "' in: " + message);
    }
    assertFalse(message.contains(SECRET) || message.contains(OTHER_SECRET), message);
    assertFalse(message.contains(SigV4.ALGORITHM + "\n"), "the string to sign leaked: " + message);
    return error;
  }

  private static AuthenticationError refused(SignedRequest request, String code, String... fragments) {
    return refused(request, SIGNED_AT, code, fragments);
  }

  // ---- what the SDK signs passes

  @Test
  void aRequestSignedInTheAuthorizationHeaderPasses() {
    SignedRequest request = headerSigned();

    Verified verified = verify(request);

    assertEquals(new Verified(ACCESS_KEY_ID, header(request, "Authorization").replaceAll(".*Signature=", ""), SIGNED_AT, false),
        verified);
  }

  @Test
  void aPresignedRequestPasses() {
    SignedRequest request = presigned();

    Verified verified = verify(request);

    assertEquals(ACCESS_KEY_ID, verified.accessKeyId());
    assertEquals(SIGNED_AT, verified.signedAt());
    assertTrue(verified.presigned());
    assertTrue(request.rawQuery().endsWith("X-Amz-Signature=" + verified.signature()));
  }

  @ParameterizedTest
  @EnumSource(AuthLocation.class)
  void pathsAndQueriesNeedingEncodingPass(AuthLocation location) {
    SdkHttpFullRequest request = post("http://localhost:8080/v1/a%20b/c~d/%C3%A9t%C3%A9/x%2By%3Dz/it's(1)*")
        .toBuilder()
        .putRawQueryParameter("name with space", "va=l&ue+~*é/%")
        .putRawQueryParameter("a", List.of("2", "1", "~"))
        .putRawQueryParameter("empty", "")
        .putRawQueryParameter("Z-upper", "x y")
        .build();

    Verified verified = verify(signAndReceive(request, BODY, Options.header().withLocation(location)));

    assertEquals(location == AuthLocation.QUERY_STRING, verified.presigned());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/./a/../b//c/", "//v1//submitjob", "/v1/a/b/..", "/v1/a/.", "/../v1", "/v1/%2E%2E/x", "/v1/", "/"})
  void dotAndEmptySegmentsAreNormalisedAsTheSdkDoes(String path) {
    for (AuthLocation location : AuthLocation.values()) {
      verify(signAndReceive(post("http://localhost:8080" + path), BODY, Options.header().withLocation(location)));
    }
  }

  @Test
  void aGetWithoutPathOrBodyPasses() {
    SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(SdkHttpMethod.GET).uri(URI.create("http://localhost:8080")).build();

    verify(signAndReceive(request, null, Options.header()));
    verify(signAndReceive(request, null, Options.presigned()));
  }

  @Test
  void repeatedHeaderValuesAndWhitespaceAreCanonicalisedAsTheSdkDoes() {
    SdkHttpFullRequest request = post(SUBMIT).toBuilder()
        .putHeader("X-Trace", List.of("  one   two  ", "three\t four"))
        .putHeader("X-Empty", "")
        .build();

    verify(signAndReceive(request, BODY, Options.header()));
  }

  @Test
  void headerNamesArriveInAnyCase() {
    SignedRequest request = headerSigned();
    Map<String, List<String>> upper = new HashMap<>();
    request.headers().forEach((name, values) -> upper.put(name.toUpperCase(Locale.ROOT), values));

    verify(new SignedRequest("POST", request.rawPath(), request.rawQuery(), upper, request.body(), false));
  }

  @Test
  void theAuthorizationHeaderMayBeSpacedAsAnyClientSpacesIt() {
    SignedRequest request = headerSigned();
    String authorization = header(request, "Authorization");

    verify(withHeader(request, "Authorization", authorization.replace(", ", ",")));
    verify(withHeader(request, "Authorization", "  " + authorization.replace(", ", " ,  ").replace(" Credential", "   Credential") + " "));
  }

  @Test
  void unsignedHeadersMayBeAddedOnTheWay() {
    verify(withHeader(headerSigned(), "X-Forwarded-For", "10.0.0.1"));
  }

  @Test
  void aRequestCapturedFromCurlAwsSigv4Passes() {
    // curl 7.88.1 --aws-sigv4 "aws:amz:us-east-1:batch" --user AKIAIOSFODNN7EXAMPLE:<SECRET>
    //   -H "Content-Type: application/json" -d '{"jobQueues":["default"]}' http://127.0.0.1:44403/v1/describejobqueues
    Map<String, List<String>> headers = Map.of(
        "Host", List.of("127.0.0.1:44403"),
        "Authorization", List.of("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261126/us-east-1/batch/aws4_request,"
            + " SignedHeaders=content-type;host;x-amz-date,"
            + " Signature=3954642264f6ac643f4cc8ae7b2fe01001519aff4016827d91752d7f7ad5887a"),
        "X-Amz-Date", List.of("20261126T103001Z"),
        "User-Agent", List.of("curl/7.88.1"),
        "Accept", List.of("*/*"),
        "Content-Type", List.of("application/json"),
        "Content-Length", List.of("25"));
    SignedRequest request = new SignedRequest("POST", "/v1/describejobqueues", null, headers,
        "{\"jobQueues\":[\"default\"]}".getBytes(UTF_8), false);
    Instant now = Instant.parse("2026-11-26T10:30:30Z");

    assertEquals(Instant.parse("2026-11-26T10:30:01Z"), SigV4.verify(request, KEYS, now, SKEW).signedAt());
    refused(withBody(request, "{\"jobQueues\":[\"other\"]}"), now, AuthenticationError.INVALID_SIGNATURE, MISMATCH);
  }

  @Test
  void curlSignsThePathAsItSendsItWhichIsAcceptedBesideAwssEncoding() {
    // curl 7.88.1 --aws-sigv4 "aws:amz:us-east-1:batch" --user AKIAIOSFODNN7EXAMPLE:<SECRET>
    //   "http://127.0.0.1:44405/drover/v1/jobs/4dabac0d-efec-45a3-b7ca-48def2060d2b:7/logs?attempt=1"
    // signs the ':' of an array child's id as sent, where AWS's rules (and the SDKs) encode it as %3A.
    String path = "/drover/v1/jobs/4dabac0d-efec-45a3-b7ca-48def2060d2b:7/logs";
    Map<String, List<String>> headers = Map.of(
        "Host", List.of("127.0.0.1:44405"),
        "Authorization", List.of("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261126/us-east-1/batch/aws4_request,"
            + " SignedHeaders=host;x-amz-date, Signature=53677d17216172e454cc9cf0789c7abdb3c2da27db9db7cd4778b0640843e3e8"),
        "X-Amz-Date", List.of("20261126T134122Z"),
        "User-Agent", List.of("curl/7.88.1"),
        "Accept", List.of("*/*"));
    SignedRequest request = new SignedRequest("GET", path, "attempt=1", headers, new byte[0], false);
    Instant now = Instant.parse("2026-11-26T13:41:30Z");

    assertEquals(List.of("/drover/v1/jobs/4dabac0d-efec-45a3-b7ca-48def2060d2b%3A7/logs", path), SigV4.canonicalUris(path));
    assertEquals(Instant.parse("2026-11-26T13:41:22Z"), SigV4.verify(request, KEYS, now, SKEW).signedAt());
    SignedRequest otherChild = new SignedRequest("GET", path.replace(":7", ":8"), "attempt=1", headers, new byte[0], false);
    refused(otherChild, now, AuthenticationError.INVALID_SIGNATURE, MISMATCH);
  }

  @Test
  void theGetVanillaExampleOfAwsSignatureVersion4() {
    // AWS's documented example: GET / on example.amazonaws.com for service "service" in us-east-1 with the
    // example key, signed at 20150830T123600Z over host and x-amz-date.
    String canonicalRequest = "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
        + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    assertEquals(canonicalRequest, SigV4.canonicalRequest("GET", SigV4.canonicalUri(""), "",
        Map.of("host", List.of("example.amazonaws.com"), "x-amz-date", List.of("20150830T123600Z")),
        List.of("host", "x-amz-date"), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    assertEquals("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        SigV4.signature("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830T123600Z", "us-east-1", "service", canonicalRequest));
  }

  @Test
  void aSignedDateHeaderStandsInForXAmzDate() {
    String date = "Thu, 02 Jan 2025 03:04:05 GMT";
    String canonicalRequest = "GET\n/v1/describejobqueues\n\ndate:" + date + "\nhost:localhost:8080\n\ndate;host\n"
        + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    String signature = SigV4.signature(SECRET, "20250102T030405Z", "eu-west-3", "batch", canonicalRequest);
    SignedRequest request = new SignedRequest("GET", "/v1/describejobqueues", "", Map.of(
        "host", List.of("localhost:8080"),
        "date", List.of(date),
        "authorization", List.of("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY_ID + "/20250102/eu-west-3/batch/aws4_request,"
            + " SignedHeaders=date;host, Signature=" + signature)), null, false);

    assertEquals(SIGNED_AT, verify(request).signedAt());
  }

  // ---- tampering: every signed part counts

  static Stream<Arguments> tamperedHeaderSignedRequests() {
    return Stream.of(
        tampered("method", r -> withMethod(r, "PUT"), AuthenticationError.INVALID_SIGNATURE, MISMATCH),
        tampered("path", r -> withPath(r, "/v1/terminatejob"), AuthenticationError.INVALID_SIGNATURE, MISMATCH),
        tampered("query added", r -> withQuery(r, "dryRun=true"), AuthenticationError.INVALID_SIGNATURE, MISMATCH),
        tampered("signed header", r -> withHeader(r, "Content-Type", "text/plain"), AuthenticationError.INVALID_SIGNATURE, MISMATCH),
        tampered("host", r -> withHeader(r, "Host", "localhost:8081"), AuthenticationError.INVALID_SIGNATURE, MISMATCH),
        tampered("body", r -> withBody(r, BODY.replace("nightly", "hourly")), AuthenticationError.INVALID_SIGNATURE,
            "x-amz-content-sha256 header does not match the SHA-256 of the request body"),
        tampered("body and its hash", r -> withHeader(withBody(r, "{}"), "x-amz-content-sha256",
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"), AuthenticationError.INVALID_SIGNATURE, MISMATCH),
        tampered("date", r -> withHeader(r, "X-Amz-Date", "20250102T030406Z"), AuthenticationError.INVALID_SIGNATURE, MISMATCH),
        tampered("key id of another key", r -> withAuthorization(r, ACCESS_KEY_ID, OTHER_ACCESS_KEY_ID),
            AuthenticationError.INVALID_SIGNATURE, MISMATCH),
        tampered("unknown key id", r -> withAuthorization(r, ACCESS_KEY_ID, "AKIAZZZZZZZZZZZZZZZZ"),
            AuthenticationError.UNRECOGNIZED_CLIENT, "The security token included in the request is invalid."),
        tampered("region", r -> withAuthorization(r, "/us-east-1/", "/us-west-2/"), AuthenticationError.INVALID_SIGNATURE, MISMATCH),
        tampered("signature", r -> withAuthorization(r, "Signature=", "Signature=0"), AuthenticationError.INVALID_SIGNATURE, MISMATCH),
        tampered("scope date", r -> withAuthorization(r, "/20250102/", "/20250103/"), AuthenticationError.INVALID_SIGNATURE,
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20250103' != '20250102'"),
        tampered("service", r -> withAuthorization(r, "/batch/", "/ecs/"), AuthenticationError.INVALID_SIGNATURE,
            "Credential should be scoped to correct service: 'batch'."),
        tampered("terminator", r -> withAuthorization(r, "aws4_request", "aws5_request"), AuthenticationError.INCOMPLETE_SIGNATURE,
            "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'."),
        tampered("host left out of SignedHeaders", r -> withAuthorization(r, "content-type;host;", "content-type;"),
            AuthenticationError.INCOMPLETE_SIGNATURE, "'Host' must be a 'SignedHeader'"),
        tampered("date left out of SignedHeaders", r -> withAuthorization(r, ";x-amz-date", ""),
            AuthenticationError.INCOMPLETE_SIGNATURE, "'X-Amz-Date' must be a 'SignedHeader'"),
        tampered("signed header removed", r -> withHeader(r, "Content-Type"), AuthenticationError.INCOMPLETE_SIGNATURE,
            "SignedHeaders names the header 'content-type', which the request does not carry."),
        tampered("date header removed", r -> withHeader(r, "X-Amz-Date"), AuthenticationError.INCOMPLETE_SIGNATURE,
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."),
        tampered("malformed date", r -> withHeader(r, "X-Amz-Date", "2025-01-02T03:04:05Z"), AuthenticationError.INCOMPLETE_SIGNATURE,
            "X-Amz-Date must be an ISO-8601 basic-format UTC time"),
        tampered("impossible date", r -> withHeader(r, "X-Amz-Date", "20250230T030405Z"), AuthenticationError.INCOMPLETE_SIGNATURE,
            "X-Amz-Date must be an ISO-8601 basic-format UTC time"),
        tampered("impossible time", r -> withHeader(r, "X-Amz-Date", "20250102T240000Z"), AuthenticationError.INCOMPLETE_SIGNATURE,
            "X-Amz-Date must be an ISO-8601 basic-format UTC time"),
        tampered("impossible month", r -> withHeader(r, "X-Amz-Date", "20251302T030405Z"), AuthenticationError.INCOMPLETE_SIGNATURE,
            "X-Amz-Date must be an ISO-8601 basic-format UTC time"),
        tampered("upper-case SignedHeaders", r -> withAuthorization(r, "content-type;host", "Content-Type;Host"),
            AuthenticationError.INCOMPLETE_SIGNATURE, "SignedHeaders must list lower-case header names"),
        tampered("streaming payload", r -> withHeader(r, "x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
            AuthenticationError.INCOMPLETE_SIGNATURE, "Drover does not accept streaming (chunked) signing"),
        tampered("also presigned", r -> withQuery(r, "X-Amz-Signature=abc"), AuthenticationError.INCOMPLETE_SIGNATURE,
            "either the Authorization header or the X-Amz-* query parameters"));
  }

  static Stream<Arguments> tamperedPresignedRequests() {
    return Stream.of(
        tampered("method", r -> withMethod(r, "GET"), AuthenticationError.INVALID_SIGNATURE, MISMATCH),
        tampered("path", r -> withPath(r, "/v1/submitjob/"), AuthenticationError.INVALID_SIGNATURE, MISMATCH),
        tampered("query added", r -> withQuery(r, "a=1&" + r.rawQuery()), AuthenticationError.INVALID_SIGNATURE, MISMATCH),
        tampered("signed header", r -> withHeader(r, "Content-Type", "text/plain"), AuthenticationError.INVALID_SIGNATURE, MISMATCH),
        tampered("body", r -> withBody(r, "{}"), AuthenticationError.INVALID_SIGNATURE,
            "x-amz-content-sha256 header does not match the SHA-256 of the request body"),
        tampered("date", r -> withQueryReplaced(r, "X-Amz-Date=20250102T030405Z", "X-Amz-Date=20250102T030404Z"),
            AuthenticationError.INVALID_SIGNATURE, MISMATCH),
        tampered("key id", r -> withQueryReplaced(r, ACCESS_KEY_ID, OTHER_ACCESS_KEY_ID), AuthenticationError.INVALID_SIGNATURE, MISMATCH),
        tampered("unknown key id", r -> withQueryReplaced(r, ACCESS_KEY_ID, "AKIAZZZZZZZZZZZZZZZZ"),
            AuthenticationError.UNRECOGNIZED_CLIENT, "The security token included in the request is invalid."),
        tampered("service", r -> withQueryReplaced(r, "%2Fbatch%2F", "%2Fecs%2F"), AuthenticationError.INVALID_SIGNATURE,
            "Credential should be scoped to correct service: 'batch'."),
        tampered("signature", r -> withQueryReplaced(r, "X-Amz-Signature=", "X-Amz-Signature=1"),
            AuthenticationError.INVALID_SIGNATURE, MISMATCH),
        tampered("expiry added", r -> withQuery(r, r.rawQuery() + "&X-Amz-Expires=60"), AuthenticationError.INVALID_SIGNATURE, MISMATCH),
        tampered("expiry beyond 7 days", r -> withQuery(r, r.rawQuery() + "&X-Amz-Expires=604801"),
            AuthenticationError.INCOMPLETE_SIGNATURE, "X-Amz-Expires must be a number of seconds from 1 to 604800 (7 days)"),
        tampered("signature left out", r -> withQuery(r, r.rawQuery().replaceAll("&X-Amz-Signature=[0-9a-f]+", "")),
            AuthenticationError.INCOMPLETE_SIGNATURE, "missing: X-Amz-Signature."),
        tampered("signature twice", r -> withQuery(r, r.rawQuery() + "&X-Amz-Signature=00"),
            AuthenticationError.INCOMPLETE_SIGNATURE, "The query string names X-Amz-Signature more than once."),
        tampered("algorithm", r -> withQueryReplaced(r, "X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm=AWS4-HMAC-SHA512"),
            AuthenticationError.INCOMPLETE_SIGNATURE, "X-Amz-Algorithm must be AWS4-HMAC-SHA256"),
        tampered("host left out", r -> withQueryReplaced(r, "%3Bhost%3B", "%3B"), AuthenticationError.INCOMPLETE_SIGNATURE,
            "'Host' must be a 'SignedHeader' in the AWS Authorization: add host to X-Amz-SignedHeaders."),
        tampered("credential cut short", r -> withQueryReplaced(r, "%2Fus-east-1%2Fbatch", ""), AuthenticationError.INCOMPLETE_SIGNATURE,
            "X-Amz-Credential must have the form <access key id>/<yyyyMMdd>/<region>/batch/aws4_request"));
  }

  private static Arguments tampered(String part, UnaryOperator<SignedRequest> change, String code, String message) {
    return Arguments.of(part, change, code, message);
  }

  private static SignedRequest withAuthorization(SignedRequest request, String from, String to) {
    return withHeader(request, "Authorization", header(request, "Authorization").replace(from, to));
  }

  private static SignedRequest withQueryReplaced(SignedRequest request, String from, String to) {
    assertTrue(request.rawQuery().contains(from), request.rawQuery());
    return withQuery(request, request.rawQuery().replace(from, to));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tamperedHeaderSignedRequests")
  void aHeaderSignedRequestChangedOnTheWayIsRefused(String part, UnaryOperator<SignedRequest> change, String code, String message) {
    refused(change.apply(headerSigned()), code, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tamperedPresignedRequests")
  void aPresignedRequestChangedOnTheWayIsRefused(String part, UnaryOperator<SignedRequest> change, String code, String message) {
    refused(change.apply(presigned()), code, message);
  }

  @Test
  void aQueryValueChangedOnTheWayIsRefused() {
    SdkHttpFullRequest request = post(SUBMIT).toBuilder().putRawQueryParameter("queue", "a b").build();
    for (AuthLocation location : AuthLocation.values()) {
      SignedRequest signed = signAndReceive(request, BODY, Options.header().withLocation(location));
      verify(signed);

      refused(withQueryReplaced(signed, "queue=a%20b", "queue=a%20c"), AuthenticationError.INVALID_SIGNATURE, MISMATCH);
    }
  }

  @ParameterizedTest
  @EnumSource(AuthLocation.class)
  void aRequestSignedWithAnotherSecretIsRefused(AuthLocation location) {
    SignedRequest request = signAndReceive(post(SUBMIT), BODY, Options.header().withLocation(location).withKey(ACCESS_KEY_ID, OTHER_SECRET));

    refused(request, AuthenticationError.INVALID_SIGNATURE, MISMATCH);
  }

  @ParameterizedTest
  @EnumSource(AuthLocation.class)
  void aRequestSignedForAnotherServiceIsRefused(AuthLocation location) {
    SignedRequest request = signAndReceive(post(SUBMIT), BODY, Options.header().withLocation(location).withService("ecs"));

    refused(request, AuthenticationError.INVALID_SIGNATURE, "Credential should be scoped to correct service: 'batch'.");
  }

  @Test
  void theOtherKeySignsForItself() {
    SignedRequest request = signAndReceive(post(SUBMIT), BODY, Options.header().withKey(OTHER_ACCESS_KEY_ID, OTHER_SECRET));

    assertEquals(OTHER_ACCESS_KEY_ID, verify(request).accessKeyId());
  }

  // ---- time

  @ParameterizedTest
  @CsvSource({"-300", "0", "300"})
  void aRequestSignedWithinTheSkewOfNowPasses(long offsetSeconds) {
    verify(headerSigned(), SIGNED_AT.plusSeconds(offsetSeconds));
  }

  @Test
  void aRequestSignedTooLongAgoHasExpired() {
    refused(headerSigned(), SIGNED_AT.plusSeconds(301), AuthenticationError.INVALID_SIGNATURE,
        "Signature expired: 20250102T030405Z is now earlier than 20250102T030406Z (20250102T030906Z - 5 min.)");
  }

  @Test
  void aRequestSignedInTheFutureIsNotYetCurrent() {
    refused(headerSigned(), SIGNED_AT.minusSeconds(301), AuthenticationError.INVALID_SIGNATURE,
        "Signature not yet current: 20250102T030405Z is still later than 20250102T030404Z (20250102T025904Z + 5 min.)");
  }

  @Test
  void aPresignedRequestLastsUntilItsExpiry() {
    SignedRequest request = signAndReceive(post(SUBMIT), BODY, Options.presigned().withExpiration(Duration.ofHours(1)));

    verify(request, SIGNED_AT.plus(Duration.ofMinutes(60)));
    refused(request, SIGNED_AT.plus(Duration.ofMinutes(60)).plusSeconds(1), AuthenticationError.INVALID_SIGNATURE,
        "Signature expired: 20250102T030405Z is now earlier than 20250102T030406Z (20250102T040406Z - 60 min.)");
    refused(request, SIGNED_AT.minusSeconds(301), AuthenticationError.INVALID_SIGNATURE, "Signature not yet current");
  }

  @Test
  void aPresignedRequestWithoutExpiryLastsTheSkew() {
    SignedRequest request = presigned();

    verify(request, SIGNED_AT.plusSeconds(300));
    refused(request, SIGNED_AT.plusSeconds(301), AuthenticationError.INVALID_SIGNATURE, "Signature expired");
  }

  // ---- the payload

  @Test
  void anUnsignedPayloadPassesOnlyOverHttps() {
    SdkHttpFullRequest request = post("https://localhost:8443/v1/submitjob");
    SignedRequest signed = signAndReceive(request, BODY, Options.header().withPayloadSigning(false));
    assertEquals(SigV4.UNSIGNED_PAYLOAD, header(signed, "x-amz-content-sha256"));

    verify(signed);
    verify(withBody(signed, "{\"any\":\"body\"}"));
    refused(withTransport(signed, false), AuthenticationError.INCOMPLETE_SIGNATURE,
        "UNSIGNED-PAYLOAD is accepted only over HTTPS");
  }

  @Test
  void aPresignedRequestMayLeaveItsPayloadUnsignedOverHttps() {
    SignedRequest withHash = signAndReceive(post("https://localhost:8443/v1/submitjob"), BODY,
        Options.presigned().withPayloadSigning(false));
    SdkHttpFullRequest get = SdkHttpFullRequest.builder().method(SdkHttpMethod.GET)
        .uri(URI.create("https://localhost:8443/v1/describejobs")).build();
    SignedRequest withoutHash = signAndReceive(get, null,
        Options.presigned().withPayloadSigning(false).withExpiration(Duration.ofMinutes(10)));
    assertFalse(withoutHash.headers().containsKey("x-amz-content-sha256"), "with an expiry, the SDK leaves the header out");

    verify(withHash);
    verify(withoutHash);
    refused(withTransport(withHash, false), AuthenticationError.INCOMPLETE_SIGNATURE, "UNSIGNED-PAYLOAD is accepted only over HTTPS");
    refused(withTransport(withoutHash, false), AuthenticationError.INVALID_SIGNATURE, MISMATCH);
  }

  // ---- no signature, or a malformed one

  @Test
  void aRequestWithoutAnySignatureSaysHowToSign() {
    SignedRequest request = withHeader(headerSigned(), "Authorization");

    AuthenticationError error = refused(request, AuthenticationError.MISSING_AUTHENTICATION_TOKEN, "Missing Authentication Token",
        "./drover admin keys create", "curl --aws-sigv4", "AWS CLI");
    assertEquals(403, error.status());
  }

  private static final String SCOPE = "/20250102/us-east-1/batch/aws4_request";

  static Stream<Arguments> malformedAuthorizationHeaders() {
    return Stream.of(
        Arguments.of("Basic dXNlcjpzM2NyZXQ=",
            "The Authorization header must use AWS4-HMAC-SHA256 (AWS Signature Version 4); it starts with 'Basic'."),
        Arguments.of("AWS4-HMAC-SHA256",
            "Authorization header requires 'Credential' parameter. Authorization header requires 'SignedHeaders' parameter."
                + " Authorization header requires 'Signature' parameter."),
        Arguments.of("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY_ID + SCOPE + ", SignedHeaders=host;x-amz-date",
            "Authorization header requires 'Signature' parameter."),
        Arguments.of("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY_ID + SCOPE + ", SignedHeaders=host;x-amz-date, Signature=",
            "Authorization header requires 'Signature' parameter."),
        Arguments.of("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY_ID + "/20250102/batch/aws4_request, SignedHeaders=host, Signature=00",
            "Credential must have the form <access key id>/<yyyyMMdd>/<region>/batch/aws4_request;"
                + " got 'AKIAIOSFODNN7EXAMPLE/20250102/batch/aws4_request'."),
        Arguments.of("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY_ID + "/2025-01-02/us-east-1/batch/aws4_request, SignedHeaders=host,"
            + " Signature=00", "Credential must have the form"),
        Arguments.of("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY_ID + SCOPE + " SignedHeaders=host;;x-amz-date Signature=00",
            "SignedHeaders must list lower-case header names separated by ';'; got 'host;;x-amz-date'."),
        Arguments.of("AWS4-HMAC-SHA256 Credential=A" + SCOPE + ", Credential=B" + SCOPE,
            "The Authorization header names Credential twice."),
        Arguments.of("AWS4-HMAC-SHA256 Credential=A" + SCOPE + ", Token=abc",
            "The Authorization header is malformed at 'Token'"),
        Arguments.of("AWS4-HMAC-SHA256 Credential",
            "The Authorization header is malformed at 'Credential'"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("malformedAuthorizationHeaders")
  void aMalformedAuthorizationHeaderSaysWhatIsWrong(String authorization, String message) {
    AuthenticationError error = refused(withHeader(headerSigned(), "Authorization", authorization),
        AuthenticationError.INCOMPLETE_SIGNATURE, message);
    assertFalse(error.getMessage().contains("dXNlcjpzM2NyZXQ="), "a Basic credential must not be echoed");
  }

  @Test
  void twoAuthorizationHeadersAreRefused() {
    String authorization = header(headerSigned(), "Authorization");

    refused(withHeader(headerSigned(), "Authorization", authorization, authorization), AuthenticationError.INCOMPLETE_SIGNATURE,
        "more than one Authorization header");
  }

  @Test
  void aLongValueIsCutShortInTheMessage() {
    AuthenticationError error = refused(withAuthorization(headerSigned(), "/20250102/", "/" + "X".repeat(500) + "/"),
        AuthenticationError.INCOMPLETE_SIGNATURE, "Credential must have the form");

    assertTrue(error.getMessage().length() < 300, error.getMessage());
  }

  @Test
  void signedHeadersThatTheClientListedOutOfOrderAreTakenAsListed() {
    String canonicalRequest = "GET\n/\n\nx-amz-date:20250102T030405Z\nhost:localhost\n\nx-amz-date;host\n"
        + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    String signature = SigV4.signature(SECRET, "20250102T030405Z", "us-east-1", "batch", canonicalRequest);
    SignedRequest request = new SignedRequest("GET", "/", null, Map.of(
        "Host", List.of("localhost"),
        "X-Amz-Date", List.of("20250102T030405Z"),
        "Authorization", List.of("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY_ID + "/20250102/us-east-1/batch/aws4_request,"
            + " SignedHeaders=x-amz-date;host, Signature=" + signature)), null, false);

    verify(request);
  }

  // ---- the canonical forms

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "\"\"                                   | /",
      "/                                    | /",
      "/v1/submitjob                        | /v1/submitjob",
      "/v1/submitjob/                       | /v1/submitjob/",
      "/../a                                | /../a",
      "/a/../../b                           | /../b",
      "//a//b//                             | /a/b/",
      "/./a                                 | /a",
      "/a/.                                 | /a",
      "/a/..                                | /",
      "//                                   | /",
      "/a/b/./                              | /a/b/",
      "/a/%2E%2E/b                          | /a/%252E%252E/b",
      "/a%2Fb/c%7Ed~e%20f                   | /a%252Fb/c%257Ed~e%2520f",
      "/a:b@c=d+e,f;g!h$i&j'k(l)m*n         | /a%3Ab%40c%3Dd%2Be%2Cf%3Bg%21h%24i%26j%27k%28l%29m%2An",
  })
  void theCanonicalUriIsThePathNormalisedAndEncodedAgainAsSdkV2ComputesIt(String rawPath, String canonical) {
    assertEquals(canonical, SigV4.canonicalUri(rawPath));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "\"\"                        | \"\"",
      "b=2&a=1                   | a=1&b=2",
      "a=2&a=10&a=1              | a=1&a=10&a=2",
      "e&d=                      | d=&e=",
      "x=a%20b&y=a+b&z=%7e%2A*   | x=a%20b&y=a%2Bb&z=~%2A%2A",
      "k=%C3%A9&k2=é             | k=%C3%A9&k2=%C3%A9",
      "p=100%&q=%zz              | p=100%25&q=%25zz",
      "a=1&&b=2&                 | a=1&b=2",
      "a%3Db=c                   | a%3Db=c",
      "B=1&a=1&_=1&~=1           | B=1&_=1&a=1&~=1",
  })
  void theCanonicalQueryIsDecodedReencodedAndSorted(String rawQuery, String canonical) {
    assertEquals(canonical, SigV4.canonicalQuery(SigV4.QueryParameter.parseAll(rawQuery), false));
  }

  @Test
  void headerValuesAreTrimmedCollapsedAndJoined() {
    assertEquals("a b,c,,d e", SigV4.canonicalValue(List.of("  a \t  b ", "c", "   ", "d\n\r e")));
  }
}
