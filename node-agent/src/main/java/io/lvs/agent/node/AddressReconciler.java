package io.lvs.agent.node;

import io.lvs.agent.kernel.InetText;
import io.lvs.agent.kernel.rtnl.AddressChange;
import io.lvs.agent.kernel.rtnl.AddressOp;
import io.lvs.agent.kernel.rtnl.InterfaceAddress;
import io.lvs.agent.kernel.rtnl.Link;
import io.lvs.agent.kernel.rtnl.Rtnl;
import io.lvs.agent.state.Owned;
import io.lvs.agent.state.Owned.OwnedAddress;
import io.lvs.agent.state.StateDirectory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * VIP addresses: on lo for DirectRouting and Tunnel real servers, on the VIP's link while this node is the active
 * director. Adds what is missing (recording it first), removes what it owns and is no longer wanted; an address that
 * was there before (an administrator's) is never taken over and never removed.
 */
final class AddressReconciler {
    private final Rtnl rtnl;
    private final StateDirectory state;

    AddressReconciler(Rtnl rtnl, StateDirectory state) {
        this.rtnl = rtnl;
        this.state = state;
    }

    /**
     * What one step did.
     *
     * @param added    addresses this step added
     * @param removed  addresses this step removed
     * @param drift    owned addresses that had vanished and were put back
     * @param present  wanted addresses present after the step (ours or not)
     * @param failures failed addresses, with the kernel's answer
     */
    record Result(List<OwnedAddress> added, List<OwnedAddress> removed, int drift, Set<OwnedAddress> present,
                  Map<OwnedAddress, String> failures) {
    }

    Result apply(Set<OwnedAddress> wanted) {
        Map<String, Link> links = new HashMap<>();
        for (Link l : rtnl.links()) {
            links.put(l.name(), l);
        }
        Map<Integer, String> names = new HashMap<>();
        links.values().forEach(l -> names.put(l.index(), l.name()));
        Set<OwnedAddress> inKernel = new HashSet<>();
        for (InterfaceAddress a : rtnl.addresses()) {
            String link = names.get(a.linkIndex());
            if (link != null) {
                inKernel.add(new OwnedAddress(link, a.address(), a.prefixLength()));
            }
        }
        Owned owned = state.owned();
        Map<OwnedAddress, String> failures = new LinkedHashMap<>();
        List<AddressOp> ops = new ArrayList<>();
        List<OwnedAddress> toAdd = new ArrayList<>();
        List<OwnedAddress> toRemove = new ArrayList<>();
        int drift = 0;
        for (OwnedAddress w : wanted) {
            if (inKernel.contains(w)) {
                continue;
            }
            Link l = links.get(w.link());
            if (l == null) {
                failures.put(w, "link " + w.link() + " does not exist on this node");
                continue;
            }
            if (owned.addresses().contains(w)) {
                drift++; // we had added it; someone removed it
            } else {
                owned = owned.withAddress(w);
            }
            toAdd.add(w);
            ops.add(new AddressOp.Add(l, w.address(), w.prefixLength()));
        }
        for (OwnedAddress o : owned.addresses()) {
            if (!wanted.contains(o) && inKernel.contains(o) && links.containsKey(o.link())) {
                toRemove.add(o);
                ops.add(new AddressOp.Remove(links.get(o.link()), o.address(), o.prefixLength()));
            }
        }
        state.save(owned); // before the kernel changes: a crash now leaves nothing unrecorded
        List<OwnedAddress> added = new ArrayList<>();
        List<OwnedAddress> removed = new ArrayList<>();
        List<AddressChange> changes = ops.isEmpty() ? List.of() : rtnl.apply(ops);
        int i = 0;
        for (; i < toAdd.size(); i++) {
            AddressChange c = changes.get(i);
            if (c instanceof AddressChange.Failed f) {
                failures.put(toAdd.get(i), f.error().getMessage());
            } else {
                added.add(toAdd.get(i));
            }
        }
        for (int j = 0; j < toRemove.size(); j++) {
            AddressChange c = changes.get(i + j);
            if (c instanceof AddressChange.Failed f) {
                failures.put(toRemove.get(j), f.error().getMessage());
            } else {
                removed.add(toRemove.get(j));
            }
        }
        // Forget what is gone and not wanted (removed now, or vanished on its own, or its link went away).
        Owned after = state.owned();
        for (OwnedAddress o : after.addresses()) {
            if (!wanted.contains(o) && (removed.contains(o) || !inKernel.contains(o) || !links.containsKey(o.link()))) {
                after = after.withoutAddress(o);
            }
        }
        state.save(after);
        Set<OwnedAddress> present = new HashSet<>();
        for (OwnedAddress w : wanted) {
            if ((inKernel.contains(w) || added.contains(w)) && !failures.containsKey(w)) {
                present.add(w);
            }
        }
        return new Result(added, removed, drift, present, failures);
    }

    /** "192.0.2.10/32 on lo". */
    static String describe(OwnedAddress a) {
        return InetText.of(a.address()) + "/" + a.prefixLength() + " on " + a.link();
    }

    /** The owned address for a host VIP on a link. */
    static OwnedAddress host(String link, java.net.InetAddress vip) {
        return new OwnedAddress(link, vip, vip.getAddress().length * 8);
    }

    /** Whether the kernel shows {@code vip} on {@code link} now. */
    Optional<Boolean> holds(String link, java.net.InetAddress vip) {
        Optional<Link> l = rtnl.link(link);
        return l.map(x -> rtnl.addresses(x).stream().anyMatch(a -> a.address().equals(vip)));
    }
}
