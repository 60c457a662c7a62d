package dev.hallmark.orchestrator.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hallmark.orchestrator.runner.LogMasker;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The masked forms of a declared secret, worked out by hand (RFC 4648 §4 and §5, HTML form encoding, RFC 3986 §2). */
class SecretFormsTest {
  /** Chosen so that every form differs: base64 with + / and padding, URL forms with space, ~ and *. */
  static final String VALUE = "Dep loy~t*k3n/\u00e9?>>";

  @Test
  void formsAreTheValueItsBase64AndItsUrlEncodingsInBothHexCases() {
    assertEquals(List.of(
        VALUE,
        "RGVwIGxveX50Kmszbi/DqT8+Pg==",
        "RGVwIGxveX50Kmszbi/DqT8+Pg",
        "RGVwIGxveX50Kmszbi_DqT8-Pg==",
        "RGVwIGxveX50Kmszbi_DqT8-Pg",
        "Dep+loy%7Et*k3n%2F%C3%A9%3F%3E%3E",
        "Dep+loy%7et*k3n%2f%c3%a9%3f%3e%3e",
        "Dep%20loy~t%2Ak3n%2F%C3%A9%3F%3E%3E",
        "Dep%20loy~t%2ak3n%2f%c3%a9%3f%3e%3e"), SecretForms.of(VALUE));
  }

  @Test
  void eachLineOfAMultiLineValueIsAFormOfItsOwn() {
    List<String> forms = SecretForms.of("first-line-of-it\r\nsecond-line-too\n");
    assertEquals(List.of("first-line-of-it", "second-line-too"), forms.subList(forms.size() - 2, forms.size()));
  }

  @Test
  void theLogMaskerMasksEveryFormWholePaddingIncluded() {
    LogMasker m = new LogMasker();
    SecretForms.of(VALUE).forEach(m::add);
    for (String form : SecretForms.of(VALUE)) {
      assertEquals("a *** b", m.mask("a " + form + " b"), form);
    }
  }
}
