package com.gds.alerting.service.query;

import org.apache.kafka.streams.state.HostInfo;

/**
 * The instance that holds the answer refused or failed the request for a reason that retrying
 * will not cure (401, 403, 400, 500, a body this instance cannot read): HTTP 502 naming that
 * instance and its status. Different from {@link StateMigratingException}, which means "try again
 * shortly": these need a person (tokens that differ between instances, a version skew, a bug).
 */
public class PeerFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String peer;
    private final int peerStatus;

    /**
     * @param peerStatus the status the peer answered, or 0 when it answered something unreadable
     */
    public PeerFailedException(HostInfo peer, int peerStatus, String message, Throwable cause) {
        super(message, cause);
        this.peer = peer.host() + ":" + peer.port();
        this.peerStatus = peerStatus;
    }

    /** host:port of the instance that failed. */
    public String peer() {
        return peer;
    }

    /** Its HTTP status; 0 when its answer could not be read. */
    public int peerStatus() {
        return peerStatus;
    }
}
