package dev.hallmark.attestation.intoto;

import static dev.hallmark.attestation.intoto.Fixtures.assertStatementError;
import static dev.hallmark.attestation.intoto.Fixtures.json;
import static dev.hallmark.attestation.intoto.Fixtures.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SLSA {@code runDetails.metadata}: in-toto Timestamps (RFC 3339, UTC). */
class BuildMetadataTest {

  private static String written(Instant t) {
    return new BuildMetadata(null, t, null).toJson().requireString("startedOn");
  }

  @Test
  void writesWholeSecondsWithoutFraction() {
    assertEquals("2026-04-28T12:00:00Z", written(Instant.parse("2026-04-28T12:00:00Z")));
    assertEquals("1970-01-01T00:00:00Z", written(Instant.EPOCH));
    assertEquals("0000-01-01T00:00:00Z", written(Instant.parse("0000-01-01T00:00:00Z")));
    assertEquals("9999-12-31T23:59:59Z", written(Instant.parse("9999-12-31T23:59:59Z")));
  }

  @Test
  void writesFractionWithoutTrailingZeros() {
    assertEquals("2026-04-28T12:00:00.5Z", written(Instant.parse("2026-04-28T12:00:00.500Z")));
    assertEquals(
        "2026-04-28T12:00:00.000000001Z", written(Instant.parse("2026-04-28T12:00:00.000000001Z")));
    assertEquals(
        "2026-04-28T12:00:00.12Z", written(Instant.ofEpochSecond(1777377600L, 120_000_000)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2023-01-01T12:34:56Z",
        "1985-04-12T23:20:50.52Z",
        "2026-04-28T12:00:00.123456789Z",
        "2024-02-29T00:00:00Z"
      })
  void roundTripsTimestampsExactly(String text) {
    JsonObject original = obj("invocationId", "i", "startedOn", text, "finishedOn", text);
    assertEquals(original, BuildMetadata.fromJson(original).toJson());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-04-28T12:00:00+00:00",
        "2026-04-28T13:00:00+01:00",
        "2026-04-28t12:00:00Z",
        "2026-04-28T12:00:00z",
        "2026-04-28 12:00:00Z",
        "2026-04-28T12:00Z",
        "2026-04-28T12:00:00",
        "2026-04-28T12:00:00.Z",
        "2026-04-28T12:00:00.1234567890Z",
        "2026-02-30T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-04-28T24:00:00Z",
        "2026-04-28T12:60:00Z",
        "2016-12-31T23:59:60Z",
        "+2026-04-28T12:00:00Z",
        "1777377600",
        ""
      })
  void rejectsOtherTimestampSpellings(String text) {
    assertStatementError(() -> BuildMetadata.fromJson(obj("startedOn", text)));
    assertStatementError(() -> BuildMetadata.fromJson(obj("finishedOn", text)));
  }

  @Test
  void rejectsNonStringTimestamps() {
    assertStatementError(() -> BuildMetadata.fromJson(json("{\"startedOn\":1777377600}")));
    assertStatementError(() -> BuildMetadata.fromJson(json("{\"finishedOn\":null}")));
    assertStatementError(() -> BuildMetadata.fromJson(json("{\"invocationId\":7}")));
  }

  @Test
  void rejectsInstantsOutsideFourDigitYears() {
    assertStatementError(
        () -> new BuildMetadata(null, Instant.parse("+10000-01-01T00:00:00Z"), null));
    assertStatementError(
        () -> new BuildMetadata(null, null, Instant.parse("-0001-12-31T23:59:59Z")));
  }

  @Test
  void allFieldsAreOptional() {
    BuildMetadata empty = BuildMetadata.fromJson(obj());
    assertTrue(empty.isEmpty());
    assertEquals(obj(), empty.toJson());
    assertTrue(new BuildMetadata("", null, null).isEmpty());
  }
}
