package io.drover.node.tls;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a node needs to be a member: its keystore (its key and certificate, issued by the cluster's
 * CA) and the CA's truststore, each with the file holding its password.
 */
public record NodeCertificate(String name, Path keystore, Path password, TrustStore trustStore) {

  /** The environment variables that give a node ({@code ./drover controller|agent}) these files. */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(ClusterTls.KEYSTORE_ENV, keystore.toString());
    env.put(ClusterTls.KEYSTORE_PASSWORD_FILE_ENV, password.toString());
    env.put(ClusterTls.TRUSTSTORE_ENV, trustStore.path().toString());
    env.put(ClusterTls.TRUSTSTORE_PASSWORD_FILE_ENV, trustStore.password().toString());
    return env;
  }

  /** The same as configuration settings, for a node started in this JVM. */
  public Map<String, Object> settings() {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put(ClusterTls.KEY_STORE, keystore.toString());
    settings.put(ClusterTls.KEY_STORE_PASSWORD_FILE, password.toString());
    settings.put(ClusterTls.TRUST_STORE, trustStore.path().toString());
    settings.put(ClusterTls.TRUST_STORE_PASSWORD_FILE, trustStore.password().toString());
    return settings;
  }
}
