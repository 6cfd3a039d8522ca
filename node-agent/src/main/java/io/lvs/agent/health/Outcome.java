package io.lvs.agent.health;

/** How one probe ended, in the API's three words. */
public enum Outcome {
    /** The server answered as the check requires. */
    SUCCESS("Success"),
    /** The server refused, answered wrongly, or could not be reached (no route, ICMP unreachable). */
    FAILURE("Failure"),
    /** No complete answer within the check's timeout. */
    TIMEOUT("Timeout");

    private final String label;

    Outcome(String label) {
        this.label = label;
    }

    /** The API's spelling: Success, Failure, Timeout. */
    public String label() {
        return label;
    }
}
