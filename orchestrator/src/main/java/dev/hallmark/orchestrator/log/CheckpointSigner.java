package dev.hallmark.orchestrator.log;

import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.NoteKey;

/** Signs the log's checkpoints (FORMATS §8.1: one Ed25519 key, type 0x01, named by the origin). */
public interface CheckpointSigner {
  /** The verifier key; its name is the log's origin. */
  NoteKey vkey();

  /** {@code unsigned} with the log's signature line added. */
  Checkpoint sign(Checkpoint unsigned);
}
