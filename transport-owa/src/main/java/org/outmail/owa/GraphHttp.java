package org.outmail.owa;

import com.microsoft.graph.core.requests.BaseGraphRequestAdapter;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.RequestOption;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import com.microsoft.kiota.http.KiotaClientFactory;
import com.microsoft.kiota.http.middleware.RetryHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
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
  /** The calls in flight, and whether each has reached the network (a connection, TLS done) yet. */
  private final Map<Call, Boolean> reached = new ConcurrentHashMap<>();
  final OkHttpClient okHttp;
  final OkHttpClient uploads;
  final GraphServiceClient graph;
  /** The mailbox's proxy ({@code owa.proxy}), or null. */
  private final @Nullable GraphProxy proxy;

  GraphHttp(Mailbox mailbox, GraphEndpoint endpoint, GraphTokenSource tokens, SSLContext tls, X509TrustManager trust) {
    this.proxy = OwaOptions.proxy(mailbox).map(GraphProxy::new).orElse(null);
    List<Interceptor> interceptors = new ArrayList<>();
    interceptors.add(this::markNotSent);
    for (Interceptor i : GraphClientFactory.createDefaultGraphInterceptors(new RequestOption[0])) {
      if (!(i instanceof RetryHandler)) {
        interceptors.add(i);
      }
    }
    Duration call = mailbox.connectTimeout().plus(mailbox.writeTimeout()).plus(mailbox.readTimeout());
    OkHttpClient.Builder b = KiotaClientFactory.create(interceptors);
    if (proxy != null) {
      b.proxySelector(proxy.settings().selector()).proxyAuthenticator(proxy.authenticator());
    }
    this.okHttp = b
        .connectTimeout(mailbox.connectTimeout())
        .readTimeout(mailbox.readTimeout())
        .writeTimeout(mailbox.writeTimeout())
        .callTimeout(call.compareTo(Duration.ofSeconds(100)) < 0 ? Duration.ofSeconds(100) : call)
        .retryOnConnectionFailure(false)
        .sslSocketFactory(tls.getSocketFactory(), trust)
        .connectionPool(new ConnectionPool(5, 30, TimeUnit.SECONDS))
        .addNetworkInterceptor(this::markReached)
        .build();
    // pre-authenticated upload URLs: no bearer, no middleware, no overall call limit for big chunks
    OkHttpClient.Builder plain = okHttp.newBuilder().callTimeout(Duration.ZERO);
    plain.interceptors().clear();
    plain.addInterceptor(this::markNotSent);
    this.uploads = plain.build();
    BaseGraphRequestAdapter adapter = new BaseGraphRequestAdapter(
        new BaseBearerTokenAuthenticationProvider(tokens), endpoint.baseUrl().toString(), okHttp);
    adapter.setBaseUrl(endpoint.baseUrl().toString());
    this.graph = new GraphServiceClient(adapter);
  }

  /**
   * Runs the call; a failure before it reached the network (no connection, DNS, the TLS handshake)
   * gets a {@link NotSent} among its suppressed exceptions: no byte of the request left.
   */
  private Response markNotSent(Interceptor.Chain chain) throws IOException {
    Call call = chain.call();
    reached.put(call, Boolean.FALSE);
    try {
      return chain.proceed(chain.request());
    } catch (IOException e) {
      if (!reached.getOrDefault(call, Boolean.FALSE)) {
        HttpUrl url = chain.request().url();
        GraphProxy.Refused refused = proxy == null ? null : proxy.explain(e, url.host());
        IOException thrown = refused == null ? e : refused;
        thrown.addSuppressed(new NotSent(url.host() + ":" + url.port()));
        throw thrown;
      }
      throw e;
    } finally {
      reached.remove(call);
    }
  }

  /** A network interceptor runs once the connection is open and secured, before the request is written. */
  private Response markReached(Interceptor.Chain chain) throws IOException {
    reached.replace(chain.call(), Boolean.TRUE);
    return chain.proceed(chain.request());
  }

  /**
   * Marks a failure of a request that never left: no connection could be made to {@code authority}
   * or secured. Carried as a suppressed exception, never thrown.
   */
  static final class NotSent extends IOException {
    private static final long serialVersionUID = 1L;

    private final String authority;

    NotSent(String authority) {
      super("the request to " + authority + " was not sent");
      this.authority = authority;
    }

    String authority() {
      return authority;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this; // a mark, not a failure of its own
    }
  }

  void close() {
    okHttp.dispatcher().executorService().shutdown();
    okHttp.connectionPool().evictAll();
  }
}
