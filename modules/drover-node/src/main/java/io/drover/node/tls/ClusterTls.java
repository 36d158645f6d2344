package io.drover.node.tls;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a node's cluster TLS settings before its actor system starts, so that a node missing its
 * certificate fails at once with a message that names the setting and how to create certificates,
 * instead of failing every connection later. Passwords given as files are read into Pekko's settings.
 *
 * <p>The settings are Pekko's {@code pekko.remote.artery.ssl.config-ssl-engine} ({@code conf/cluster.conf}
 * fills them from {@code DROVER_TLS_*}) plus {@code drover.tls.*-password-file}. A transport other than
 * {@code tls-tcp} is the operator's explicit choice: it starts, with a warning that anyone who reaches
 * the remoting port can join.
 */
public final class ClusterTls {

  public static final String KEYSTORE_ENV = "DROVER_TLS_KEYSTORE";
  public static final String KEYSTORE_PASSWORD_ENV = "DROVER_TLS_KEYSTORE_PASSWORD";
  public static final String KEYSTORE_PASSWORD_FILE_ENV = "DROVER_TLS_KEYSTORE_PASSWORD_FILE";
  public static final String TRUSTSTORE_ENV = "DROVER_TLS_TRUSTSTORE";
  public static final String TRUSTSTORE_PASSWORD_ENV = "DROVER_TLS_TRUSTSTORE_PASSWORD";
  public static final String TRUSTSTORE_PASSWORD_FILE_ENV = "DROVER_TLS_TRUSTSTORE_PASSWORD_FILE";

  static final String TRANSPORT = "pekko.remote.artery.transport";
  static final String PROVIDER = "pekko.remote.artery.ssl.ssl-engine-provider";
  private static final String ENGINE = "pekko.remote.artery.ssl.config-ssl-engine.";
  static final String KEY_STORE = ENGINE + "key-store";
  static final String KEY_STORE_PASSWORD = ENGINE + "key-store-password";
  static final String KEY_PASSWORD = ENGINE + "key-password";
  static final String TRUST_STORE = ENGINE + "trust-store";
  static final String TRUST_STORE_PASSWORD = ENGINE + "trust-store-password";
  static final String MUTUAL_AUTHENTICATION = ENGINE + "require-mutual-authentication";
  static final String KEY_STORE_PASSWORD_FILE = "drover.tls.key-store-password-file";
  static final String TRUST_STORE_PASSWORD_FILE = "drover.tls.trust-store-password-file";

  /** A certificate that expires sooner than this is worth a warning at every start. */
  static final Duration EXPIRY_WARNING = Duration.ofDays(30);

  private static final Logger log = LoggerFactory.getLogger(ClusterTls.class);

  private static final String HOW_TO_CREATE = "Create the cluster's CA once with './drover certs ca --dir DIR' and a "
      + "keystore for each node with './drover certs node --dir DIR --name NAME'; every node needs its own keystore "
      + "and the CA's truststore (docs/security-cluster.md).";

  private ClusterTls() {}

  /**
   * Checks the TLS settings of {@code config} and returns it with passwords read from their files.
   *
   * @throws IllegalArgumentException naming the first setting that is missing or wrong
   */
  public static Config configure(Config config) {
    String transport = config.getString(TRANSPORT);
    if (!transport.equals("tls-tcp")) {
      log.warn("Cluster remoting is not authenticated ({} = {}): any host that reaches this node's remoting port can "
          + "join the cluster. Use tls-tcp (conf/cluster.conf) outside a test bench.", TRANSPORT, transport);
      return config;
    }
    if (!config.getBoolean(MUTUAL_AUTHENTICATION)) {
      log.warn("{} is off: this node accepts peers without a certificate. Turn it on.", MUTUAL_AUTHENTICATION);
    }
    String provider = config.getString(PROVIDER);
    if (!provider.equals(ClusterSslEngineProvider.class.getName()) && !provider.equals(ConfigSSLEngineProvider.class.getName())) {
      // Another provider reads settings of its own.
      return config;
    }
    Config resolved = withPassword(config, KEY_STORE_PASSWORD, KEY_STORE_PASSWORD_FILE,
        KEYSTORE_PASSWORD_ENV, KEYSTORE_PASSWORD_FILE_ENV);
    resolved = withPassword(resolved, TRUST_STORE_PASSWORD, TRUST_STORE_PASSWORD_FILE,
        TRUSTSTORE_PASSWORD_ENV, TRUSTSTORE_PASSWORD_FILE_ENV);
    if (resolved.getString(KEY_PASSWORD).isEmpty()) {
      resolved = resolved.withValue(KEY_PASSWORD, ConfigValueFactory.fromAnyRef(resolved.getString(KEY_STORE_PASSWORD)));
    }
    Path keyStorePath = store(resolved, KEY_STORE, KEYSTORE_ENV, "this node's keystore (its key and certificate)");
    Path trustStorePath = store(resolved, TRUST_STORE, TRUSTSTORE_ENV, "the cluster CA's truststore");
    KeyStore keyStore = load(keyStorePath, resolved.getString(KEY_STORE_PASSWORD), KEYSTORE_ENV, KEYSTORE_PASSWORD_ENV);
    KeyStore trustStore = load(trustStorePath, resolved.getString(TRUST_STORE_PASSWORD), TRUSTSTORE_ENV,
        TRUSTSTORE_PASSWORD_ENV);
    X509Certificate own = ownCertificate(keyStore, keyStorePath);
    List<X509Certificate> authorities = authorities(trustStore, trustStorePath);
    checkValidity(own, keyStorePath);
    checkIssuedByTrustedCa(own, authorities, keyStorePath, trustStorePath);
    log.info("Cluster TLS: this node is {} (certificate valid until {}), and accepts peers whose certificate was "
        + "issued by {}", own.getSubjectX500Principal().getName(), own.getNotAfter().toInstant(), names(authorities));
    return resolved;
  }

  private static Config withPassword(Config config, String setting, String fileSetting, String env, String fileEnv) {
    String password = config.getString(setting);
    String file = config.getString(fileSetting);
    if (!password.isEmpty() || file.isEmpty()) {
      return config;
    }
    Path path = Path.of(file);
    try {
      String content = Files.readString(path, StandardCharsets.UTF_8).strip();
      if (content.isEmpty()) {
        throw new IllegalArgumentException("Cluster TLS: the password file " + path + " (" + fileEnv + ", " + fileSetting
            + ") is empty.");
      }
      return config.withValue(setting, ConfigValueFactory.fromAnyRef(content));
    } catch (IOException e) {
      throw new IllegalArgumentException("Cluster TLS: cannot read the password file " + path + " (" + fileEnv + ", "
          + fileSetting + "): " + e.getMessage() + ". " + env + " can give the password itself instead.", e);
    }
  }

  private static Path store(Config config, String setting, String env, String what) {
    String value = config.getString(setting);
    if (value.isEmpty()) {
      throw new IllegalArgumentException("Cluster TLS: " + env + " is not set (" + setting + "). It names " + what
          + ", without which this node cannot join the cluster. " + HOW_TO_CREATE);
    }
    Path path = Path.of(value);
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new IllegalArgumentException("Cluster TLS: " + env + " names " + path + " (" + what
          + "), which is not a readable file. " + HOW_TO_CREATE);
    }
    return path;
  }

  private static KeyStore load(Path path, String password, String env, String passwordEnv) {
    if (password.isEmpty()) {
      throw new IllegalArgumentException("Cluster TLS: no password for " + path + " (" + env + "): set " + passwordEnv
          + "_FILE to the password file created next to it, or " + passwordEnv + " to the password.");
    }
    try (InputStream in = Files.newInputStream(path)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password.toCharArray());
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("Cluster TLS: cannot open " + path + " (" + env + ") with the password of "
          + passwordEnv + "(_FILE): " + e.getMessage() + ". Check that the password belongs to this store.", e);
    }
  }

  private static X509Certificate ownCertificate(KeyStore store, Path path) {
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate certificate) {
          return certificate;
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("Cluster TLS: cannot read " + path + " (" + KEYSTORE_ENV + "): " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("Cluster TLS: " + path + " (" + KEYSTORE_ENV + ") holds no private key. It must be "
        + "a node keystore made by './drover certs node', not the truststore. " + HOW_TO_CREATE);
  }

  private static List<X509Certificate> authorities(KeyStore store, Path path) {
    List<X509Certificate> authorities = new ArrayList<>();
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (store.isCertificateEntry(alias) && store.getCertificate(alias) instanceof X509Certificate certificate) {
          authorities.add(certificate);
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("Cluster TLS: cannot read " + path + " (" + TRUSTSTORE_ENV + "): " + e.getMessage(), e);
    }
    if (authorities.isEmpty()) {
      throw new IllegalArgumentException("Cluster TLS: " + path + " (" + TRUSTSTORE_ENV + ") holds no CA certificate: "
          + "use the truststore.p12 that './drover certs ca' created.");
    }
    return authorities;
  }

  private static void checkValidity(X509Certificate own, Path path) {
    Instant now = Instant.now();
    Instant notAfter = own.getNotAfter().toInstant();
    if (now.isAfter(notAfter)) {
      throw new IllegalArgumentException("Cluster TLS: this node's certificate in " + path + " (" + KEYSTORE_ENV
          + ") expired at " + notAfter + "; its peers refuse it. Issue a new one with './drover certs node' "
          + "(docs/security-cluster.md, rotation).");
    }
    if (now.isBefore(own.getNotBefore().toInstant())) {
      throw new IllegalArgumentException("Cluster TLS: this node's certificate in " + path + " is valid only from "
          + own.getNotBefore().toInstant() + "; check this host's clock.");
    }
    if (now.plus(EXPIRY_WARNING).isAfter(notAfter)) {
      log.warn("Cluster TLS: this node's certificate in {} expires at {}; issue a new one before then "
          + "(docs/security-cluster.md, rotation), or the node cannot rejoin after a restart.", path, notAfter);
    }
  }

  private static void checkIssuedByTrustedCa(X509Certificate own, List<X509Certificate> authorities, Path keyStore,
      Path trustStore) {
    for (X509Certificate authority : authorities) {
      if (!authority.getSubjectX500Principal().equals(own.getIssuerX500Principal())) {
        continue;
      }
      try {
        own.verify(authority.getPublicKey());
        return;
      } catch (GeneralSecurityException e) {
        // same name, other key: another CA
      }
    }
    throw new IllegalArgumentException("Cluster TLS: this node's certificate (" + own.getSubjectX500Principal().getName()
        + ", in " + keyStore + ") was issued by " + own.getIssuerX500Principal().getName() + ", which is not a CA in the "
        + "truststore " + trustStore + " (" + names(authorities) + "). Peers would refuse it: the keystore and the "
        + "truststore must come from the same cluster CA directory.");
  }

  private static String names(List<X509Certificate> authorities) {
    return String.join("; ", authorities.stream().map(c -> c.getSubjectX500Principal().getName()).toList());
  }
}
