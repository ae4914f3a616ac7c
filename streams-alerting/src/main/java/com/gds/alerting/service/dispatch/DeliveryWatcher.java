package com.gds.alerting.service.dispatch;

/**
 * Told by {@link DeliveryLanes} where each delivery is, on the lane's thread: a stage that works
 * beside delivery (the e-mail fallback) without sitting in its way. Implementations must be quick
 * and thread-safe; anything slow belongs on their own thread.
 */
interface DeliveryWatcher {

    /** Watches nothing. */
    DeliveryWatcher NONE = new DeliveryWatcher() {
    };

    /** Before each attempt. */
    default void attempting(Delivery delivery) {
    }

    /** An attempt failed (or the circuit is open): it tries again later. */
    default void waiting(Delivery delivery) {
    }

    /** It is over: delivered, refused, given up or abandoned. */
    default void finished(Delivery delivery) {
    }
}
