package io.dirigent.node.runtime;

/** What a command run inside a container did: its exit code and its output (trimmed). */
public record ExecResult(int exitCode, String output) {}
