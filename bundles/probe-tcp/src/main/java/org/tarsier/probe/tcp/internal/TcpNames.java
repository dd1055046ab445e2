package org.tarsier.probe.tcp.internal;

import java.util.List;
import java.util.Map;

/** Names of the kernel's TCP states and of the errno values that connect attempts end with. */
final class TcpNames {

    /** TCP_* states of include/net/tcp_states.h, indexed by value; 0 is unused. */
    private static final List<String> STATES = List.of("", "ESTABLISHED", "SYN_SENT",
            "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK",
            "LISTEN", "CLOSING", "NEW_SYN_RECV", "BOUND_INACTIVE");

    /** Errno values of the generic Linux headers (x86-64 and arm64) that connect(2) can return. */
    private static final Map<Integer, String> ERRNO = Map.ofEntries(
            Map.entry(1, "EPERM"),
            Map.entry(4, "EINTR"),
            Map.entry(9, "EBADF"),
            Map.entry(11, "EAGAIN"),
            Map.entry(12, "ENOMEM"),
            Map.entry(13, "EACCES"),
            Map.entry(14, "EFAULT"),
            Map.entry(22, "EINVAL"),
            Map.entry(32, "EPIPE"),
            Map.entry(71, "EPROTO"),
            Map.entry(88, "ENOTSOCK"),
            Map.entry(91, "EPROTOTYPE"),
            Map.entry(95, "EOPNOTSUPP"),
            Map.entry(97, "EAFNOSUPPORT"),
            Map.entry(98, "EADDRINUSE"),
            Map.entry(99, "EADDRNOTAVAIL"),
            Map.entry(100, "ENETDOWN"),
            Map.entry(101, "ENETUNREACH"),
            Map.entry(102, "ENETRESET"),
            Map.entry(103, "ECONNABORTED"),
            Map.entry(104, "ECONNRESET"),
            Map.entry(105, "ENOBUFS"),
            Map.entry(106, "EISCONN"),
            Map.entry(110, "ETIMEDOUT"),
            Map.entry(111, "ECONNREFUSED"),
            Map.entry(112, "EHOSTDOWN"),
            Map.entry(113, "EHOSTUNREACH"),
            Map.entry(114, "EALREADY"),
            Map.entry(115, "EINPROGRESS"),
            Map.entry(512, "ERESTARTSYS"));

    private TcpNames() {
    }

    /** Returns the state's name without the TCP_ prefix, e.g. SYN_SENT, or STATE_n. */
    static String state(int state) {
        if (state > 0 && state < STATES.size()) {
            return STATES.get(state);
        }
        return "STATE_" + state;
    }

    /** Returns the errno name for a positive errno value, e.g. ECONNREFUSED, or ERRNO_n. */
    static String errno(int errno) {
        return ERRNO.getOrDefault(errno, "ERRNO_" + errno);
    }
}
