package io.drover.node;

import io.drover.controller.controlplane.ControlPlaneClient;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.iam.AccessKeys;
import io.drover.core.iam.SecretBox;
import io.drover.core.users.AccessKey;
import io.drover.core.users.UserRequest;
import io.drover.core.users.UserRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./drover dev}'s keys: the master key that seals secrets (made once, kept in the data
 * directory), and an administrator, user {@value #ADMIN}, whose access key is written as an AWS
 * shared-credentials file (profile {@value #PROFILE}) with a config file naming the endpoint, so the
 * AWS CLI and SDKs work with {@code AWS_PROFILE=drover}. Files are readable by their owner only.
 */
final class DevCredentials {

  static final String ADMIN = "admin";
  static final String PROFILE = "drover";
  static final String ADMIN_POLICY = "AdministratorAccess";

  private static final String ADMIN_DOCUMENT =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";

  private DevCredentials() {}

  /** The data directory's master key, made on first use. */
  static String masterKey(Path dataDir) throws IOException {
    Path file = dataDir.resolve("master-key");
    if (!Files.exists(file)) {
      writePrivate(file, SecretBox.newMasterKeyBase64() + "\n");
    }
    return Files.readString(file, StandardCharsets.UTF_8).trim();
  }

  static Path credentialsFile(Path dataDir) {
    return dataDir.resolve("aws/credentials");
  }

  static Path configFile(Path dataDir) {
    return dataDir.resolve("aws/config");
  }

  /**
   * Makes sure user {@value #ADMIN} exists with an administrator policy and that the credentials
   * file holds one of its active keys; writes a new key when the file is missing or names a key the
   * control plane no longer has.
   */
  static void ensureAdmin(ControlPlaneClient controlPlane, String masterKey, Path dataDir, String endpoint, String region)
      throws Exception {
    ControlPlaneState state = controlPlane.state();
    if (!state.users().containsKey(ADMIN)) {
      await(controlPlane.execute(new UserRequest.CreateUser(ADMIN, System.currentTimeMillis())));
    }
    if (!controlPlane.state().users().get(ADMIN).policies().containsKey(ADMIN_POLICY)) {
      await(controlPlane.execute(new UserRequest.PutUserPolicy(ADMIN, ADMIN_POLICY, ADMIN_DOCUMENT)));
    }
    Path credentials = credentialsFile(dataDir);
    Optional<String> written = writtenKeyId(credentials);
    AccessKey current = written.map(id -> controlPlane.state().accessKeys().get(id)).orElse(null);
    if (current == null || current.status() != AccessKey.Status.Active || !current.userName().equals(ADMIN)) {
      List<AccessKey> keys = controlPlane.state().accessKeysOf(ADMIN);
      if (keys.size() >= UserRules.MAX_ACCESS_KEYS) {
        await(controlPlane.execute(new UserRequest.DeleteAccessKey(ADMIN, keys.get(0).accessKeyId())));
      }
      String id = AccessKeys.newAccessKeyId();
      String secret = AccessKeys.newSecretAccessKey();
      SecretBox box = SecretBox.fromBase64(masterKey, "the dev master key");
      await(controlPlane.execute(new UserRequest.AddAccessKey(ADMIN, id, box.seal(secret), System.currentTimeMillis())));
      writePrivate(credentials, "[" + PROFILE + "]\naws_access_key_id = " + id + "\naws_secret_access_key = " + secret + "\n");
    }
    writePrivate(configFile(dataDir),
        "[profile " + PROFILE + "]\nregion = " + region + "\nendpoint_url = " + endpoint + "\n");
  }

  private static Optional<String> writtenKeyId(Path credentials) throws IOException {
    if (!Files.exists(credentials)) {
      return Optional.empty();
    }
    return Files.readAllLines(credentials, StandardCharsets.UTF_8).stream()
        .map(String::trim)
        .filter(line -> line.startsWith("aws_access_key_id"))
        .map(line -> line.substring(line.indexOf('=') + 1).trim())
        .findFirst();
  }

  private static void writePrivate(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(temp, content, StandardCharsets.UTF_8);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
