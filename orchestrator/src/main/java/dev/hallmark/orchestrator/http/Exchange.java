package dev.hallmark.orchestrator.http;

import static java.util.Objects.requireNonNull;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * One request as the routes see it: method, raw path and query, headers, the body already read
 * (at most {@link ApiServer#MAX_BODY} + 1 bytes, so a route can tell "too large"), and the one
 * answer the route gives. Nothing is written until the route returns.
 */
final class Exchange {
  private final Request request;
  private final Response response;
  private final byte[] body;
  private int status;
  private byte[] answer;

  Exchange(Request request, Response response, byte[] body) {
    this.request = requireNonNull(request, "request");
    this.response = requireNonNull(response, "response");
    this.body = requireNonNull(body, "body");
  }

  String method() {
    return request.getMethod();
  }

  boolean isHead() {
    return "HEAD".equals(request.getMethod());
  }

  /** The path as sent (still percent-encoded, never normalised): routes match it whole. */
  String path() {
    String p = request.getHttpURI().getPath();
    return p == null ? "" : p;
  }

  String query() {
    return request.getHttpURI().getQuery();
  }

  String header(String name) {
    return request.getHeaders().get(name);
  }

  byte[] body() {
    return body;
  }

  void setHeader(String name, String value) {
    response.getHeaders().put(name, value);
  }

  /** The answer; HEAD gets the headers only. */
  void respond(int status, byte[] body) {
    this.status = status;
    this.answer = isHead() ? new byte[0] : body;
  }

  boolean isAnswered() {
    return answer != null;
  }

  int status() {
    return status;
  }

  byte[] answer() {
    return answer;
  }
}
