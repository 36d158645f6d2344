package io.drover.controller.security;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Optional;

/** The {@code drover.security} settings and the API's TLS and size limits (see reference.conf). */
public record SecuritySettings(
    String masterKey,
    Optional<RootKey> rootKey,
    Duration maxClockSkew,
    int replayCacheEntries,
    double requestsPerSecond,
    int burst,
    int maxCallers,
    long maxRequestBytes,
    Optional<KeyStoreFile> tls) {

  /** The bootstrap administrator's access key, from configuration only. */
  public record RootKey(String accessKeyId, String secretAccessKey) {
    @Override
    public String toString() {
      return "RootKey[" + accessKeyId + "]";
    }
  }

  /** Where the API's TLS key and certificate are. */
  public record KeyStoreFile(String path, String password, String type) {
    @Override
    public String toString() {
      return "KeyStoreFile[" + path + ", " + type + "]";
    }
  }

  public static SecuritySettings from(Config root) {
    Config s = root.getConfig("drover.security");
    Config http = root.getConfig("drover.controller.http");
    String rootId = s.getString("root-access-key-id");
    String rootSecret = s.getString("root-secret-access-key");
    if (rootId.isBlank() != rootSecret.isBlank()) {
      throw new IllegalArgumentException("drover.security.root-access-key-id and root-secret-access-key "
          + "(DROVER_ROOT_ACCESS_KEY_ID, DROVER_ROOT_SECRET_ACCESS_KEY) must be set together, or both left empty.");
    }
    if (!rootSecret.isBlank() && rootSecret.length() < 16) {
      throw new IllegalArgumentException("drover.security.root-secret-access-key (DROVER_ROOT_SECRET_ACCESS_KEY) is "
          + "shorter than 16 characters; use a long random one, such as `openssl rand -base64 30`.");
    }
    String keyStore = http.getString("tls.key-store");
    return new SecuritySettings(
        s.getString("master-key"),
        rootId.isBlank() ? Optional.empty() : Optional.of(new RootKey(rootId, rootSecret)),
        s.getDuration("max-clock-skew"),
        s.getInt("replay-cache-entries"),
        s.getDouble("rate-limit.requests-per-second"),
        s.getInt("rate-limit.burst"),
        s.getInt("rate-limit.max-callers"),
        http.getMemorySize("max-request-size").toBytes(),
        keyStore.isBlank()
            ? Optional.empty()
            : Optional.of(new KeyStoreFile(keyStore, http.getString("tls.key-store-password"),
                http.getString("tls.key-store-type"))));
  }

  @Override
  public String toString() {
    return "SecuritySettings[rootKey=" + rootKey + ", maxClockSkew=" + maxClockSkew + ", tls=" + tls + "]";
  }
}
