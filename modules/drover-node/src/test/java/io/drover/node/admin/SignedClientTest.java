package io.drover.node.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.profiles.ProfileFile;

class SignedClientTest {

  @Test
  void theDefaultChainsLongRefusalBecomesOneLineAndAProfilesStaysAsTheSdkSaysIt() {
    ProfileFile empty = ProfileFile.builder()
        .content(new ByteArrayInputStream(new byte[0])).type(ProfileFile.Type.CREDENTIALS).build();
    SdkClientException chain = SdkClientException.create(
        "Unable to load credentials from any of the providers in the chain AwsCredentialsProviderChain(...)");
    SdkClientException profile = assertThrows(SdkClientException.class,
        () -> ProfileCredentialsProvider.builder().profileFile(empty).profileName("ops").build().resolveCredentials());

    assertEquals("none in the environment, the default profile or the instance metadata", SignedClient.whyNoCredentials(chain));
    assertEquals(profile.getMessage(), SignedClient.whyNoCredentials(profile));
    assertTrue(profile.getMessage().contains("ops"), profile.getMessage());
  }
}
