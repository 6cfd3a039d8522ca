package io.lvs.agent.kernel.ipvs.reconcile;

import io.lvs.agent.kernel.ipvs.Destination;
import io.lvs.agent.kernel.ipvs.DestinationKey;
import io.lvs.agent.kernel.ipvs.Service;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import java.util.Objects;

/** One change to the kernel's IPVS table, as a plan lists it: each maps to exactly one netlink request. */
public sealed interface IpvsOp {

    /** The service the operation concerns. */
    ServiceKey service();

    /** IPVS_CMD_NEW_SERVICE. */
    record AddService(Service definition) implements IpvsOp {
        public AddService {
            Objects.requireNonNull(definition);
        }

        @Override
        public ServiceKey service() {
            return definition.key();
        }

        @Override
        public String toString() {
            return "add service " + definition;
        }
    }

    /** IPVS_CMD_SET_SERVICE: the service's scheduler, flags, persistence or engine change in place. */
    record UpdateService(Service definition) implements IpvsOp {
        public UpdateService {
            Objects.requireNonNull(definition);
        }

        @Override
        public ServiceKey service() {
            return definition.key();
        }

        @Override
        public String toString() {
            return "update service " + definition;
        }
    }

    /** IPVS_CMD_DEL_SERVICE: the service and every destination in it. */
    record DeleteService(ServiceKey service) implements IpvsOp {
        public DeleteService {
            Objects.requireNonNull(service);
        }

        @Override
        public String toString() {
            return "delete service " + service;
        }
    }

    /** IPVS_CMD_NEW_DEST. */
    record AddDestination(ServiceKey service, Destination destination) implements IpvsOp {
        public AddDestination {
            Objects.requireNonNull(service);
            Objects.requireNonNull(destination);
        }

        @Override
        public String toString() {
            return "add destination " + destination + " to " + service;
        }
    }

    /** IPVS_CMD_SET_DEST: forwarding, tunnel, weight or thresholds change in place (weight 0 drains). */
    record UpdateDestination(ServiceKey service, Destination destination) implements IpvsOp {
        public UpdateDestination {
            Objects.requireNonNull(service);
            Objects.requireNonNull(destination);
        }

        @Override
        public String toString() {
            return "update destination " + destination + " of " + service;
        }
    }

    /** IPVS_CMD_DEL_DEST. */
    record DeleteDestination(ServiceKey service, DestinationKey destination) implements IpvsOp {
        public DeleteDestination {
            Objects.requireNonNull(service);
            Objects.requireNonNull(destination);
        }

        @Override
        public String toString() {
            return "delete destination " + destination + " of " + service;
        }
    }
}
