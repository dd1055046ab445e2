package org.tarsier.api.event;

/** TCP events that the tcp probe reports; each is also the event kind. */
public enum TcpOperation {
    /** An outbound connection attempt finished, established or failed. */
    CONNECT,
    /** An inbound connection was accepted. */
    ACCEPT,
    /** A socket started listening. */
    LISTEN,
    /** A connection closed, with its byte counts and duration. */
    CLOSE,
    /** A socket changed TCP state. */
    STATE
}
