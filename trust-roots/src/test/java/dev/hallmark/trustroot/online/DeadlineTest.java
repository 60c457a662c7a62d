package dev.hallmark.trustroot.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeadlineTest {
  @Test
  void remainingShrinksToZero() throws InterruptedException {
    Deadline d = Deadline.after(Duration.ofMillis(20));
    assertFalse(d.isExpired());
    assertTrue(d.remaining().compareTo(Duration.ofMillis(20)) <= 0);
    Thread.sleep(30);
    assertTrue(d.isExpired());
    assertEquals(Duration.ZERO, d.remaining());
  }

  @Test
  void hugeBudgetDoesNotOverflow() {
    Deadline d = Deadline.after(Duration.ofSeconds(Long.MAX_VALUE));
    assertFalse(d.isExpired());
    assertTrue(d.remaining().compareTo(Duration.ofDays(365)) > 0);
  }

  @Test
  void rejectsNonPositiveBudget() {
    assertThrows(IllegalArgumentException.class, () -> Deadline.after(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> Deadline.after(Duration.ofSeconds(-1)));
  }
}
