package io.lvs.agent.kernel.packet;

/**
 * Which gratuitous ARP to send. Linux hosts update an existing entry from either; keepalived sends
 * the request only. Some switches and older hosts learn only from replies, so both can be sent.
 */
public enum GarpForm {
    /** ARP request, sender IP = target IP = VIP, target MAC ff:ff:ff:ff:ff:ff (keepalived, arping -U). */
    REQUEST,
    /** ARP reply, sender IP = target IP = VIP, target MAC = sender MAC (arping -A). */
    REPLY,
    /** The request, then the reply. */
    REQUEST_AND_REPLY
}
