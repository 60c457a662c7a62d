package dev.hallmark.orchestrator.intake;

import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.orchestrator.store.RunRecord;
import java.util.List;

/**
 * Event intake ({@code POST /api/v1/events/push}): {@link #authenticate} runs before the body is
 * read, {@link #push} turns a checked event into runs. The HTTP layer calls it; without one the
 * endpoint answers 404.
 *
 * <pre>{@code
 * server.onPush(new PushIntake(store, credential, runner, runExecutor));
 * }</pre>
 */
public interface PushHandler {
  void authenticate(String authorizationHeader);

  List<RunRecord> push(JsonObject event);
}
