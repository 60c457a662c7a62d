package dev.hallmark.orchestrator.http;

import static dev.hallmark.orchestrator.events.LogText.oneLine;
import static java.util.Objects.requireNonNull;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.witness.Witness;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@code hallmark witness serve}'s HTTP side, c2sp.org/tlog-witness: {@code POST /add-checkpoint}
 * and the monitoring {@code GET /<origin hash>/checkpoint}. The same Jetty stack and {@link
 * HttpLimits} as the API server (heads and bodies read without holding a thread, header, body and
 * idle time-outs, connections capped per address and in total, the same {@link ConnectionGuard}),
 * but no other route: a witness shares nothing with the orchestrator's API or keys.
 *
 * <p>Statuses are exactly tlog-witness's: 200 with the cosignature line, 400 malformed, 403 log
 * signature, 404 unknown origin, 409 with {@code text/x.tlog.size} and the latest size, 422
 * inconsistent; and 413 for a body over {@link #MAX_BODY}. Error bodies are one line of text.
 * Each refusal and each cosignature is reported as one line to the log sink.
 */
public final class WitnessServer implements AutoCloseable {
  /** A request body of at most 64 KiB: a checkpoint with 16 post-quantum signatures and 63 proof lines fits. */
  public static final int MAX_BODY = 64 * 1024;
  /** The media type of a 409 body (tlog-witness). */
  public static final String SIZE_TYPE = "text/x.tlog.size";
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final Pattern MONITOR = Pattern.compile("/([0-9a-f]{64})/checkpoint");
  /** A refused body is still read up to this much, so the error answer is not lost to a reset. */
  private static final int DRAIN = 1 << 20;

  private final Server server;
  private final ServerConnector connector;
  private final ConnectionGuard guard;
  private final Witness witness;
  private final Consumer<String> log;

  /** Binds (not yet started); port 0 picks an ephemeral port. {@code log} gets one line per refusal and cosignature. */
  public WitnessServer(InetSocketAddress bind, Witness witness, HttpLimits limits, Consumer<String> log) {
    this.witness = requireNonNull(witness, "witness");
    this.log = requireNonNull(log, "log");
    requireNonNull(limits, "limits");
    QueuedThreadPool threads = new QueuedThreadPool(32, 2);
    threads.setName("hallmark-witness-http");
    threads.setDaemon(true);
    this.server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(ApiServer.MAX_HEAD);
    http.setIdleTimeout(limits.idleTimeout().toMillis());
    this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(bind.getAddress().getHostAddress());
    connector.setPort(bind.getPort());
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    connector.setAcceptedTcpNoDelay(true); // one small answer per request: no delayed-ACK stall
    connector.setAcceptQueueSize(256);
    this.guard = new ConnectionGuard(limits);
    connector.addBean(guard);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
    server.setErrorHandler(new TextErrors());
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        new BodyReader(request, response, callback).run();
        return true;
      }
    });
    try {
      connector.open(); // bind now: a port in use fails here, and port 0 has its number
    } catch (Exception e) {
      throw new OrchestratorException(Code.START_FAILED, "cannot listen on " + bind.getAddress().getHostAddress() + ":"
          + bind.getPort() + ": " + oneLine(e.getMessage()));
    }
  }

  public void start() {
    try {
      server.start();
      guard.watch(connector);
    } catch (Exception e) {
      throw new OrchestratorException(Code.START_FAILED, "cannot start the witness's HTTP server: " + oneLine(e.getMessage()));
    }
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** Reads at most {@link #MAX_BODY} + 1 bytes of the body without holding a thread, then answers. */
  private final class BodyReader implements Runnable {
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long left;

    BodyReader(Request request, Response response, Callback callback) {
      this.request = request;
      this.response = response;
      this.callback = callback;
      long declared;
      try {
        declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
      } catch (NumberFormatException e) {
        declared = -1; // Jetty refuses such a request before it gets here
      }
      this.left = declared > DRAIN ? 0 : DRAIN;
    }

    @Override
    public void run() {
      while (left > 0) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(() -> server.getThreadPool().execute(this));
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          callback.failed(chunk.getFailure());
          return;
        }
        ByteBuffer b = chunk.getByteBuffer();
        int keep = (int) Math.min(b.remaining(), MAX_BODY + 1L - kept.size());
        if (keep > 0) {
          byte[] bytes = new byte[keep];
          b.get(bytes);
          kept.write(bytes, 0, keep);
        }
        left -= keep + b.remaining();
        b.position(b.limit());
        chunk.release();
        if (chunk.isLast()) {
          break;
        }
      }
      long declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
      answer(request, response, callback, declared > MAX_BODY ? new byte[MAX_BODY + 1] : kept.toByteArray());
    }
  }

  /** {@code allow} is the {@code Allow} header of a 405, else null. */
  private record Answer(int status, String type, String body, String allow) {
    Answer(int status, String type, String body) {
      this(status, type, body, null);
    }
  }

  private void answer(Request request, Response response, Callback callback, byte[] body) {
    try {
      Answer a;
      String method = request.getMethod();
      String path = request.getHttpURI().getPath();
      try {
        a = route(method, path, body);
      } catch (RuntimeException e) {
        // Our fault (say, the state could not be written): nothing was cosigned; one line to the
        // client and the sink, the cause to the log.
        int status = HttpErrors.status(e);
        HttpErrors.log(method, path, status, e instanceof OrchestratorException oe ? oe.code() : null,
            e instanceof OrchestratorException ? e.getMessage() : String.valueOf(e), e);
        log.accept("error " + status + ": " + oneLine(e.getMessage()));
        a = new Answer(status, TEXT, HttpErrors.clientMessage(e) + "\n");
      }
      if (a.status() >= 400 && a.status() < 500) {
        HttpErrors.log(method, path, a.status(), null, a.body(), null);
      }
      byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
      response.setStatus(a.status());
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, a.type());
      response.getHeaders().put("X-Content-Type-Options", "nosniff");
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      if (a.allow() != null) {
        response.getHeaders().put(HttpHeader.ALLOW, a.allow());
      }
      boolean head = "HEAD".equals(request.getMethod());
      if (!head) {
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
      }
      response.write(true, ByteBuffer.wrap(head ? new byte[0] : bytes), callback);
    } catch (RuntimeException e) {
      callback.failed(e); // the client went away while we answered
    }
  }

  private Answer route(String method, String path, byte[] body) {
    if (path == null) {
      path = "";
    }
    if (path.equals("/add-checkpoint")) {
      if (!"POST".equals(method)) {
        Answer r = refused(405, null, "add-checkpoint takes POST only");
        return new Answer(r.status(), r.type(), r.body(), HttpErrors.ALLOW_POST);
      }
      if (body.length > MAX_BODY) {
        return refused(413, null, "the request body is larger than " + MAX_BODY + " bytes");
      }
      return addCheckpoint(body);
    }
    Matcher m = MONITOR.matcher(path);
    if (m.matches() && !"GET".equals(method) && !"HEAD".equals(method)) {
      return new Answer(405, TEXT, "the checkpoint takes GET only\n", HttpErrors.ALLOW_GET);
    }
    if (m.matches()) {
      // tlog-witness monitoring: served straight from the durable state, so always current.
      return witness.latestCheckpoint(m.group(1))
          .map(text -> new Answer(200, TEXT, text))
          .orElseGet(() -> new Answer(404, TEXT, "this witness has cosigned no checkpoint of that log\n"));
    }
    return new Answer(404, TEXT, "no such endpoint (this is a tlog-witness: POST /add-checkpoint)\n");
  }

  private Answer addCheckpoint(byte[] body) {
    Witness.Outcome outcome = witness.addCheckpoint(body);
    if (outcome instanceof Witness.Cosigned c) {
      log.accept("cosigned " + printable(c.origin()) + " size " + Long.toUnsignedString(c.size()));
      return new Answer(200, TEXT, c.signatureLines());
    }
    if (outcome instanceof Witness.Conflict c) {
      log.accept("refused 409 " + printable(c.origin()) + ": old size " + Long.toUnsignedString(c.oldSize())
          + ", latest cosigned size " + Long.toUnsignedString(c.latestSize()));
      // tlog-witness: the body is exactly the latest cosigned size and a newline.
      return new Answer(409, SIZE_TYPE, Long.toUnsignedString(c.latestSize()) + "\n");
    }
    Witness.Refused r = (Witness.Refused) outcome;
    int status = switch (r.refusal()) {
      case MALFORMED -> 400;
      case BAD_SIGNATURE -> 403;
      case UNKNOWN_ORIGIN -> 404;
      case INCONSISTENT -> 422;
    };
    return refused(status, r.origin(), r.message());
  }

  private Answer refused(int status, String origin, String message) {
    log.accept("refused " + status + (origin == null ? "" : " " + printable(origin)) + ": " + oneLine(message));
    return new Answer(status, TEXT, oneLine(message) + "\n");
  }

  /** Errors Jetty answers itself (a malformed request, a head too large): one line of text. */
  private static final class TextErrors extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
        Callback callback) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, TEXT);
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      HttpErrors.log(request.getMethod(), request.getHttpURI().getPath(), code, null, HttpStatus.getMessage(code), cause);
      response.write(true, ByteBuffer.wrap((HttpStatus.getMessage(code) + "\n").getBytes(StandardCharsets.UTF_8)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
      HttpErrors.log("-", "-", status, null, HttpStatus.getMessage(status), null);
      fields.put(HttpHeader.CONTENT_TYPE, TEXT);
      return ByteBuffer.wrap((HttpStatus.getMessage(status) + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Origins come from the request: printable ASCII only, and short, in a log line. */
  private static String printable(String s) {
    String p = s.replaceAll("[^\\x21-\\x7e]", "?");
    return p.length() > 100 ? p.substring(0, 100) + "…" : p;
  }

  @Override
  public void close() {
    guard.close();
    try {
      server.stop();
    } catch (Exception e) {
      // stopping is best effort; the process is usually ending
    }
  }
}
