package org.tarsier.api.event;

import org.tarsier.api.container.ContainerInfo;

/**
 * A TCP connection event for IPv4 or IPv6.
 *
 * <p>State changes can run in softirq context; the header then names the socket's owning
 * process and cgroup, not the task that happened to be interrupted.
 *
 * @param header the task that owns the socket
 * @param container the container of that task
 * @param operation what happened
 * @param family 4 or 6
 * @param localAddress local address in its textual form
 * @param localPort local port
 * @param remoteAddress remote address in its textual form; empty for LISTEN
 * @param remotePort remote port; 0 for LISTEN
 * @param result 0 on success; a negative {@code -errno} for a failed CONNECT
 * @param error errno name such as {@code ECONNREFUSED} when {@code result} is negative, else empty
 * @param oldState TCP state before a STATE change, e.g. {@code SYN_SENT}; empty otherwise
 * @param newState TCP state after a STATE change, e.g. {@code ESTABLISHED}; empty otherwise
 * @param bytesSent bytes acknowledged by the peer, for CLOSE; 0 otherwise
 * @param bytesReceived bytes received, for CLOSE; 0 otherwise
 * @param durationNanos connection lifetime for CLOSE; 0 otherwise
 */
public record TcpEvent(
        EventHeader header,
        ContainerInfo container,
        TcpOperation operation,
        int family,
        String localAddress,
        int localPort,
        String remoteAddress,
        int remotePort,
        long result,
        String error,
        String oldState,
        String newState,
        long bytesSent,
        long bytesReceived,
        long durationNanos)
        implements Event {

    @Override
    public String probe() {
        return "tcp";
    }

    @Override
    public String kind() {
        return operation.name();
    }

    /** Returns whether the operation failed. */
    public boolean failed() {
        return result < 0;
    }
}
