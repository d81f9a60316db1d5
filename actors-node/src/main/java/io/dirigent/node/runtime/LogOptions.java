package io.dirigent.node.runtime;

/**
 * Which part of a container's output to read.
 *
 * @param follow keep reading until the container stops or the reader cancels
 * @param tailLines the last lines only; null for all
 * @param sinceEpochSeconds output from this time on; null for all
 * @param timestamps prefix lines with their RFC 3339 time
 */
public record LogOptions(boolean follow, Integer tailLines, Long sinceEpochSeconds, boolean timestamps) {}
