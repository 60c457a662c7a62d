package dev.hallmark.trustroot.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OnlineOptionsTest {
  @Test
  void defaultsAreTenSecondsAndTheHttpClient() {
    OnlineOptions d = OnlineOptions.defaults();
    assertEquals(Duration.ofSeconds(10), d.timeout());
    assertSame(Connector.httpClient(), d.connector());
  }

  @Test
  void builderDoesNotChangeBuiltOptions() {
    Connector fake = (uri, address, timeout, maxBytes) -> new Connector.Response(200, null, null);
    OnlineOptions.Builder b = OnlineOptions.builder().timeout(Duration.ofSeconds(2));
    OnlineOptions first = b.build();
    b.timeout(Duration.ofSeconds(3)).connector(fake);
    assertEquals(Duration.ofSeconds(2), first.timeout());
    assertSame(Connector.httpClient(), first.connector());
    OnlineOptions second = first.toBuilder().connector(fake).build();
    assertEquals(Duration.ofSeconds(2), second.timeout());
    assertSame(fake, second.connector());
  }

  @Test
  void rejectsNonPositiveTimeout() {
    assertThrows(
        IllegalArgumentException.class, () -> OnlineOptions.builder().timeout(Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> OnlineOptions.builder().timeout(Duration.ofMillis(-1)));
    assertThrows(NullPointerException.class, () -> OnlineOptions.builder().connector(null));
  }
}
