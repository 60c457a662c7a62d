package dev.hallmark.trustroot.online;

import dev.hallmark.trustroot.TrustRootException;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Collects a response body up to a bound while it streams. It asks for one chunk at a time and
 * cancels the subscription, which closes the connection, as soon as more than {@code maxBytes} have
 * arrived: a hostile server cannot make the verifier buffer more than the bound plus one chunk,
 * whatever its {@code Content-Length} says or omits.
 */
final class LimitedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {
  private static final byte[] EMPTY = new byte[0];

  private final long maxBytes;
  private final Supplier<TrustRootException> tooLarge;

  /** Fails the body at once (declared too large) instead of reading it. */
  private final TrustRootException refusal;

  /** Completes empty at once without reading (a status whose body is not wanted). */
  private final boolean discard;

  private final CompletableFuture<byte[]> body = new CompletableFuture<>();
  private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

  /** Only touched from onNext, which the Flow protocol calls serially. */
  private long received;

  private LimitedBodySubscriber(
      long maxBytes,
      Supplier<TrustRootException> tooLarge,
      TrustRootException refusal,
      boolean discard) {
    this.maxBytes = maxBytes;
    this.tooLarge = tooLarge;
    this.refusal = refusal;
    this.discard = discard;
  }

  /** Reads at most {@code maxBytes}; more fails with {@code tooLarge}. */
  static LimitedBodySubscriber limited(int maxBytes, Supplier<TrustRootException> tooLarge) {
    return new LimitedBodySubscriber(maxBytes, tooLarge, null, false);
  }

  /** Reads nothing and fails with {@code refusal}. */
  static LimitedBodySubscriber refusing(TrustRootException refusal) {
    return new LimitedBodySubscriber(0, null, refusal, false);
  }

  /** Reads nothing and yields an empty body. */
  static LimitedBodySubscriber discarding() {
    return new LimitedBodySubscriber(0, null, null, true);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    if (!subscription.compareAndSet(null, s)) {
      s.cancel();
      return;
    }
    if (discard) {
      s.cancel();
      body.complete(EMPTY);
    } else if (refusal != null) {
      s.cancel();
      body.completeExceptionally(refusal);
    } else if (body.isDone()) {
      s.cancel(); // aborted before the body started
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (body.isDone()) {
      return;
    }
    for (ByteBuffer item : items) {
      received += item.remaining();
      if (received > maxBytes) {
        subscription.get().cancel();
        body.completeExceptionally(tooLarge.get());
        return;
      }
      byte[] chunk = new byte[item.remaining()];
      item.get(chunk);
      buffer.write(chunk, 0, chunk.length);
    }
    subscription.get().request(1);
  }

  @Override
  public void onError(Throwable t) {
    body.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    body.complete(buffer.toByteArray());
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return body;
  }

  /** Stops reading (time-out): cancels the subscription and fails the body. */
  void abort() {
    body.completeExceptionally(new CancellationException("aborted"));
    Flow.Subscription s = subscription.get();
    if (s != null) {
      s.cancel();
    }
  }
}
