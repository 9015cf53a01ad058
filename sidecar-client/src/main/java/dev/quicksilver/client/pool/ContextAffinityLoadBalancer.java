package dev.quicksilver.client.pool;

import dev.quicksilver.protocol.SidecarConventions;
import io.grpc.Attributes;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.NameResolver;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A gRPC load-balancing policy for a pool of sidecars: a request that carries the affinity header
 * ({@link SidecarConventions#AFFINITY_HEADER}, set by the client from {@link AffinityKey}) goes to the
 * first reachable replica in its {@link HashRing} order, so requests that start with the same context
 * land where that context's keys and values are cached; a request without it (Info, health) goes to the
 * reachable replicas in turn.
 *
 * <p>This is gRPC's {@code ring_hash} policy with a request-header hash (gRFC A76), written here because
 * grpc-java ships ring_hash only inside its xDS module, a large dependency for one policy.
 *
 * <p><b>Threads.</b> gRPC calls every method of this class from the channel's synchronization context,
 * one at a time, so its fields need no locks. Pickers are called from any thread: each is an immutable
 * snapshot of the endpoints' states, replaced whole on every change.
 *
 * <p><b>Starting and failing replicas.</b> A keyed call whose replica is still connecting for the first
 * time (a client that has just started) waits for it rather than go to a replica without its cache; a
 * replica that has failed counts as failed, through its reconnect attempts, until it serves again (gRPC's
 * ring_hash does the same, "sticky" transient failure), so its keys go on to the next one without waiting
 * on each reconnect.
 *
 * <p><b>Full replicas.</b> A call the chosen replica refuses as full (RESOURCE_EXHAUSTED, before any answer)
 * is sent again by the client with {@link SidecarConventions#AFFINITY_ATTEMPT_HEADER} = 1, 2, ..., and
 * starts that many places further along its key's ring order: the next replica takes the overflow.
 *
 * <p><b>Connections.</b> Every replica is connected at once and reconnected whenever its connection goes
 * idle (a restart, an idle timeout), so a key's owner is ready when its next request comes; a replica in
 * transient failure is retried by gRPC with backoff while its keys go to their fallback replica.
 */
public final class ContextAffinityLoadBalancer extends LoadBalancer {

    /** Name attribute of an address group: its place on the ring (the configured {@code host:port}). */
    public static final Attributes.Key<String> ENDPOINT_NAME = Attributes.Key.create("quicksilver.endpoint-name");

    /** Points per replica on the ring (public so that tests can predict where a key goes). */
    public static final int POINTS_PER_ENDPOINT = 100;

    /**
     * Channel argument ({@code setNameResolverArg}): told, in a sentence, when a replica of a pool of two or more
     * becomes unreachable or comes back, which the channel's own state (READY while any replica is) hides.
     */
    public static final NameResolver.Args.Key<Consumer<String>> POOL_EVENTS =
            NameResolver.Args.Key.create("quicksilver.pool-events");

    private static final class Endpoint {
        final String name;
        final Subchannel subchannel;
        ConnectivityStateInfo state = ConnectivityStateInfo.forNonError(ConnectivityState.IDLE);
        boolean failing;      // TRANSIENT_FAILURE since its last READY: its reconnect attempts do not count
        Status failure = Status.UNAVAILABLE; // the last TRANSIENT_FAILURE's status
        boolean wasReady;     // has been READY at least once
        boolean reportedDown; // its loss was reported and its return not yet

        Endpoint(String name, Subchannel subchannel) {
            this.name = name;
            this.subchannel = subchannel;
        }
    }

    private final Helper helper;
    private final Consumer<String> events; // the channel's POOL_EVENTS listener, or null
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private HashRing ring = HashRing.of(List.of(), POINTS_PER_ENDPOINT);
    private Status lastResolutionError;

    ContextAffinityLoadBalancer(Helper helper) {
        this.helper = helper;
        this.events = helper.getNameResolverArgs() == null ? null : helper.getNameResolverArgs().getArg(POOL_EVENTS);
    }

    @Override
    public Status acceptResolvedAddresses(ResolvedAddresses resolved) {
        Map<String, List<EquivalentAddressGroup>> wanted = new LinkedHashMap<>();
        for (EquivalentAddressGroup group : resolved.getAddresses()) {
            String name = group.getAttributes().get(ENDPOINT_NAME);
            if (name == null) {
                name = addressesOf(group); // a plain resolver (dns:///): the address is the name
            }
            wanted.computeIfAbsent(name, k -> new ArrayList<>()).add(group);
        }
        if (wanted.isEmpty()) {
            Status empty = Status.UNAVAILABLE.withDescription("the sidecar pool's address resolved to no "
                    + "addresses; check the sidecarAddress setting");
            handleNameResolutionError(empty);
            return empty;
        }
        lastResolutionError = null;
        endpoints.entrySet().removeIf(e -> {
            if (!wanted.containsKey(e.getKey())) {
                e.getValue().subchannel.shutdown();
                return true;
            }
            return false;
        });
        for (Map.Entry<String, List<EquivalentAddressGroup>> w : wanted.entrySet()) {
            Endpoint existing = endpoints.get(w.getKey());
            if (existing != null) {
                existing.subchannel.updateAddresses(w.getValue());
                continue;
            }
            Subchannel sc = helper.createSubchannel(CreateSubchannelArgs.newBuilder()
                    .setAddresses(w.getValue()).build());
            Endpoint endpoint = new Endpoint(w.getKey(), sc);
            endpoints.put(w.getKey(), endpoint);
            sc.start(state -> stateChanged(endpoint, state));
            sc.requestConnection();
        }
        ring = HashRing.of(List.copyOf(endpoints.keySet()), POINTS_PER_ENDPOINT);
        publish();
        return Status.OK;
    }

    private void stateChanged(Endpoint endpoint, ConnectivityStateInfo state) {
        if (endpoints.get(endpoint.name) != endpoint) {
            return; // removed since
        }
        endpoint.state = state;
        if (state.getState() == ConnectivityState.TRANSIENT_FAILURE) {
            endpoint.failing = true;
            endpoint.failure = state.getStatus();
        } else if (state.getState() == ConnectivityState.READY) {
            endpoint.failing = false;
        }
        reportChange(endpoint);
        if (state.getState() == ConnectivityState.IDLE) {
            endpoint.subchannel.requestConnection();
        }
        if (state.getState() == ConnectivityState.TRANSIENT_FAILURE || state.getState() == ConnectivityState.IDLE) {
            helper.refreshNameResolution(); // a replica moved or went away: the resolver may know
        }
        publish();
    }

    /** A replica lost (after it had served) or back, to the pool's listener, if it has one and other replicas. */
    private void reportChange(Endpoint e) {
        ConnectivityState now = e.state.getState();
        if (now == ConnectivityState.READY) {
            if (e.reportedDown && events != null) {
                events.accept(e.name + " of the sidecar pool is back; its requests return to it");
            }
            e.wasReady = true;
            e.reportedDown = false;
        } else if (now == ConnectivityState.TRANSIENT_FAILURE && e.wasReady && !e.reportedDown && endpoints.size() > 1) {
            e.reportedDown = true;
            if (events != null) {
                events.accept(e.name + " of the sidecar pool cannot be reached (" + describe(e.state.getStatus())
                        + "); its requests go to the other sidecars until it is back");
            }
        }
    }

    @Override
    public void handleNameResolutionError(Status error) {
        lastResolutionError = error;
        if (endpoints.isEmpty()) {
            helper.updateBalancingState(ConnectivityState.TRANSIENT_FAILURE, new FailingPicker(error));
        } else {
            publish();
        }
    }

    @Override
    public void requestConnection() {
        for (Endpoint e : endpoints.values()) {
            if (e.state.getState() == ConnectivityState.IDLE) {
                e.subchannel.requestConnection();
            }
        }
    }

    @Override
    public void shutdown() {
        for (Endpoint e : endpoints.values()) {
            e.subchannel.shutdown();
        }
        endpoints.clear();
    }

    /** The channel's state is the best of its replicas': READY if any is. */
    private void publish() {
        Map<String, Subchannel> ready = new HashMap<>();
        Set<String> starting = new HashSet<>();
        List<String> failures = new ArrayList<>();
        for (Endpoint e : endpoints.values()) {
            if (e.failing && e.state.getState() != ConnectivityState.READY) {
                failures.add(e.name + ": " + describe(e.failure));
                continue;
            }
            switch (e.state.getState()) {
                case READY -> ready.put(e.name, e.subchannel);
                case CONNECTING, IDLE -> starting.add(e.name);
                case TRANSIENT_FAILURE -> failures.add(e.name + ": " + describe(e.state.getStatus()));
                case SHUTDOWN -> { }
            }
        }
        boolean connecting = !starting.isEmpty();
        if (!ready.isEmpty()) {
            helper.updateBalancingState(ConnectivityState.READY, new AffinityPicker(ring, ready, starting, roundRobin));
        } else if (connecting) {
            helper.updateBalancingState(ConnectivityState.CONNECTING, new BufferingPicker());
        } else {
            String why = failures.isEmpty() && lastResolutionError != null ? describe(lastResolutionError)
                    : String.join("; ", failures);
            String which = endpoints.size() == 1 ? "the sidecar at " + endpoints.keySet().iterator().next()
                    : "no sidecar of the pool " + endpoints.keySet();
            helper.updateBalancingState(ConnectivityState.TRANSIENT_FAILURE, new FailingPicker(
                    Status.UNAVAILABLE.withDescription(which + (endpoints.size() == 1 ? " cannot" : " can")
                            + " be reached: " + why)));
        }
    }

    /**
     * gRPC's description ("io exception") and, where there is one, the root of its cause ("Connection
     * refused: ...", "unable to find valid certification path ..."), which is what says why.
     */
    private static String describe(Status s) {
        String d = s.getDescription() == null ? s.getCode().toString()
                : s.getDescription().lines().findFirst().orElse(s.getCode().toString()); // not netty's pipeline dump
        Throwable root = s.getCause();
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String why = root == null || root.getMessage() == null ? ""
                : root.getMessage().lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
        return why.isEmpty() ? d : d + ": " + why;
    }

    /** {@code host:port} of each address of a group, for names and messages. */
    private static String addressesOf(EquivalentAddressGroup group) {
        List<String> parts = new ArrayList<>();
        for (SocketAddress a : group.getAddresses()) {
            parts.add(a instanceof InetSocketAddress i ? i.getHostString() + ":" + i.getPort() : a.toString());
        }
        return String.join(",", parts);
    }

    /** Keyed requests walk their ring order to the first ready replica; unkeyed ones take turns. */
    static final class AffinityPicker extends SubchannelPicker {
        private final HashRing ring;
        private final Map<String, Subchannel> ready;
        private final Set<String> starting; // connecting for the first time since they last served
        private final List<Subchannel> turns;
        private final AtomicInteger next;

        AffinityPicker(HashRing ring, Map<String, Subchannel> ready, Set<String> starting, AtomicInteger next) {
            this.ring = ring;
            this.ready = Map.copyOf(ready);
            this.starting = Set.copyOf(starting);
            this.turns = List.copyOf(ready.values());
            this.next = next;
        }

        @Override
        public PickResult pickSubchannel(PickSubchannelArgs args) {
            String key = args.getHeaders().get(SidecarConventions.AFFINITY_HEADER);
            if (key != null) {
                List<String> order = ring.preference(key);
                int from = spillOver(args.getHeaders().get(SidecarConventions.AFFINITY_ATTEMPT_HEADER), order.size());
                for (int i = 0; i < order.size(); i++) {
                    String name = order.get((from + i) % order.size());
                    Subchannel sc = ready.get(name);
                    if (sc != null) {
                        return PickResult.withSubchannel(sc);
                    }
                    if (starting.contains(name)) {
                        // Still connecting (a client that has just started): wait for it rather than send the
                        // request to a replica without its cache. One that failed is passed over instead.
                        return PickResult.withNoResult();
                    }
                }
            }
            return PickResult.withSubchannel(turns.get(Math.floorMod(next.getAndIncrement(), turns.size())));
        }
    }

    /** Where in a key's ring order a spilled-over call starts: its attempt count, 0 for none or nonsense. */
    static int spillOver(String attempt, int replicas) {
        if (attempt == null || replicas == 0) {
            return 0;
        }
        try {
            return Math.floorMod(Integer.parseInt(attempt), replicas);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** No replica is ready yet, but some are connecting: calls wait for the next picker. */
    private static final class BufferingPicker extends SubchannelPicker {
        @Override
        public PickResult pickSubchannel(PickSubchannelArgs args) {
            return PickResult.withNoResult();
        }
    }

    private static final class FailingPicker extends SubchannelPicker {
        private final Status status;

        FailingPicker(Status status) {
            this.status = status;
        }

        @Override
        public PickResult pickSubchannel(PickSubchannelArgs args) {
            return PickResult.withError(status);
        }
    }
}
