package io.lvs.api.v1alpha1;

/** Flags of the hashing schedulers sh and mh. */
public enum SchedulerFlag {
    /** When the hashed real server is unavailable (weight 0 or over its threshold), pick another one. */
    Fallback,
    /** Include the source port in the hash, not only the source address. */
    Port
}
