package dev.hallmark.orchestrator.log;

import dev.hallmark.attestation.tlog.Checkpoint;
import java.util.List;
import java.util.function.LongFunction;

/** One witness the log asks for cosignatures (c2sp.org/tlog-witness {@code add-checkpoint}). */
public interface Cosigner {
  /** The witness's name in the log policy. */
  String name();

  /**
   * The witness's verified cosignature lines over {@code signed}; {@code consistencyFrom} gives the
   * consistency proof from an older size to {@code signed}'s. Fails with one line saying why.
   */
  List<Checkpoint.SignatureLine> cosign(Checkpoint signed, LongFunction<List<byte[]>> consistencyFrom);
}
