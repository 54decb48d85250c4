package org.outmail.owa;

import com.microsoft.graph.core.requests.BaseGraphRequestAdapter;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.RequestOption;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import com.microsoft.kiota.http.KiotaClientFactory;
import com.microsoft.kiota.http.middleware.RetryHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import okhttp3.ConnectionPool;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import org.outmail.Mailbox;

/**
 * The HTTP side of a mailbox's Graph access: the SDK's client, built from the SDK's own factory
 * and default Graph middleware but without its retry handler, with the mailbox's finite timeouts, and
 * a plain client for upload-session chunks.
 *
 * <p>Retries belong to outmail's pipeline: the SDK's handler would resend a {@code sendMail} after
 * a 503 or 504 that Exchange may have acted on already, delivering the mail twice. For the same
 * reason okhttp does not silently resend a request on a failed connection.
 */
final class GraphHttp {
  final OkHttpClient okHttp;
  final OkHttpClient uploads;
  final GraphServiceClient graph;

  GraphHttp(Mailbox mailbox, GraphEndpoint endpoint, GraphTokenSource tokens, SSLContext tls, X509TrustManager trust) {
    List<Interceptor> interceptors = new ArrayList<>();
    for (Interceptor i : GraphClientFactory.createDefaultGraphInterceptors(new RequestOption[0])) {
      if (!(i instanceof RetryHandler)) {
        interceptors.add(i);
      }
    }
    Duration call = mailbox.connectTimeout().plus(mailbox.writeTimeout()).plus(mailbox.readTimeout());
    this.okHttp = KiotaClientFactory.create(interceptors)
        .connectTimeout(mailbox.connectTimeout())
        .readTimeout(mailbox.readTimeout())
        .writeTimeout(mailbox.writeTimeout())
        .callTimeout(call.compareTo(Duration.ofSeconds(100)) < 0 ? Duration.ofSeconds(100) : call)
        .retryOnConnectionFailure(false)
        .sslSocketFactory(tls.getSocketFactory(), trust)
        .connectionPool(new ConnectionPool(5, 30, TimeUnit.SECONDS))
        .build();
    // pre-authenticated upload URLs: no bearer, no middleware, no overall call limit for big chunks
    OkHttpClient.Builder plain = okHttp.newBuilder().callTimeout(Duration.ZERO);
    plain.interceptors().clear();
    this.uploads = plain.build();
    BaseGraphRequestAdapter adapter = new BaseGraphRequestAdapter(
        new BaseBearerTokenAuthenticationProvider(tokens), endpoint.baseUrl().toString(), okHttp);
    adapter.setBaseUrl(endpoint.baseUrl().toString());
    this.graph = new GraphServiceClient(adapter);
  }

  void close() {
    okHttp.dispatcher().executorService().shutdown();
    okHttp.connectionPool().evictAll();
  }
}
