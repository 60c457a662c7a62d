package dev.hallmark.sdk;

/**
 * An event that starts a workflow on the orchestrator. Only pushes exist so far.
 *
 * <pre>{@code
 * workflow("release").on(push().branches("main").tags("v*"))
 * }</pre>
 */
public sealed interface Trigger permits PushTrigger {}
