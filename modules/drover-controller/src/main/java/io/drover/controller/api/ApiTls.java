package io.drover.controller.api;

import io.drover.controller.security.SecuritySettings.KeyStoreFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;

/** The API's HTTPS: the key and certificate chain from the configured key store, TLS 1.2 and 1.3 only. */
public final class ApiTls {

  private ApiTls() {}

  public static HttpsConnectionContext serverContext(KeyStoreFile file) {
    try (InputStream in = Files.newInputStream(Path.of(file.path()))) {
      KeyStore store = KeyStore.getInstance(file.type());
      char[] password = file.password().toCharArray();
      store.load(in, password);
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return ConnectionContext.httpsServer(() -> {
        var engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        return engine;
      });
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("The API's TLS key store " + file.path() + " (drover.controller.http.tls, "
          + "DROVER_HTTP_TLS_KEY_STORE) cannot be used: " + e.getMessage() + ". Check the path, the type ("
          + file.type() + ") and the password (DROVER_HTTP_TLS_KEY_STORE_PASSWORD).", e);
    }
  }
}
