package io.drover.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.it.support.DroverTestNode;
import io.drover.it.support.TestCertificates;
import io.drover.node.tls.NodeCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEType;

/** With a key store configured, the API speaks HTTPS only, and the AWS SDK works over it. */
class ApiTlsTest {

  private static DroverTestNode node;
  private static TrustManagerFactory trust;

  @BeforeAll
  static void start() throws Exception {
    NodeCertificate certificate = TestCertificates.node();
    node = DroverTestNode.start(DroverTestNode.uniqueKeyspacePrefix("it_api_tls"), "tls-ce",
        DroverTestNode.Executor.PROCESS, Map.of(
            "drover.controller.http.tls.key-store", certificate.keystore().toString(),
            "drover.controller.http.tls.key-store-password", password(certificate.password())));
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(certificate.trustStore().path())) {
      store.load(in, password(certificate.trustStore().password()).toCharArray());
    }
    trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void theSdkWorksOverHttpsAndPlainHttpGetsNoApi() throws Exception {
    String https = node.endpoint().replace("http://", "https://");
    try (BatchClient batch = BatchClient.builder()
        .endpointOverride(URI.create(https))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(DroverTestNode.ROOT_ACCESS_KEY_ID, DroverTestNode.ROOT_SECRET_ACCESS_KEY)))
        .httpClientBuilder(UrlConnectionHttpClient.builder().tlsTrustManagersProvider(trust::getTrustManagers))
        .build()) {
      batch.createComputeEnvironment(b -> b.computeEnvironmentName("tls-ce").tags(DroverTestNode.PROCESS_EXECUTOR)
          .type(CEType.UNMANAGED));
      assertEquals(1, batch.describeComputeEnvironments(b -> {}).computeEnvironments().size());
    }
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThrows(IOException.class, () -> plain.send(
        HttpRequest.newBuilder(URI.create(node.endpoint() + "/v1/describejobqueues")).timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsRefusedTheConnection() {
    String https = node.endpoint().replace("http://", "https://");
    try (BatchClient untrusting = BatchClient.builder()
        .endpointOverride(URI.create(https))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(DroverTestNode.ROOT_ACCESS_KEY_ID, DroverTestNode.ROOT_SECRET_ACCESS_KEY)))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build()) {
      SdkClientException e = assertThrows(SdkClientException.class, () -> untrusting.describeJobQueues(b -> {}));
      assertTrue(String.valueOf(e.getMessage()).toLowerCase().contains("ssl")
          || String.valueOf(e.getCause()).toLowerCase().contains("certif"), String.valueOf(e));
    }
  }

  private static String password(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8).trim();
  }
}
