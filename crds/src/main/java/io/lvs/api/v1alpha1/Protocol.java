package io.lvs.api.v1alpha1;

/** Transport protocol of a virtual port. */
public enum Protocol {
    TCP, UDP, SCTP
}
