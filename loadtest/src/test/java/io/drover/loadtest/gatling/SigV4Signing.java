package io.drover.loadtest.gatling;

import io.gatling.http.client.Request;
import java.net.URI;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signs each Gatling request with AWS Signature Version 4, as the AWS SDKs do, with the AWS SDK's
 * default credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE).
 */
final class SigV4Signing implements Function<Request, Request> {

  private final AwsCredentialsIdentity credentials = DefaultCredentialsProvider.builder().build().resolveCredentials();
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
  private final String region;

  SigV4Signing(String region) {
    this.region = region;
  }

  @Override
  public Request apply(Request request) {
    SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder()
        .method(SdkHttpMethod.fromValue(request.getMethod().name()))
        .uri(URI.create(request.getUri().toUrl()));
    request.getHeaders().forEach(header -> unsigned.appendHeader(header.getKey(), header.getValue()));
    byte[] body = request.getBody() == null ? null : request.getBody().getBytes();
    SignedRequest signed = signer.sign(r -> r
        .identity(credentials)
        .request(unsigned.build())
        .payload(body == null ? null : ContentStreamProvider.fromByteArrayUnsafe(body))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "batch")
        .putProperty(AwsV4HttpSigner.REGION_NAME, region));
    signed.request().headers().forEach((name, values) -> {
      if (!name.equalsIgnoreCase("host")) {
        request.getHeaders().set(name, values);
      }
    });
    return request;
  }
}
