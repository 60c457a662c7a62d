package dev.hallmark.trustroot;

import static dev.hallmark.trustroot.TrustRootFixtures.jwk;
import static dev.hallmark.trustroot.TrustRootFixtures.trustRootFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.trustroot.TrustRootException.Code;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** An audit verifies thousands of bundles against one source: it must load once. */
class MemoizedTrustRootSourceTest {
  private static final TrustRoot ROOT =
      TrustRoot.parse(trustRootFile("https://ci.example.com/oidc", jwk("k1")));

  /** Counts loads; succeeds or fails as told. */
  private static final class CountingSource implements TrustRootSource {
    final AtomicInteger loads = new AtomicInteger();
    final boolean fail;

    CountingSource(boolean fail) {
      this.fail = fail;
    }

    @Override
    public TrustRoot load() {
      loads.incrementAndGet();
      if (fail) {
        throw new TrustRootException(Code.UNREACHABLE, "cannot fetch https://ci.example.com/oidc");
      }
      return ROOT;
    }

    @Override
    public String describe() {
      return "counting";
    }
  }

  @Test
  void loadsOnceAndReplaysTheResult() {
    CountingSource counting = new CountingSource(false);
    TrustRootSource source = counting.memoized();
    for (int i = 0; i < 10_000; i++) {
      assertSame(ROOT, source.load());
    }
    assertEquals(1, counting.loads.get());
    assertEquals("counting", source.describe());
  }

  @Test
  void replaysTheSameFailure() {
    CountingSource counting = new CountingSource(true);
    TrustRootSource source = counting.memoized();
    TrustRootException first = assertThrows(TrustRootException.class, source::load);
    TrustRootException second = assertThrows(TrustRootException.class, source::load);
    assertSame(first, second);
    assertEquals(Code.UNREACHABLE, second.code());
    assertEquals(1, counting.loads.get());
  }

  @Test
  void loadsOnceUnderConcurrency() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger loads = new AtomicInteger();
    TrustRootSource slow =
        new TrustRootSource() {
          @Override
          public TrustRoot load() {
            loads.incrementAndGet();
            try {
              release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return ROOT;
          }

          @Override
          public String describe() {
            return "slow";
          }
        };
    TrustRootSource source = slow.memoized();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<TrustRoot>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        results.add(pool.submit(source::load));
      }
      release.countDown();
      for (Future<TrustRoot> f : results) {
        assertSame(ROOT, f.get(10, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, loads.get());
  }

  @Test
  void memoizingTwiceOrAPreloadedRootAddsNoLayer() {
    TrustRootSource once = new CountingSource(false).memoized();
    assertSame(once, once.memoized());
    TrustRootSource preloaded = TrustRootSource.of(ROOT);
    assertSame(preloaded, preloaded.memoized());
  }
}
