package io.dirigent.node.runtime;

/**
 * What the node reports about its runtime and host in {@code status.nodeInfo}.
 *
 * @param runtimeVersion e.g. {@code docker://20.10.24}
 * @param osImage e.g. {@code Debian GNU/Linux 12 (bookworm)}
 * @param kernelVersion e.g. {@code 6.1.0}
 * @param architecture e.g. {@code amd64}
 */
public record RuntimeInfo(String runtimeVersion, String osImage, String kernelVersion, String architecture) {}
