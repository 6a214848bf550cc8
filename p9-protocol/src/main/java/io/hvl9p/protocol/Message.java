package io.hvl9p.protocol;

/** A 9P2000.L message: a request ({@link TMessage}) or a reply ({@link RMessage}). */
public sealed interface Message permits TMessage, RMessage {
    /** The message's type. */
    MessageType type();
}
