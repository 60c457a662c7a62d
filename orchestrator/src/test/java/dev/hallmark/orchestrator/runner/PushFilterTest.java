package dev.hallmark.orchestrator.runner;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PushFilterTest {
  @Test
  void matchesBranchAndTagPatterns() {
    PushFilter f = new PushFilter(List.of("main", "release/*", "feature/**"), List.of("v*"));
    assertTrue(f.matches("refs/heads/main"));
    assertTrue(f.matches("refs/heads/release/1.0"));
    assertFalse(f.matches("refs/heads/release/1.0/hotfix"));
    assertTrue(f.matches("refs/heads/feature/a/b"));
    assertTrue(f.matches("refs/tags/v1.2"));
    assertFalse(f.matches("refs/heads/mainline"));
    assertFalse(f.matches("refs/heads/v1"));
    assertFalse(f.matches("refs/tags/main"));
    assertFalse(new PushFilter(List.of("ma.n"), List.of()).matches("refs/heads/main"));
  }

  @Test
  void emptyFilterMatchesEveryPushButOnlyBranchesWhenOnlyBranchesAreGiven() {
    assertTrue(new PushFilter(List.of(), List.of()).matches("refs/tags/anything"));
    assertFalse(new PushFilter(List.of("main"), List.of()).matches("refs/tags/main"));
  }
}
